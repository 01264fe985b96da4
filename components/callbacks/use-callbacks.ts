'use client';
/**
 * The open callbacks and today's done ones, fetched from /api/callbacks and
 * again every few seconds while the tab is visible: the list changes when a
 * call is stored (seconds after it ends), so a poll is as live as it needs
 * to be and costs one small query per open tab.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Callback } from '@/lib/history/callbacks';
import { goToLogin } from '@/lib/ui/session';
import { startOfToday } from './ago';

const POLL_MS = 5000;

export interface CallbackLists {
  open: Callback[];
  done: Callback[];
  /** null until the first answer; the error's message when the last fetch failed. */
  loaded: boolean;
  error: string | null;
  refresh: () => void;
}

async function fetchList(query: string): Promise<Callback[]> {
  const res = await fetch(`/api/callbacks?${query}`, { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) {
    goToLogin();
    return [];
  }
  const body = (await res.json().catch(() => ({}))) as { callbacks?: Callback[]; error?: string };
  if (!res.ok) throw new Error(body.error ?? `The server answered ${res.status}`);
  return body.callbacks ?? [];
}

export function useCallbacks(): CallbackLists {
  const [state, setState] = useState<Omit<CallbackLists, 'refresh'>>({ open: [], done: [], loaded: false, error: null });
  const inFlight = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    const since = startOfToday(Date.now());
    Promise.all([fetchList('state=open&limit=500'), fetchList(`state=done&since=${since}&limit=200`)])
      .then(([open, done]) => setState({ open, done, loaded: true, error: null }))
      .catch((err: unknown) =>
        setState((s) => ({ ...s, loaded: true, error: err instanceof Error ? err.message : 'The list could not be fetched' })),
      )
      .finally(() => {
        inFlight.current = false;
      });
  }, []);

  useEffect(() => {
    refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  return { ...state, refresh };
}

'use client';
/**
 * The pages of calls for one query, loaded one after another as the table
 * asks (infinite scroll). A new query starts over and abandons the old one's
 * request, so a slow answer to an old search never lands on the new one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallRecord } from '@/lib/history/record';
import { fetchHistoryPage, HistoryFetchError } from '@/lib/ui/history/fetch';
import { recordKey } from '@/lib/ui/history/format';
import { goToLogin } from '@/lib/ui/session';

export const PAGE_SIZE = 100;

export interface HistoryPages {
  calls: readonly CallRecord[];
  /** A next page exists (the server gave a cursor). */
  more: boolean;
  loading: boolean;
  /** The last request's failure, as the page shows it; '' when none. */
  error: string;
  /** The first page has answered (so "no calls" means none). */
  loaded: boolean;
  loadMore: () => void;
  retry: () => void;
  /** Starts over from the newest: calls that ended since are on top. */
  refresh: () => void;
}

interface State {
  query: string;
  calls: CallRecord[];
  next: string | null;
  loading: boolean;
  error: string;
  loaded: boolean;
}

const fresh = (query: string): State => ({ query, calls: [], next: null, loading: true, error: '', loaded: false });

/** `query` is the REST query without cursor or limit; null while the page has no filters yet. */
export function useHistoryPages(query: string | null): HistoryPages {
  const [state, setState] = useState<State>(() => fresh(query ?? ''));
  const inflight = useRef<AbortController | null>(null);

  const load = useCallback((q: string, cursor: string | null, over = false) => {
    inflight.current?.abort();
    const ctl = new AbortController();
    inflight.current = ctl;
    const params = new URLSearchParams(q);
    params.set('limit', String(PAGE_SIZE));
    if (cursor) params.set('cursor', cursor);
    setState((s) => (s.query === q && !over ? { ...s, loading: true, error: '' } : fresh(q)));
    fetchHistoryPage(params, ctl.signal).then(
      (page) => {
        if (ctl.signal.aborted) return;
        setState((s) => {
          if (s.query !== q) return s;
          // Rows may repeat across pages when calls start in the same ms as the cursor; each is shown once.
          const seen = new Set(s.calls.map(recordKey));
          const added = page.calls.filter((c) => !seen.has(recordKey(c)));
          return { ...s, calls: [...s.calls, ...added], next: page.next, loading: false, loaded: true };
        });
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        if (err instanceof HistoryFetchError && err.status === 401) return goToLogin();
        const message = err instanceof Error ? err.message : 'The call history did not load.';
        setState((s) => (s.query === q ? { ...s, loading: false, error: message } : s));
      },
    );
  }, []);

  useEffect(() => {
    if (query === null) return;
    load(query, null);
    return () => inflight.current?.abort();
  }, [query, load]);

  // A new function with each state: the table's effect asks again once a page has landed, if still near the end.
  const loadMore = useCallback(() => {
    if (state.loading || state.error || !state.next) return;
    load(state.query, state.next);
  }, [state, load]);

  const retry = useCallback(() => load(state.query, state.loaded ? state.next : null), [state, load]);
  const refresh = useCallback(() => load(state.query, null, true), [state.query, load]);

  const current = state.query === query;
  return {
    calls: current ? state.calls : [],
    more: current && state.next !== null,
    loading: !current || state.loading,
    error: current ? state.error : '',
    loaded: current && state.loaded,
    loadMore,
    retry,
    refresh,
  };
}

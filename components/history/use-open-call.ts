'use client';
/**
 * The record of the call the URL opens: the loaded row's own when it is one
 * of them (a click), else read from the server (a shared link to a call that
 * is not on the first page, or outside today's filters).
 */
import { useEffect, useMemo, useState } from 'react';
import type { CallRecord } from '@/lib/history/record';
import { fetchCall } from '@/lib/ui/history/fetch';
import { recordKey } from '@/lib/ui/history/format';
import { recordPath, type CallRef } from '@/lib/ui/history/query';

export interface OpenCall {
  call: CallRecord | null;
  /** Why the named call could not be shown; '' when none. */
  error: string;
}

export function useOpenCall(ref: CallRef | null, rows: readonly CallRecord[]): OpenCall {
  const key = ref ? recordKey(ref) : '';
  const byKey = useMemo(() => new Map(rows.map((r) => [recordKey(r), r])), [rows]);
  const row = key ? byKey.get(key) : undefined;
  const [fetched, setFetched] = useState<{ key: string; call: CallRecord | null; error: string } | null>(null);
  const need = ref !== null && row === undefined;
  const pbx = ref?.pbx ?? '';
  const id = ref?.id ?? '';
  useEffect(() => {
    if (!need) return;
    const ctl = new AbortController();
    const k = recordKey({ pbx, id });
    fetchCall(recordPath({ pbx, id }), ctl.signal).then(
      (call) => setFetched({ key: k, call, error: '' }),
      (err: unknown) => {
        if (!ctl.signal.aborted) setFetched({ key: k, call: null, error: err instanceof Error ? err.message : 'This call did not load.' });
      },
    );
    return () => ctl.abort();
  }, [need, pbx, id]);
  if (!ref) return { call: null, error: '' };
  if (row) return { call: row, error: '' };
  if (fetched?.key === key) return { call: fetched.call, error: fetched.error };
  return { call: null, error: '' };
}

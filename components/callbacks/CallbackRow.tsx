'use client';
/** One caller owed a call: who, where they waited, how often and how long ago, and the two buttons. */
import { useState } from 'react';
import type { Callback } from '@/lib/history/callbacks';
import { formatMoment } from '@/lib/ui/format';
import { buttonStyles } from '../Dialog';
import { ago } from './ago';

export function CallbackRow({
  callback: c,
  now,
  onCall,
  onDone,
  pbxLabel,
}: {
  callback: Callback;
  /** Set when several PBXs are shown: which one the caller rang. */
  pbxLabel?: string;
  now: number;
  /** Absent when the user may not place calls (a viewer) or cannot dial this number. */
  onCall?: (c: Callback) => void;
  /** Absent when the user may not mark callbacks done. */
  onDone?: (c: Callback) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const done = onDone
    ? () => {
        setBusy(true);
        void onDone(c).finally(() => setBusy(false));
      }
    : undefined;
  return (
    <li
      className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-white p-3 sm:flex-row sm:items-center dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="callback-row"
      data-callback={c.id}
    >
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <span className="text-base font-semibold tabular" data-testid="callback-number">
            {c.number}
          </span>
          {c.name && <span className="truncate text-sm text-zinc-700 dark:text-zinc-300">{c.name}</span>}
          {c.queue && (
            <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-inset ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-900">
              {c.queue}
            </span>
          )}
          {pbxLabel && <span className="text-xs text-zinc-500 dark:text-zinc-400">{pbxLabel}</span>}
          {c.attempts > 1 && (
            <span
              className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900"
              data-testid="callback-attempts"
            >
              {c.attempts} tries
            </span>
          )}
        </div>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          <span title={formatMoment(c.firstAt)}>
            {c.attempts > 1 ? 'First try ' : 'Tried '}
            {ago(c.firstAt, now)}
          </span>
          {c.attempts > 1 && <span title={formatMoment(c.lastAt)}> · last {ago(c.lastAt, now)}</span>}
          {' · '}
          <a
            className="underline decoration-zinc-300 underline-offset-2 hover:text-zinc-900 dark:decoration-zinc-600 dark:hover:text-white"
            href={`/history?call=${encodeURIComponent(c.lastCallId)}`}
          >
            the call
          </a>
        </p>
        {c.calledBy && (
          <p className="mt-0.5 text-xs text-emerald-700 dark:text-emerald-400" data-testid="callback-called">
            Called back by {c.calledBy} {ago(c.calledAt ?? 0, now)}
            {c.calls > 1 ? ` (${c.calls} times)` : ''}
          </p>
        )}
      </div>
      {(onCall || done) && (
        <div className="flex shrink-0 gap-2">
          {onCall && (
            <button
              type="button"
              className={`${buttonStyles.primary} flex-1 sm:flex-none`}
              onClick={() => onCall(c)}
              data-testid="callback-call"
            >
              Call back
            </button>
          )}
          {done && (
            <button
              type="button"
              className={`${buttonStyles.secondary} flex-1 sm:flex-none`}
              onClick={done}
              disabled={busy}
              data-testid="callback-done"
            >
              {busy ? 'Marking…' : 'Done'}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

'use client';
/** Today's closed callbacks, newest first: who marked each done, or the answered call that closed it by itself. */
import type { Callback } from '@/lib/history/callbacks';
import { formatClock } from '@/lib/ui/format';

export function DoneToday({
  done,
  me,
  onUndo,
  canUndo,
}: {
  done: readonly Callback[];
  /** Who is looking: their own Dones read "by you". */
  me: string;
  /** Absent for those who may not undo; offered on a person's Done (an answered call closed the others). */
  onUndo: (c: Callback) => void;
  /** Whether this user may undo that Done: their own, or anyone's for an admin. */
  canUndo: (c: Callback) => boolean;
}) {
  return (
    <section aria-labelledby="done-today" className="flex flex-col gap-2">
      <h2 id="done-today" className="text-sm font-semibold">
        Done today <span className="ml-1 font-normal text-zinc-600 tabular dark:text-zinc-400">{done.length}</span>
      </h2>
      {done.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing marked done yet today.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white text-sm dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {done.map((c) => (
            <li key={`${c.pbx} ${c.id}`} className="flex items-start justify-between gap-3 px-3 py-2" data-testid="callback-done-row">
              <div className="min-w-0">
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-medium tabular">{c.number}</span>
                  {c.name && <span className="truncate text-zinc-700 dark:text-zinc-300">{c.name}</span>}
                </div>
                <div className="text-xs text-zinc-600 dark:text-zinc-400">
                  <span className="tabular">{c.doneAt ? formatClock(c.doneAt) : ''}</span>
                  {c.queue && <> · {c.queue}</>}
                </div>
              </div>
              <div className="flex shrink-0 items-baseline gap-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="callback-done-by">
                {c.doneHow === 'auto' ? (
                  c.doneCallId ? (
                    <a className="underline underline-offset-2" href={`/history?call=${encodeURIComponent(c.doneCallId)}`}>
                      answered
                    </a>
                  ) : (
                    'answered'
                  )
                ) : (
                  <span>by {c.doneBy === me ? 'you' : c.doneBy}</span>
                )}
                {c.doneHow === 'user' && canUndo(c) && (
                  <button
                    type="button"
                    className="rounded px-1 py-0.5 font-medium text-sky-700 hover:bg-sky-50 dark:text-sky-400 dark:hover:bg-sky-950"
                    onClick={() => onUndo(c)}
                    data-testid="callback-undo"
                  >
                    Undo
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

'use client';
/** Today's closed callbacks, newest first: who marked each done, or the answered call that closed it by itself. */
import type { Callback } from '@/lib/history/callbacks';
import { formatClock } from '@/lib/ui/format';

export function DoneToday({ done }: { done: readonly Callback[] }) {
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
            <li
              key={`${c.pbx} ${c.id}`}
              className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2"
              data-testid="callback-done-row"
            >
              <span className="tabular text-zinc-600 dark:text-zinc-400">{c.doneAt ? formatClock(c.doneAt) : ''}</span>
              <span className="font-medium tabular">{c.number}</span>
              {c.name && <span className="text-zinc-700 dark:text-zinc-300">{c.name}</span>}
              {c.queue && <span className="text-xs text-zinc-500 dark:text-zinc-400">{c.queue}</span>}
              <span className="ml-auto text-xs text-zinc-600 dark:text-zinc-400" data-testid="callback-done-by">
                {c.doneHow === 'auto' ? (
                  <>
                    answered{' '}
                    {c.doneCallId && (
                      <a className="underline underline-offset-2" href={`/history?call=${encodeURIComponent(c.doneCallId)}`}>
                        (the call)
                      </a>
                    )}
                  </>
                ) : (
                  <>by {c.doneBy}</>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

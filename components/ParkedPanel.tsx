'use client';
/** Calls waiting in a parking lot: lot, slot, who, for how long, and a Pick up that rings the user's own phone. */
import { useMemo } from 'react';
import type { ParkedCall } from '@/lib/pbx/model';
import { act } from '@/lib/ui/act';
import { useNow } from '@/lib/ui/clock';
import { elapsed } from '@/lib/ui/format';
import { useCan } from '@/lib/ui/grants';
import { useSeveralShown, useShownBoards } from '@/lib/ui/selectors';
import { LiveDuration } from './LiveDuration';

function Returns({ p }: { p: ParkedCall }) {
  const now = useNow();
  if (!p.timeout) return null;
  const left = p.parkedAt + p.timeout * 1000 - now;
  return <span className="tabular">{left > 0 ? `back in ${elapsed(now, now + left)}` : 'ringing back'}</span>;
}

export function ParkedPanel() {
  const boards = useShownBoards();
  const several = useSeveralShown();
  const can = useCan();
  const rows = useMemo(
    () =>
      boards.flatMap((b) =>
        Object.values(b.state.parked ?? {})
          .sort((x, y) => x.lot.localeCompare(y.lot) || Number(x.space) - Number(y.space))
          .map((p) => ({ board: b, p })),
      ),
    [boards],
  );
  if (rows.length === 0) return null;
  return (
    <section aria-label="Parked calls" className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="border-b border-zinc-200 px-4 py-2.5 text-sm font-semibold dark:border-zinc-800">
        Parked <span className="ml-1 font-normal text-zinc-600 tabular dark:text-zinc-400">{rows.length}</span>
      </h2>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {rows.map(({ board, p }) => {
          const caller = p.callerName && p.callerName !== p.callerNum ? `${p.callerName} (${p.callerNum})` : p.callerNum || p.channelName;
          return (
            <li
              key={`${board.id} ${p.id}`}
              className="flex items-center gap-3 px-4 py-2 text-sm"
              data-testid="parked-call"
              data-space={p.space}
            >
              <span className="flex w-14 shrink-0 flex-col leading-tight">
                <span className="font-semibold tabular">{p.space}</span>
                <span className="truncate text-xs text-zinc-600 dark:text-zinc-400" title={`Parking lot ${p.lot}`}>
                  {p.lot}
                </span>
              </span>
              <span className="flex min-w-0 flex-1 flex-col leading-tight">
                <span className="truncate font-medium">
                  {caller}
                  {several && <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {board.label}</span>}
                </span>
                <span className="truncate text-xs text-zinc-600 dark:text-zinc-400">
                  parked <LiveDuration since={p.parkedAt} /> · <Returns p={p} />
                </span>
              </span>
              {can.has('pickup') && (
                <button
                  type="button"
                  data-testid="parked-pickup"
                  onClick={() =>
                    void act(
                      { type: 'pickup', pbx: board.id, parked: p.id },
                      {
                        pending: `Ringing your phone for ${p.space}…`,
                        done: 'Parked call picked up',
                        failed: 'Pick-up failed',
                        detail: caller,
                      },
                    )
                  }
                  className="h-7 shrink-0 rounded-md px-2 text-xs font-medium text-zinc-700 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-200 dark:ring-zinc-700 dark:hover:bg-zinc-800"
                  aria-label={`Pick up ${caller} from ${p.space}`}
                >
                  Pick up
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

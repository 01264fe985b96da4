'use client';
/**
 * Calls to call back: the callers who gave up waiting or were missed, the
 * longest waiting first, each with Call back (from the user's own phone)
 * and Done; and what was done today, by whom. A viewer sees the list only.
 */
import { useCallback, useMemo } from 'react';
import type { Callback } from '@/lib/history/callbacks';
import { useNow } from '@/lib/ui/clock';
import { useCan } from '@/lib/ui/grants';
import { useSeveralShown, useShownBoards } from '@/lib/ui/selectors';
import { canAct, useMeInFrame } from '@/lib/ui/session';
import { BoardFrame } from '../BoardFrame';
import { callBack, markDone, masked, reopen } from './actions';
import { CallbackRow } from './CallbackRow';
import { DoneToday } from './DoneToday';
import { useCallbacks } from './use-callbacks';

export function CallbacksView() {
  return (
    <BoardFrame heading="Calls to call back" title="Call back · Callboard">
      <Callbacks />
    </BoardFrame>
  );
}

function Callbacks() {
  const lists = useCallbacks();
  const { loaded, error, refresh } = lists;
  // The PBX switcher narrows this page as it does the others; before the boards arrive, everything shows.
  const boards = useShownBoards();
  const several = useSeveralShown();
  const labels = useMemo(() => new Map(boards.map((b) => [b.id, b.label])), [boards]);
  const open = useMemo(() => (labels.size ? lists.open.filter((c) => labels.has(c.pbx)) : lists.open), [lists.open, labels]);
  const done = useMemo(() => (labels.size ? lists.done.filter((c) => labels.has(c.pbx)) : lists.done), [lists.done, labels]);
  const now = useNow();
  const me = useMeInFrame();
  const can = useCan();
  const extension = me?.extension ?? '';
  const mayCall = can.has('originate');
  const mayMark = canAct(me?.role);

  const onCall = useCallback(
    (c: Callback) => {
      void callBack(c, extension).then(refresh);
    },
    [extension, refresh],
  );
  const onDone = useCallback(
    async (c: Callback) => {
      await markDone(c);
      refresh();
    },
    [refresh],
  );
  const onUndo = useCallback(
    (c: Callback) => {
      void reopen(c).then(refresh);
    },
    [refresh],
  );
  const user = me?.user ?? '';
  // The server allows an admin to undo anyone's Done, a supervisor their own: the button follows.
  const mayUndo = (c: Callback) => mayMark && (me?.role === 'admin' || c.doneBy === user);

  return (
    <div className="flex flex-col gap-6 lg:grid lg:grid-cols-[minmax(0,1fr)_24rem] lg:items-start">
      <section aria-labelledby="to-call-back" className="flex flex-col gap-2">
        <div className="flex flex-wrap items-baseline gap-2">
          <h2 id="to-call-back" className="text-sm font-semibold">
            To call back{' '}
            <span className="ml-1 font-normal text-zinc-600 tabular dark:text-zinc-400" data-testid="callbacks-count">
              {loaded ? open.length : ''}
            </span>
          </h2>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Callers who hung up waiting or were missed; the longest waiting first.</p>
        </div>
        {error && (
          <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
            {error}
          </p>
        )}
        {!loaded ? (
          <p className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>
        ) : open.length === 0 ? (
          <p
            className="rounded-xl border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
            data-testid="callbacks-empty"
          >
            Nobody to call back. Callers who hang up in a queue or are missed show here.
          </p>
        ) : (
          <ul className="flex flex-col gap-2" data-testid="callbacks-list">
            {open.map((c) => (
              <CallbackRow
                key={`${c.pbx} ${c.id}`}
                callback={c}
                now={now}
                pbxLabel={several ? labels.get(c.pbx) : undefined}
                // A masked number without a phone of one's own cannot go in the dialog; the server alone knows it.
                onCall={mayCall && !(masked(c) && !extension) ? onCall : undefined}
                onDone={mayMark ? onDone : undefined}
              />
            ))}
          </ul>
        )}
      </section>
      <DoneToday done={done} me={user} onUndo={onUndo} canUndo={mayUndo} />
    </div>
  );
}

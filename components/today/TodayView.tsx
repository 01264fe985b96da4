'use client';
/** The day so far: today's figures, live from the board, and the charts, per PBX and per queue or all queues. */
import { useMemo, useState } from 'react';
import type { Board } from '@/lib/store';
import { queueToday } from '@/lib/stats/live';
import { sumQueueDays, type QueueDay } from '@/lib/stats/figures';
import { useNow } from '@/lib/ui/clock';
import { formatDuration, formatPercent } from '@/lib/ui/format';
import { useShownBoards } from '@/lib/ui/selectors';
import { usePbx } from '@/lib/store';
import { BoardFrame } from '../BoardFrame';
import { TodayCharts } from './TodayCharts';

export function TodayView() {
  return (
    <BoardFrame heading="Today" title="Today · Callboard">
      <TodayBoards />
    </BoardFrame>
  );
}

function TodayBoards() {
  const boards = useShownBoards();
  const ready = usePbx((s) => s.ready);
  if (boards.length === 0)
    return <p className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">{ready ? 'No PBX.' : 'Loading…'}</p>;
  return (
    <div className="flex flex-col gap-8">
      {boards.map((b) => (
        <TodayBoard key={b.id} board={b} titled={boards.length > 1} />
      ))}
    </div>
  );
}

const seconds = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000));

function TodayBoard({ board, titled }: { board: Board; titled: boolean }) {
  const [queue, setQueue] = useState<string | null>(null);
  const queues = useMemo(() => Object.keys(board.state.queues).sort(), [board.state.queues]);
  const shown = queue !== null && queues.includes(queue) ? queue : null;
  return (
    <section aria-label={board.label} className="flex flex-col gap-3" data-testid="today-board" data-pbx={board.id}>
      <div className="flex flex-wrap items-center gap-3">
        {titled && <h2 className="text-base font-semibold">{board.label}</h2>}
        <label className="flex items-center gap-2 text-sm">
          <span className="text-zinc-600 dark:text-zinc-400">Queue</span>
          <select
            value={shown ?? ''}
            onChange={(e) => setQueue(e.target.value || null)}
            data-testid="today-queue"
            className="rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="">All queues</option>
            {queues.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
      </div>
      <DayStrip board={board} queue={shown} />
      <TodayCharts pbx={board.id} queue={shown} />
    </section>
  );
}

/** The figures of the day for the queue shown, or for all queues; ticking, since a caller still waiting counts. */
function DayStrip({ board, queue }: { board: Board; queue: string | null }) {
  const now = useNow();
  const { queueDays, callers } = board.state;
  const days: QueueDay[] = [];
  for (const id in queueDays) if (queue === null || id === queue) days.push(queueDays[id]);
  if (days.length === 0)
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        {board.ready ? 'No figures of the day: the call history is off (CALLBOARD_HISTORY=off).' : 'Loading…'}
      </p>
    );
  const waiting = Object.values(callers).filter((c) => queue === null || c.queue === queue);
  const sum = { ...sumQueueDays(days), id: queue ?? '', date: days[0].date, dayStart: days[0].dayStart };
  const t = queueToday(sum, waiting, now);
  const items: [string, string | number, string][] = [
    ['Offered', t.offered, 'offered'],
    ['Answered', t.answered, 'answered'],
    ['Abandoned', t.abandoned, 'abandoned'],
    ['SLA', t.slaPercent === null ? '—' : formatPercent(t.slaPercent), 'sla'],
    ['ASA', seconds(t.asaSeconds), 'asa'],
    ['AHT', seconds(t.ahtSeconds), 'aht'],
    ['Longest wait', seconds(t.longestWaitSeconds || null), 'longest'],
    ['To call back', t.callbacksOwed, 'callbacks'],
  ];
  return (
    <dl className="grid grid-cols-2 gap-px overflow-hidden rounded-xl border border-zinc-200 bg-zinc-200 sm:grid-cols-4 xl:grid-cols-8 dark:border-zinc-800 dark:bg-zinc-800">
      {items.map(([label, value, key]) => (
        <div key={key} className="bg-white px-4 py-3 dark:bg-zinc-900">
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
          <dd className="text-xl font-semibold tracking-tight tabular" data-testid={`today-${key}`}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

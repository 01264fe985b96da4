'use client';
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatPercent } from '@/lib/ui/format';
import { waitLevel, type QueueStats } from '@/lib/ui/queues';
import { useQueueStats, useSeveralShown, useShownBoards } from '@/lib/ui/selectors';
import type { Board } from '@/lib/store';
import { openDialog } from '@/lib/ui/dialogs';
import { useCan } from '@/lib/ui/grants';
import { useBoardLive } from '@/lib/ui/selectors';
import { PbxGroup } from './PbxGroup';
import { IconUsers } from './icons';

const WAIT_TONE = {
  ok: 'text-zinc-900 dark:text-zinc-100',
  warn: 'text-amber-700 dark:text-amber-400',
  bad: 'text-rose-600 dark:text-rose-400',
};

function LongestWait({ since, serviceLevel }: { since: number; serviceLevel: number }) {
  const now = useNow();
  if (!since) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return <span className={WAIT_TONE[waitLevel(now - since, serviceLevel)]}>{elapsed(since, now)}</span>;
}

function AddMember({ queue, pbx }: { queue: string; pbx: string }) {
  const can = useCan();
  const live = useBoardLive(pbx);
  if (!can.has('queue-add')) return null;
  return (
    <button
      type="button"
      onClick={() => openDialog({ kind: 'add-member', pbx, queue })}
      disabled={!live}
      data-testid="queue-add-member"
      aria-label={`Add a member to ${queue}`}
      className="rounded px-1.5 py-0.5 text-[11px] font-medium text-zinc-700 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 disabled:opacity-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
    >
      + Member
    </button>
  );
}

function QueueCard({ q, pbx }: { q: QueueStats; pbx: string }) {
  const total = q.agents.free + q.agents.busy + q.agents.paused;
  const pct = (n: number) => (total ? `${(n / total) * 100}%` : '0%');
  return (
    <article
      data-testid="queue-card"
      data-queue={q.id}
      data-pbx={pbx}
      className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex items-baseline justify-between gap-2">
        <h3 className="mr-auto truncate text-sm font-semibold">{q.id}</h3>
        <AddMember queue={q.id} pbx={pbx} />
        <span className="text-xs text-zinc-600 dark:text-zinc-400 tabular" title={`Answered within ${q.serviceLevel || '—'} s`}>
          SLA{' '}
          <span className="font-medium text-zinc-700 dark:text-zinc-300">
            {q.completed + q.abandoned === 0 ? '—' : formatPercent(q.sla)}
          </span>
        </span>
      </header>
      <dl className="mt-3 grid grid-cols-2 gap-3">
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Waiting</dt>
          <dd
            className={`text-2xl font-semibold tracking-tight tabular ${q.waiting > 0 ? 'text-violet-600 dark:text-violet-400' : ''}`}
            data-testid="queue-waiting"
          >
            {q.waiting}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">Longest wait</dt>
          <dd className="text-2xl font-semibold tracking-tight tabular">
            <LongestWait since={q.longestSince} serviceLevel={q.serviceLevel} />
          </dd>
        </div>
      </dl>
      <div className="mt-3 flex h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
        <span className="bg-emerald-500" style={{ width: pct(q.agents.free) }} />
        <span className="bg-rose-500" style={{ width: pct(q.agents.busy) }} />
        <span className="bg-amber-500" style={{ width: pct(q.agents.paused) }} />
      </div>
      <div className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 tabular dark:text-zinc-400">
        <span>
          <span className="font-medium text-zinc-800 dark:text-zinc-200">{q.agents.free}</span> free
        </span>
        <span>
          <span className="font-medium text-zinc-800 dark:text-zinc-200">{q.agents.busy}</span> busy
        </span>
        <span>
          <span className="font-medium text-zinc-800 dark:text-zinc-200">{q.agents.paused}</span> paused
        </span>
        <span className="ml-auto">
          {q.completed} done · <span className={q.abandoned ? 'text-rose-600 dark:text-rose-400' : ''}>{q.abandoned} abandoned</span>
        </span>
      </div>
    </article>
  );
}

/** One PBX's queues; with several PBXs on screen, under its name, and dimmed alone when its data is stale. */
function BoardQueues({ board, titled }: { board: Board; titled: boolean }) {
  const stats = useQueueStats(board.id);
  return (
    <PbxGroup board={board} titled={titled} testId="pbx-queues" gap="gap-3">
      {stats.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:text-zinc-400 dark:border-zinc-700">
          <IconUsers className="mx-auto mb-2 text-zinc-400" />
          {board.ready ? 'No queues configured on this PBX.' : 'Loading queues…'}
        </div>
      ) : (
        stats.map((q) => <QueueCard key={q.id} q={q} pbx={board.id} />)
      )}
    </PbxGroup>
  );
}

export function QueueCards() {
  const boards = useShownBoards();
  const several = useSeveralShown();
  const count = boards.reduce((n, b) => n + Object.keys(b.state.queues).length, 0);
  return (
    <section aria-label="Queues" className="flex min-h-0 flex-col gap-3 xl:max-h-full xl:overflow-y-auto">
      <h2 className="flex items-center gap-2 px-1 text-sm font-semibold">
        Queues <span className="font-normal text-zinc-600 dark:text-zinc-400 tabular">{count}</span>
      </h2>
      {boards.map((b) => (
        <BoardQueues key={b.id} board={b} titled={several} />
      ))}
    </section>
  );
}

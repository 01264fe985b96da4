'use client';
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatDuration, formatPercent } from '@/lib/ui/format';
import { queueToday } from '@/lib/stats/live';
import { waitLevel, type QueueStats } from '@/lib/ui/queues';
import { useQueueStats, useSeveralShown, useShownBoards } from '@/lib/ui/selectors';
import type { Board } from '@/lib/store';
import { openDialog } from '@/lib/ui/dialogs';
import { useCan } from '@/lib/ui/grants';
import { useBoardLive } from '@/lib/ui/selectors';
import { queueSeverity, SEVERITY_RING } from '@/lib/ui/alerts';
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

/** A figure of the day: a label over a number, the number alone named for tests. */
function DayFigure({
  label,
  value,
  testId,
  tone = '',
  title,
}: {
  label: string;
  value: string | number;
  testId: string;
  tone?: string;
  title?: string;
}) {
  return (
    <div className="min-w-0" title={title}>
      <dt className="truncate text-[11px] text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className={`text-sm font-semibold tabular ${tone}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '—' : formatDuration(s * 1000));

/** Today's figures (Callboard's own, docs/metrics.md); the longest wait counts a caller still waiting too. */
function QueueToday({ q }: { q: QueueStats }) {
  const now = useNow();
  if (!q.counted || !q.day) return null;
  const t = queueToday(q.day, q.longestSince ? [{ waitingSince: q.longestSince }] : [], now);
  return (
    <div className="mt-3 border-t border-zinc-100 pt-3 dark:border-zinc-800">
      <dl className="grid grid-cols-4 gap-2">
        <DayFigure label="Offered" value={t.offered} testId="queue-offered" title="Calls that joined the queue today" />
        <DayFigure label="ASA" value={seconds(t.asaSeconds)} testId="queue-asa" title="Average speed of answer today" />
        <DayFigure label="AHT" value={seconds(t.ahtSeconds)} testId="queue-aht" title="Average handling time today (talk and hold)" />
        <DayFigure
          label="Longest"
          value={seconds(t.longestWaitSeconds || null)}
          testId="queue-longest-today"
          title="The longest wait today, a caller still waiting included"
        />
      </dl>
      {t.callbacksOwed > 0 && (
        <p className="mt-2 text-xs text-rose-700 dark:text-rose-400" data-testid="queue-callbacks">
          <a href="/callbacks" className="underline-offset-2 hover:underline">
            {t.callbacksOwed} to call back
          </a>
        </p>
      )}
    </div>
  );
}

function QueueCard({ q, pbx, alerts }: { q: QueueStats; pbx: string; alerts: Board['state']['alerts'] }) {
  const now = useNow();
  const severity = queueSeverity(alerts, q.id, now);
  const total = q.agents.free + q.agents.busy + q.agents.paused;
  const pct = (n: number) => (total ? `${(n / total) * 100}%` : '0%');
  const ours = q.counted ? 'today' : "Asterisk's count since its last reload";
  return (
    <article
      data-testid="queue-card"
      data-queue={q.id}
      data-pbx={pbx}
      data-alert={severity ?? undefined}
      className={`rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900 ${severity ? SEVERITY_RING[severity] : ''}`}
    >
      <header className="flex items-baseline justify-between gap-2">
        <h3 className="mr-auto truncate text-sm font-semibold">{q.id}</h3>
        <AddMember queue={q.id} pbx={pbx} />
        <span className="text-xs text-zinc-600 dark:text-zinc-400 tabular" title={`Answered within ${q.serviceLevel || '—'} s, ${ours}`}>
          SLA{' '}
          <span className="font-medium text-zinc-700 dark:text-zinc-300" data-testid="queue-sla">
            {Number.isFinite(q.sla) ? formatPercent(q.sla) : '—'}
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
      <QueueToday q={q} />
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
        <span className="ml-auto" title={`Calls ${ours}`}>
          <span data-testid="queue-answered">{q.answered}</span> answered ·{' '}
          <span className={q.abandoned ? 'text-rose-600 dark:text-rose-400' : ''}>
            <span data-testid="queue-abandoned">{q.abandoned}</span> abandoned
          </span>
        </span>
      </div>
      {q.counted && (
        <p
          className="mt-1.5 text-[11px] text-zinc-500 tabular dark:text-zinc-400"
          data-testid="queue-asterisk"
          title="Asterisk's own queue counters, since its last reload or restart"
        >
          Asterisk: {q.asterisk.completed} completed · {q.asterisk.abandoned} abandoned · SL{' '}
          {Number.isFinite(q.asterisk.sla) ? formatPercent(q.asterisk.sla) : '—'}
        </p>
      )}
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
        stats.map((q) => <QueueCard key={q.id} q={q} pbx={board.id} alerts={board.state.alerts} />)
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

'use client';
/**
 * The wall screen: per queue, numbers readable across a room. No controls,
 * always dark, sized from the viewport so any screen works, and it
 * reconnects by itself forever.
 */
import { useEffect, useMemo } from 'react';
import { connectPbx, usePbx } from '@/lib/store';
import { countAgents } from '@/lib/ui/agents';
import { countCalls } from '@/lib/ui/calls';
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatClock, formatPercent } from '@/lib/ui/format';
import { waitLevel, type QueueStats } from '@/lib/ui/queues';
import { useAgents, useDataLive, useQueueStats } from '@/lib/ui/selectors';
import { goToLogin } from '@/lib/ui/session';
import { LinkBadge } from './LinkBadge';

const WAIT = { ok: 'text-emerald-400', warn: 'text-amber-400', bad: 'text-rose-400' };

function Clock() {
  const now = useNow();
  const offset = usePbx((s) => s.clockOffset);
  return <span className="tabular text-zinc-400">{now ? formatClock(now - offset) : ''}</span>;
}

function Wait({ since, serviceLevel }: { since: number; serviceLevel: number }) {
  const now = useNow();
  if (!since) return <span className="text-zinc-600">0:00</span>;
  return <span className={WAIT[waitLevel(now - since, serviceLevel)]}>{elapsed(since, now)}</span>;
}

function Metric({ label, children, tone = '' }: { label: string; children: React.ReactNode; tone?: string }) {
  return (
    <div className="min-w-0">
      <div className="truncate text-[clamp(0.7rem,1.3vmin,1.4rem)] font-medium uppercase tracking-wider text-zinc-500">{label}</div>
      <div className={`font-semibold leading-none tracking-tight tabular text-[length:calc(var(--wb-big)*0.5)] ${tone}`}>{children}</div>
    </div>
  );
}

function Sla({ q }: { q: QueueStats }) {
  if (q.completed + q.abandoned === 0) return <span className="font-semibold text-zinc-500">—</span>;
  const tone = q.sla >= 80 ? 'text-emerald-400' : q.sla >= 60 ? 'text-amber-400' : 'text-rose-400';
  return <span className={`font-semibold ${tone}`}>{formatPercent(q.sla)}</span>;
}

const LABEL = 'text-[clamp(0.7rem,1.5vmin,1.6rem)] font-medium uppercase tracking-wider text-zinc-500';
const BIG = 'font-bold leading-none tracking-tighter tabular text-[length:var(--wb-big)]';

/**
 * One queue. `row`: a full-width band (few queues, so each gets a wide
 * stripe); `tile`: a card in a grid (many queues).
 */
function QueuePanel({ q, layout }: { q: QueueStats; layout: 'row' | 'tile' }) {
  const row = layout === 'row';
  return (
    <section
      data-testid="wallboard-queue"
      data-queue={q.id}
      className={`min-h-0 gap-[2.5vmin] rounded-[1.5vmin] border border-zinc-800 bg-zinc-900/70 p-[2.5vmin] ${
        row ? 'grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.7fr)_minmax(0,1.8fr)] items-center' : 'flex flex-col justify-between'
      }`}
    >
      <header className={row ? 'min-w-0 space-y-[1vmin]' : 'flex items-baseline justify-between gap-4'}>
        <h2 className={`truncate font-semibold tracking-tight ${row ? 'text-[clamp(1.2rem,5vmin,5rem)]' : 'text-[clamp(1rem,3vmin,3rem)]'}`}>{q.id}</h2>
        <div className="text-[clamp(0.8rem,2.4vmin,2.4rem)] text-zinc-400 tabular">
          SLA <Sla q={q} />
        </div>
      </header>
      <div className={row ? 'contents' : 'grid grid-cols-2 items-center gap-[2vmin]'}>
        <div>
          <div className={LABEL}>Waiting</div>
          <div data-testid="wallboard-waiting" className={`${BIG} ${q.waiting ? 'text-violet-300' : 'text-zinc-300'}`}>
            {q.waiting}
          </div>
        </div>
        <div>
          <div className={LABEL}>Longest wait</div>
          <div className={BIG}>
            <Wait since={q.longestSince} serviceLevel={q.serviceLevel} />
          </div>
        </div>
      </div>
      <div className={`grid grid-cols-3 gap-[2vmin] ${row ? 'border-l border-zinc-800 pl-[2.5vmin]' : 'border-t border-zinc-800 pt-[2vmin]'}`}>
        <Metric label="Free" tone="text-emerald-400">
          <span data-testid="wallboard-free">{q.agents.free}</span>
        </Metric>
        <Metric label="Busy" tone="text-rose-400">
          <span data-testid="wallboard-busy">{q.agents.busy}</span>
        </Metric>
        <Metric label="Paused" tone="text-amber-400">
          <span data-testid="wallboard-paused">{q.agents.paused}</span>
        </Metric>
      </div>
    </section>
  );
}

function Totals() {
  const calls = usePbx((s) => s.state.calls);
  // A wallboard is sent the count, not the calls (server/realtime/views.ts).
  const sentCount = usePbx((s) => s.state.pbx.activeCalls);
  const callers = usePbx((s) => s.state.callers);
  const agents = useAgents();
  const counted = useMemo(() => countCalls(calls).active, [calls]);
  const active = sentCount ?? counted;
  const a = useMemo(() => countAgents(agents.map((x) => x.status)), [agents]);
  const item = (label: string, value: number, tone: string) => (
    <span className="whitespace-nowrap">
      <span className={`font-semibold tabular ${tone}`}>{value}</span> <span className="text-zinc-500">{label}</span>
    </span>
  );
  return (
    <div className="flex flex-wrap gap-x-[3vmin] text-[clamp(0.9rem,2.2vmin,2.4rem)]">
      {item('calls', active, 'text-zinc-100')}
      {item('waiting', Object.keys(callers).length, 'text-violet-300')}
      {item('free', a.free, 'text-emerald-400')}
      {item('busy', a.busy, 'text-rose-400')}
      {item('paused', a.paused, 'text-amber-400')}
    </div>
  );
}

export function Wallboard() {
  const stats = useQueueStats();
  const ready = usePbx((s) => s.ready);
  const live = useDataLive();
  const label = usePbx((s) => s.state.pbx.label);
  const demo = usePbx((s) => s.state.pbx.demo);

  useEffect(() => {
    const token = new URLSearchParams(location.search).get('token') ?? undefined;
    return connectPbx({ token, onUnauthorized: goToLogin });
  }, []);

  // Up to three queues: one wide band each. More: a grid of cards.
  const layout = stats.length <= 3 ? 'row' : 'tile';
  const cols = layout === 'row' ? 1 : stats.length <= 4 ? 2 : stats.length <= 9 ? 3 : 4;
  const rows = Math.max(1, Math.ceil(stats.length / cols));
  // The headline digits grow to fill their space: fewer queues, bigger digits.
  const big =
    layout === 'row'
      ? `clamp(2.5rem, min(10vw, ${Math.round(40 / rows)}vh), 22rem)`
      : `clamp(2.5rem, min(${(16 / cols).toFixed(1)}vw, ${Math.round(30 / rows)}vh), 22rem)`;

  return (
    <div className="dark flex h-dvh flex-col gap-[2vmin] overflow-hidden bg-zinc-950 p-[2.5vmin] text-zinc-100" style={{ colorScheme: 'dark' }}>
      <header className="flex flex-wrap items-center gap-x-[3vmin] gap-y-2">
        <span className="text-[clamp(1rem,2.6vmin,2.8rem)] font-semibold tracking-tight">
          Callboard{label && <span className="font-normal text-zinc-500"> · {label}</span>}
          {demo && <span className="ml-3 rounded bg-sky-500/15 px-2 py-0.5 align-middle text-[0.55em] font-medium uppercase tracking-wider text-sky-300">Demo</span>}
        </span>
        <Totals />
        <span className="ml-auto flex items-center gap-[2vmin] text-[clamp(0.9rem,2.2vmin,2.4rem)]">
          <Clock />
          <LinkBadge size="lg" />
        </span>
      </header>
      {stats.length === 0 ? (
        <div className="grid flex-1 place-items-center text-[clamp(1rem,3vmin,3rem)] text-zinc-500">{ready ? 'No queues on this PBX' : 'Connecting…'}</div>
      ) : (
        <main
          aria-busy={!live}
          data-stale={!live || undefined}
          className={`grid min-h-0 flex-1 gap-[2vmin] transition-[opacity,filter] ${live ? '' : 'opacity-50 grayscale'}`}
          style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridAutoRows: 'minmax(0, 1fr)', ['--wb-big' as string]: big }}>
          {stats.map((q) => (
            <QueuePanel key={q.id} q={q} layout={layout} />
          ))}
        </main>
      )}
    </div>
  );
}

'use client';
/**
 * The wall screen: per queue, numbers readable across a room. No controls,
 * always dark, sized from the viewport so any screen works, and it
 * reconnects by itself forever. It reads queue-level data and waiting
 * callers' join times only, never channels, calls or caller names.
 */
import { useEffect, useMemo, useState } from 'react';
import { connectPbx, usePbx } from '@/lib/store';
import { countAgents } from '@/lib/ui/agents';
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatClock, formatPercent } from '@/lib/ui/format';
import { waitLevel, type QueueStats } from '@/lib/ui/queues';
import { boardLive, statsOf, useShownAgents, useShownBoards } from '@/lib/ui/selectors';
import { LinkBadges } from './LinkBadge';
import { WaitingTitle } from './WaitingTitle';
import { WallboardCharts } from './WallboardCharts';

const WAIT = { ok: 'text-emerald-400', warn: 'text-amber-400', bad: 'text-rose-400' };

function Clock() {
  const now = useNow();
  const offset = usePbx((s) => s.clockOffset);
  return <span className="tabular text-zinc-300">{now ? formatClock(now - offset) : ''}</span>;
}

function Wait({ since, serviceLevel }: { since: number; serviceLevel: number }) {
  const now = useNow();
  if (!since) return <span className="text-zinc-400">0:00</span>;
  return <span className={WAIT[waitLevel(now - since, serviceLevel)]}>{elapsed(since, now)}</span>;
}

/*
 * Read from across a room: every label is at least 3 % of the screen height
 * (--wb-label, set per layout) in zinc-300, over 7:1 on the panels, and in
 * sentence case, which reads faster than capitals at a distance.
 */
const LABEL = 'truncate font-medium leading-tight text-zinc-300 text-[length:var(--wb-label)]';
const BIG = 'font-bold leading-none tracking-tighter tabular text-[length:var(--wb-big)]';
const SMALL = 'font-semibold leading-none tracking-tight tabular text-[length:calc(var(--wb-big)*0.42)]';

function Metric({ label, children, tone = '', testId }: { label: string; children: React.ReactNode; tone?: string; testId: string }) {
  return (
    <div className="min-w-0 space-y-[0.6vh]">
      <div className={LABEL}>{label}</div>
      <div className={`${SMALL} ${tone}`} data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/** Today's service level for the queue: answered within its `servicelevel` seconds (docs/metrics.md). */
function slaOf(q: QueueStats): { text: string; tone: string } {
  if (!Number.isFinite(q.sla)) return { text: '—', tone: 'text-zinc-400' };
  return { text: formatPercent(q.sla), tone: q.sla >= 80 ? 'text-emerald-400' : q.sla >= 60 ? 'text-amber-400' : 'text-rose-400' };
}

/**
 * One queue. `row`: a full-width band (few queues, so each gets a wide
 * stripe); `tile`: a card in a grid (many queues). Built from queue-level
 * figures and waiting callers' join times only: a wallboard is not sent
 * channels, calls or caller names.
 */
function QueuePanel({
  q,
  layout,
  pbx,
  stale,
}: {
  q: QueueStats;
  layout: 'row' | 'tile';
  pbx: { id: string; label: string | null };
  stale: boolean;
}) {
  const row = layout === 'row';
  const sla = slaOf(q);
  const headingId = `wb-queue-${pbx.id}-${q.id}`;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="wallboard-queue"
      data-queue={q.id}
      data-pbx={pbx.id}
      data-stale={stale || undefined}
      className={`min-h-0 min-w-0 overflow-hidden rounded-[1.5vmin] border border-zinc-800 bg-zinc-900 p-[2.5vmin] transition-[opacity,filter] ${stale ? 'opacity-50 grayscale' : ''} ${
        row
          ? 'grid grid-cols-[auto_auto_minmax(0,1fr)_auto] content-center items-center gap-x-[4vmin] gap-y-[1.5vh]'
          : 'flex flex-col justify-between gap-[2vmin]'
      }`}
    >
      {/* In a band the name gets its own line, so long figures never squeeze it out. */}
      <h2
        id={headingId}
        className={`shrink-0 truncate font-semibold tracking-tight ${row ? 'col-span-full text-[clamp(1.2rem,5vmin,5rem)] leading-none' : 'text-[clamp(1rem,3vmin,3rem)]'}`}
      >
        {pbx.label && <span className="font-normal text-zinc-400">{pbx.label} · </span>}
        {q.id}
      </h2>
      <div className={row ? 'contents' : 'grid grid-cols-[auto_minmax(0,1fr)] items-end gap-x-[4vmin]'}>
        <div className="min-w-0">
          <div className={LABEL}>Waiting</div>
          <div data-testid="wallboard-waiting" className={`${BIG} ${q.waiting ? 'text-violet-300' : 'text-zinc-300'}`}>
            {q.waiting}
          </div>
        </div>
        <div className="min-w-0">
          <div className={LABEL}>Longest wait</div>
          <div className={BIG}>
            <Wait since={q.longestSince} serviceLevel={q.serviceLevel} />
          </div>
        </div>
      </div>
      <div
        className={`grid grid-cols-[repeat(3,auto)] gap-x-[3vmin] gap-y-[2.5vh] ${
          row ? 'col-start-4 border-l border-zinc-700 pl-[4vmin]' : 'border-t border-zinc-700 pt-[2vmin]'
        }`}
      >
        {/* Today's, from Callboard's own history: a reload or restart of Asterisk does not reset them. */}
        <Metric label="Answered" testId="wallboard-answered">
          {q.answered}
        </Metric>
        <Metric label="Abandoned" tone={q.abandoned ? 'text-rose-400' : ''} testId="wallboard-abandoned">
          {q.abandoned}
        </Metric>
        <Metric label="SLA" tone={sla.tone} testId="wallboard-sla">
          {sla.text}
        </Metric>
        <Metric label="Free" tone="text-emerald-400" testId="wallboard-free">
          {q.agents.free}
        </Metric>
        <Metric label="Busy" tone="text-rose-400" testId="wallboard-busy">
          {q.agents.busy}
        </Metric>
        <Metric label="Paused" tone="text-amber-400" testId="wallboard-paused">
          {q.agents.paused}
        </Metric>
      </div>
    </section>
  );
}

/** Board-wide figures, from the same queue-level data as the panels. */
function Totals({ stats, className }: { stats: QueueStats[]; className: string }) {
  const agents = useShownAgents();
  const a = useMemo(() => countAgents(agents.map((x) => x.status)), [agents]);
  const sum = (f: (q: QueueStats) => number) => stats.reduce((n, q) => n + f(q), 0);
  const item = (key: string, label: string, value: number, tone: string) => (
    <span className="whitespace-nowrap" data-testid={`wallboard-total-${key}`}>
      <span className={`font-semibold tabular ${tone}`}>{value}</span> <span className="text-zinc-300">{label}</span>
    </span>
  );
  return (
    <div
      data-testid="wallboard-totals"
      className={`flex flex-wrap gap-x-[3vmin] text-[clamp(0.9rem,2.6vh,2.6rem)] transition-[opacity,filter] ${className}`}
    >
      {item(
        'waiting',
        'waiting',
        sum((q) => q.waiting),
        'text-violet-300',
      )}
      {item(
        'answered',
        'answered',
        sum((q) => q.answered),
        'text-zinc-100',
      )}
      {item(
        'abandoned',
        'abandoned',
        sum((q) => q.abandoned),
        'text-rose-400',
      )}
      {item('free', 'free', a.free, 'text-emerald-400')}
      {item('busy', 'busy', a.busy, 'text-rose-400')}
      {item('paused', 'paused', a.paused, 'text-amber-400')}
    </div>
  );
}

/** Every queue of every PBX on this wall, in PBX order, with whether its PBX is live. */
function usePanels() {
  const boards = useShownBoards();
  const connection = usePbx((s) => s.connection);
  return useMemo(() => {
    const several = boards.length > 1;
    return boards.flatMap((b) => {
      const stale = !boardLive({ connection }, b);
      return statsOf(b.state).map((q) => ({ q, stale, pbx: { id: b.id, label: several ? b.label : null } }));
    });
  }, [boards, connection]);
}

/** `?charts=1` adds the day's charts under the queues. Read after mount: the server's HTML has no URL to read. */
function useCharts(): boolean {
  const [on, setOn] = useState(false);
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setOn(new URLSearchParams(location.search).get('charts') === '1'), []);
  return on;
}

export function Wallboard() {
  const panels = usePanels();
  const stats = useMemo(() => panels.map((p) => p.q), [panels]);
  const ready = usePbx((s) => s.ready);
  const boards = useShownBoards();
  const connection = usePbx((s) => s.connection);
  const live = boards.length > 0 && boards.some((b) => boardLive({ connection }, b));
  const label = boards.length === 1 ? boards[0].label : '';
  const demo = boards.some((b) => b.state.pbx.demo);

  useEffect(() => {
    // The server trades ?token= for a cookie before the page loads (server/http/page-gate.ts), so the cookie
    // authenticates. Refused: reload, and the server's gate shows the page that says why (a wall has nobody to log in).
    // `?pbx=` puts one PBX on this wall; without it, every PBX.
    const pbx = new URLSearchParams(location.search).get('pbx') ?? undefined;
    return connectPbx({ pbx, onUnauthorized: () => location.reload() });
  }, []);
  const charts = useCharts();

  // Up to three queues: one wide band each. More: a grid of cards.
  const layout = stats.length <= 3 ? 'row' : 'tile';
  const cols = layout === 'row' ? 1 : stats.length <= 4 ? 2 : stats.length <= 9 ? 3 : 4;
  const rows = Math.max(1, Math.ceil(stats.length / cols));
  // The headline digits grow to fill their space: fewer queues, bigger digits.
  // With the charts under them, the queues have about 60 % of the height, and their type shrinks with it.
  const share = charts ? 0.6 : 1;
  const vh = (n: number) => `${(n * share).toFixed(1)}vh`;
  const big =
    layout === 'row'
      ? `clamp(2rem, min(11vw, ${vh(40 / rows)}), 20rem)`
      : // A tile holds its name, the big pair and two rows of small figures: the digits get what the height leaves.
        `clamp(1.5rem, min(${(12 / cols).toFixed(1)}vw, ${vh(12 / rows)}), 16rem)`;
  // 3.2 % of the height in bands; a tile holds more lines, and a grid of many small cards still less.
  const labelSize =
    layout === 'row'
      ? `clamp(0.9rem, ${charts ? '2.4vh' : '3.2vh'}, 3.5rem)`
      : rows <= 2
        ? `clamp(0.8rem, ${charts ? '1.8vh' : '2.4vh'}, 3rem)`
        : `clamp(0.7rem, ${charts ? '1.6vh' : '2.2vh'}, 2.5rem)`;
  const dim = live ? '' : 'opacity-50 grayscale';

  return (
    <div
      className="dark flex h-dvh flex-col gap-[2vmin] overflow-hidden bg-zinc-950 p-[2.5vmin] text-zinc-100"
      style={{ colorScheme: 'dark' }}
    >
      <header className="flex flex-wrap items-center gap-x-[3vmin] gap-y-2">
        <h1 className="text-[clamp(1rem,2.8vh,2.8rem)] font-semibold tracking-tight">
          Callboard{label && <span className="font-normal text-zinc-400"> · {label}</span>}
          {demo && (
            <span className="ml-3 rounded bg-sky-500/15 px-2 py-0.5 align-middle text-[0.55em] font-medium uppercase tracking-wider text-sky-300">
              Demo
            </span>
          )}
        </h1>
        <Totals stats={stats} className={dim} />
        <span className="ml-auto flex items-center gap-[2vmin] text-[clamp(0.9rem,2.6vh,2.6rem)]">
          <Clock />
          <LinkBadges size="lg" />
        </span>
      </header>
      <main
        aria-busy={!live}
        data-stale={!live || undefined}
        className={`grid min-h-0 flex-1 gap-[2vmin] transition-[opacity,filter] ${dim}`}
        style={{
          gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
          gridAutoRows: 'minmax(0, 1fr)',
          ['--wb-big' as string]: big,
          ['--wb-label' as string]: labelSize,
        }}
      >
        {stats.length === 0 ? (
          <p className="grid place-items-center text-[clamp(1rem,3vmin,3rem)] text-zinc-400">
            {ready ? 'No queues on this PBX' : 'Connecting…'}
          </p>
        ) : (
          panels.map((p) => <QueuePanel key={`${p.pbx.id} ${p.q.id}`} q={p.q} pbx={p.pbx} stale={p.stale} layout={layout} />)
        )}
      </main>
      {charts && boards[0] && <WallboardCharts pbx={boards[0].id} className={dim} />}
      <WaitingTitle base="Wallboard · Callboard" />
    </div>
  );
}

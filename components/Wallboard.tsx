'use client';
/**
 * The wall screen, built for a TV across the room: per queue, numbers readable
 * from the door; an agent strip; alert colours from the server's rules; a
 * clock; no controls, always dark, and never a scrollbar. The URL chooses what
 * it shows (`?pbx=`, `?queues=`, `?rotate=`, `?charts=1`, lib/ui/wallboard-select)
 * and the screen's shape how (lib/ui/wallboard-layout). It reads queue-level
 * data, agents' names and states, and alerts only: never channels, calls or
 * caller names. It reconnects by itself forever.
 */
import { useEffect, useMemo, useState } from 'react';
import { connectPbx, usePbx, type Board } from '@/lib/store';
import { agentsFromMembers, countAgents, type Agent } from '@/lib/ui/agents';
import type { QueueStats } from '@/lib/ui/queues';
import { boardLive, statsOf } from '@/lib/ui/selectors';
import { alertList, cardTone, wallTone } from '@/lib/ui/wallboard-alerts';
import { stripPlan, wallLayout } from '@/lib/ui/wallboard-layout';
import { pickPanels, wallPages } from '@/lib/ui/wallboard-select';
import { useNow } from '@/lib/ui/clock';
import { LinkBadges } from './LinkBadge';
import { WaitingTitle } from './WaitingTitle';
import { WallboardCharts } from './WallboardCharts';
import { AgentStrip } from './wallboard/AgentStrip';
import { SEVERITY_WORD, markClass } from './wallboard/tones';
import { QueueCard } from './wallboard/QueueCard';
import { StaleBanner, UnknownNames } from './wallboard/Notices';
import { WallClock } from './wallboard/WallClock';
import { usePage, useScreen, useWallParams } from './wallboard/hooks';

interface Panel {
  q: QueueStats;
  pbx: { id: string; label: string | null };
  stale: boolean;
  board: Board;
}

/** Board-wide figures, from the same data as the cards. */
function Totals({ stats, agents, className }: { stats: QueueStats[]; agents: Agent[]; className: string }) {
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
      className={`flex min-w-0 gap-x-[2.2vmin] overflow-hidden text-[0.92em] transition-[opacity,filter] ${className}`}
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
        'text-zinc-100',
      )}
      {item('free', 'free', a.free, 'text-emerald-300')}
      {item('busy', 'busy', a.busy, 'text-rose-300')}
      {item('paused', 'paused', a.paused, 'text-amber-300')}
    </div>
  );
}

/** LinkBadge's large type is clamp(0.9rem, 1.4vw, 2rem): the zoom that brings it to the header's size, at most 1.4. */
function badgeZoom(aspect: number, height: number): number {
  const font = Math.min(32, Math.max(14.4, 0.014 * aspect * height));
  return Math.min(1.4, Math.max(1, (0.029 * height) / font));
}

function PageDots({ page, count }: { page: number; count: number }) {
  if (count <= 1) return null;
  return (
    <span
      data-testid="wallboard-page"
      data-page={page + 1}
      data-pages={count}
      className="flex items-center gap-[0.8vh] text-zinc-300"
      aria-label={`Page ${page + 1} of ${count}`}
    >
      {Array.from({ length: count }, (_, i) => (
        <span key={i} className={`inline-block size-[1.8vh] rounded-full ${i === page ? 'bg-zinc-100' : 'bg-zinc-600'}`} />
      ))}
    </span>
  );
}

/** The queues the URL chose, in its order, with their PBX's liveness; and the names that matched nothing. */
function usePanels(params: ReturnType<typeof useWallParams>) {
  const boards = usePbx((s) => s.boards);
  const connection = usePbx((s) => s.connection);
  return useMemo(() => {
    const stats = new Map(boards.map((b) => [b.id, new Map(statsOf(b.state).map((q) => [q.id, q]))]));
    const pick = pickPanels(
      boards.map((b) => ({ id: b.id, label: b.label, ready: b.ready, queues: [...stats.get(b.id)!.keys()] })),
      params,
    );
    const several = new Set(pick.panels.map((p) => p.pbx)).size > 1;
    const panels: Panel[] = pick.panels.map(({ pbx, queue }) => {
      const board = boards.find((b) => b.id === pbx)!;
      return {
        q: stats.get(pbx)!.get(queue)!,
        board,
        stale: !boardLive({ connection }, board),
        pbx: { id: pbx, label: several ? board.label : null },
      };
    });
    const shownBoards = boards.filter(
      (b) =>
        panels.some((p) => p.board === b) || (params.pbx.length === 0 ? true : params.pbx.includes(b.id) || params.pbx.includes(b.label)),
    );
    return { panels, shownBoards, unknownPbx: pick.unknownPbx, unknownQueues: pick.unknownQueues };
  }, [boards, connection, params]);
}

/** The agents of the queues shown (one person in two queues once), by name. */
function useWallAgents(panels: Panel[]): Agent[] {
  return useMemo(() => {
    const out: Agent[] = [];
    const byBoard = new Map<Board, Set<string>>();
    for (const p of panels) {
      const set = byBoard.get(p.board) ?? new Set<string>();
      set.add(p.q.id);
      byBoard.set(p.board, set);
    }
    for (const [board, queues] of byBoard) {
      const members: Board['state']['members'] = Object.create(null);
      for (const id in board.state.members) if (queues.has(board.state.members[id].queue)) members[id] = board.state.members[id];
      out.push(...agentsFromMembers(members));
    }
    return out;
  }, [panels]);
}

export function Wallboard() {
  const params = useWallParams();
  const { aspect, height } = useScreen();
  const { panels, shownBoards, unknownPbx, unknownQueues } = usePanels(params);
  const ready = usePbx((s) => s.ready);
  const connection = usePbx((s) => s.connection);
  const socketDownSince = usePbx((s) => s.socketDownSince);
  const clockOffset = usePbx((s) => s.clockOffset);
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    // The server trades ?token= for a cookie before the page loads (server/http/page-gate.ts), so the cookie
    // authenticates. Refused: reload, and the server's gate shows the page that says why (a wall has nobody to log in).
    // Every PBX this login may see: `?pbx=` picks among them here, so a PBX it does not know is said on screen.
    return connectPbx({ onUnauthorized: () => location.reload() });
  }, []);

  const live = shownBoards.length > 0 && shownBoards.every((b) => boardLive({ connection }, b));
  // Since when the data is not live: the socket's drop (browser time, made server time) or a PBX's last good moment.
  const stale = useMemo(() => {
    const boards = shownBoards.filter((b) => !boardLive({ connection }, b));
    let since = socketDownSince ? socketDownSince + clockOffset : 0;
    for (const b of boards) if (b.state.pbx.lastLiveAt) since = since ? Math.min(since, b.state.pbx.lastLiveAt) : b.state.pbx.lastLiveAt;
    return { since, names: shownBoards.length > 1 && boards.length < shownBoards.length ? boards.map((b) => b.label) : [] };
  }, [shownBoards, connection, socketDownSince, clockOffset]);

  const { pages, seconds, chartsUnder } = wallPages(panels.length, params);
  const pageIndex = usePage(pages.length, seconds);
  const page = pages[pageIndex] ?? pages[0];
  const onPage = page.kind === 'queues' ? panels.slice(page.from, page.to) : [];
  const agents = useWallAgents(panels);
  const longestName = useMemo(() => agents.reduce((n, a) => Math.max(n, a.name.length), 0), [agents]);
  const plan = stripPlan({ agents: agents.length, longestName, aspect });
  const layout = wallLayout({
    cards: onPage.length,
    aspect,
    charts: chartsUnder,
    stripLines: agents.length === 0 ? 0 : plan.mode === 'names' ? plan.lines : 1,
  });
  // Each render (the clock ticks it once a second): a snooze ends by the clock, and a dozen cards cost nothing.
  const alertsOf = new Map(shownBoards.map((b) => [b.id, alertList(b.state.alerts)]));
  const toneOf = (p: Panel) => cardTone(alertsOf.get(p.pbx.id) ?? [], p.q.id, now);
  // Alerts of no queue (a PBX link down or stale): the wall's header says so.
  const wall = wallTone([...alertsOf.values()].flat(), now);
  const label = shownBoards.length === 1 ? shownBoards[0].label : '';
  const demo = shownBoards.some((b) => b.state.pbx.demo);
  const dim = live ? '' : 'opacity-50 grayscale';
  const chartsPbx = shownBoards[0]?.id;

  let start = 0;
  const rows = layout.rowCounts.map((n, r) => {
    const cards = onPage.slice(start, (start += n));
    return { cards, shape: layout.rowShapes[r], big: layout.rowBig[r], small: layout.rowSmall[r] };
  });
  const vh = (n: number) => `max(0.7rem, ${n.toFixed(2)}vh)`;

  return (
    <div
      className="dark relative flex h-dvh flex-col gap-[1.8vh] overflow-hidden bg-zinc-950 p-[2.5vh] text-zinc-100"
      style={{ colorScheme: 'dark' }}
    >
      <header className="flex h-[6.5vh] shrink-0 items-center gap-x-[2.5vmin] text-[clamp(0.85rem,2.9vh,6rem)]">
        <h1 className="shrink-0 font-semibold tracking-tight">
          {/* The PBX's name when there is one: the header's width goes to the totals (the tab title says Callboard). */}
          {label || 'Callboard'}
          {demo && (
            <span className="ml-[0.6em] rounded bg-sky-500/15 px-[0.4em] py-[0.1em] align-middle text-[0.55em] font-medium uppercase tracking-wider text-sky-300">
              Demo
            </span>
          )}
        </h1>
        <Totals stats={panels.map((p) => p.q)} agents={agents} className={dim} />
        <span className="ml-auto flex shrink-0 items-center gap-[2vmin]">
          {wall && (
            <span
              data-testid="wallboard-wall-alert"
              data-severity={wall.severity}
              className={`whitespace-nowrap rounded-[0.8vmin] px-[0.5em] py-[0.1em] font-semibold ${markClass(wall)}`}
            >
              {wall.snoozed ? 'Link alert snoozed' : `Link ${SEVERITY_WORD[wall.severity].toLowerCase()}${wall.acked ? ' ✓' : ''}`}
            </span>
          )}
          <PageDots page={pageIndex} count={pages.length} />
          <WallClock timeZone={timeZone} />
          {/* The badge's type stops growing at 2rem; on a big screen zoom brings it towards the header's (2.9vh). */}
          <span style={{ zoom: badgeZoom(aspect, height) }}>
            <LinkBadges size="lg" only={shownBoards.map((b) => b.id)} />
          </span>
        </span>
      </header>
      <UnknownNames pbx={unknownPbx} queues={unknownQueues} />
      <main
        aria-busy={!live}
        data-stale={!live || undefined}
        data-cols={layout.cols}
        data-rows={layout.rows}
        className={`flex min-h-0 flex-1 flex-col gap-[1.8vh] transition-[opacity,filter] ${dim}`}
        style={{
          ['--wb-label' as string]: vh(layout.label),
          ['--wb-name' as string]: vh(layout.name),
          ['--wb-big' as string]: vh(layout.big),
          ['--wb-small' as string]: vh(layout.small),
          ['--wb-pad' as string]: `${layout.pad.toFixed(2)}vh`,
        }}
      >
        {page.kind === 'charts' ? (
          chartsPbx && <WallboardCharts page pbx={chartsPbx} className="flex-1" onTimeZone={setTimeZone} />
        ) : onPage.length === 0 ? (
          <p className="grid flex-1 place-items-center text-[clamp(1rem,4vh,5rem)] text-zinc-400">
            {!ready
              ? 'Connecting…'
              : params.queues.length || params.pbx.length
                ? 'None of the queues asked for is here'
                : 'No queues on this PBX'}
          </p>
        ) : (
          rows.map((row, r) => (
            <div
              key={r}
              className="flex min-h-0 flex-1 gap-[1.8vh]"
              style={{ ['--wb-big' as string]: vh(row.big), ['--wb-small' as string]: vh(row.small) }}
            >
              {row.cards.map((p) => (
                <QueueCard key={`${p.pbx.id} ${p.q.id}`} q={p.q} pbx={p.pbx} stale={p.stale} shape={row.shape} tone={toneOf(p)} />
              ))}
            </div>
          ))
        )}
      </main>
      {chartsUnder && chartsPbx && <WallboardCharts pbx={chartsPbx} className={dim} onTimeZone={setTimeZone} />}
      {agents.length > 0 && page.kind === 'queues' && (
        <AgentStrip agents={agents} plan={plan} height={layout.stripHeight} className={dim} />
      )}
      {/* Before the first snapshots the cards area says "Connecting…"; after, anything not live says so across the wall. */}
      {!live && ready && <StaleBanner since={stale.since} boards={stale.names} timeZone={timeZone} />}
      <WaitingTitle base="Wallboard · Callboard" />
    </div>
  );
}

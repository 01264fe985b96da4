/**
 * Derived views of the store, computed once per change of their inputs and
 * shared by every component that shows them (the counts and the grid use the
 * same agents list). Caches are keyed by the tables they read: a table is
 * replaced whenever it changes, so an unchanged one is a hit.
 */
import { usePbx, type Board, type PbxStore } from '../store';
import { isPbxLive, type PbxState } from '../pbx/model';
import { agentsFromMembers, type Agent } from './agents';
import { queueStats, type QueueStats } from './queues';

const agentsCache = new WeakMap<object, Agent[]>();
function agentsOf(members: PbxState['members']): Agent[] {
  let agents = agentsCache.get(members);
  if (!agents) agentsCache.set(members, (agents = agentsFromMembers(members)));
  return agents;
}

const statsCache = new WeakMap<object, { callers: object; members: object; days: object; stats: QueueStats[] }>();
/** A board's queue figures, computed once per change of its queues, callers, members or today's figures. */
export function statsOf(state: PbxState): QueueStats[] {
  const hit = statsCache.get(state.queues);
  if (hit && hit.callers === state.callers && hit.members === state.members && hit.days === state.queueDays) return hit.stats;
  const stats = queueStats(state);
  statsCache.set(state.queues, { callers: state.callers, members: state.members, days: state.queueDays, stats });
  return stats;
}

/** The boards the dashboard shows: the selected PBX, or all of them. */
let shownKey: [readonly Board[], string | null] | null = null;
let shown: readonly Board[] = [];
export function shownBoards(s: Pick<PbxStore, 'boards' | 'selected'>): readonly Board[] {
  if (!shownKey || shownKey[0] !== s.boards || shownKey[1] !== s.selected) {
    shown = s.selected === null ? s.boards : s.boards.filter((b) => b.id === s.selected);
    shownKey = [s.boards, s.selected];
  }
  return shown;
}

export function useShownBoards(): readonly Board[] {
  return usePbx(shownBoards);
}

/** More than one PBX on screen: rows and cards say which PBX they belong to. */
export function useSeveralShown(): boolean {
  return usePbx((s) => shownBoards(s).length > 1);
}

export function useBoard(pbx: string): Board | undefined {
  return usePbx((s) => s.boards.find((b) => b.id === pbx));
}

export function useAgents(pbx: string): Agent[] {
  const members = usePbx((s) => s.boards.find((b) => b.id === pbx)?.state.members);
  return members ? agentsOf(members) : NO_AGENTS;
}
const NO_AGENTS: Agent[] = [];

/** Every shown board's agents, in board order. */
export function useShownAgents(): Agent[] {
  return usePbx((s) => allAgentsOf(shownBoards(s)));
}
let allAgentsKey: unknown[] = [];
let allAgents: Agent[] = [];
function allAgentsOf(boards: readonly Board[]): Agent[] {
  const key = boards.map((b) => b.state.members);
  if (key.length !== allAgentsKey.length || key.some((m, i) => m !== allAgentsKey[i])) {
    allAgents = boards.length === 1 ? agentsOf(boards[0].state.members) : boards.flatMap((b) => agentsOf(b.state.members));
    allAgentsKey = key;
  }
  return allAgents;
}

export function useQueueStats(pbx: string): QueueStats[] {
  return usePbx((s) => {
    const board = s.boards.find((b) => b.id === pbx);
    return board ? statsOf(board.state) : NO_STATS;
  });
}
const NO_STATS: QueueStats[] = [];

/**
 * True only while what the page shows of this PBX is Asterisk's current view:
 * the socket is up, the AMI link is up, and the lists that followed its last
 * connect are in. Everything else is the last known state, shown as such.
 */
export function boardLive(s: Pick<PbxStore, 'connection'>, board: Board | undefined): boolean {
  return s.connection === 'live' && board !== undefined && board.ready && isPbxLive(board.state.pbx);
}

export function useBoardLive(pbx: string): boolean {
  return usePbx((s) =>
    boardLive(
      s,
      s.boards.find((b) => b.id === pbx),
    ),
  );
}

/** Whether any shown PBX is live (what the page as a whole may still act on). */
export function useAnyLive(): boolean {
  return usePbx((s) => shownBoards(s).some((b) => boardLive(s, b)));
}

/** Whether every shown PBX is live. */
export function useDataLive(): boolean {
  return usePbx((s) => {
    const boards = shownBoards(s);
    return boards.length > 0 && boards.every((b) => boardLive(s, b));
  });
}

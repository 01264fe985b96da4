/** Per-queue figures for the queue cards and the wallboard. Pure. */
import type { PbxState } from '../pbx/model';
import type { QueueDay } from '../stats/figures';
import { queueRates } from '../stats/figures';
import { countAgents, memberStatus, type AgentCounts, type AgentStatus } from './agents';

export interface QueueStats {
  id: string;
  waiting: number;
  /** waitingSince of the caller waiting longest; 0 when nobody waits. */
  longestSince: number;
  serviceLevel: number;
  /**
   * Today's figures, counted by Callboard from its call history (docs/metrics.md): they survive restarts of
   * Callboard and of Asterisk. Without a history (CALLBOARD_HISTORY=off) they are Asterisk's own counters.
   */
  answered: number;
  abandoned: number;
  /** Percent answered within the service level; NaN before any call counts for it. */
  sla: number;
  /** Whether the figures above are Callboard's own (false: Asterisk's, which a reload resets). */
  counted: boolean;
  /** Today's other figures; undefined without a history. */
  day: QueueDay | undefined;
  /** Asterisk's counters since its last reload or restart, shown beside ours. */
  asterisk: { completed: number; abandoned: number; sla: number };
  agents: AgentCounts;
}

export function queueStats(state: Pick<PbxState, 'queues' | 'callers' | 'members' | 'queueDays'>): QueueStats[] {
  const waiting = new Map<string, { n: number; since: number }>();
  for (const id in state.callers) {
    const c = state.callers[id];
    const w = waiting.get(c.queue);
    if (!w) waiting.set(c.queue, { n: 1, since: c.waitingSince });
    else {
      w.n++;
      if (c.waitingSince && (!w.since || c.waitingSince < w.since)) w.since = c.waitingSince;
    }
  }
  const statuses = new Map<string, AgentStatus[]>();
  for (const id in state.members) {
    const m = state.members[id];
    const list = statuses.get(m.queue);
    if (list) list.push(memberStatus(m));
    else statuses.set(m.queue, [memberStatus(m)]);
  }
  const out: QueueStats[] = [];
  for (const id in state.queues) {
    const q = state.queues[id];
    const w = waiting.get(id);
    const day = Object.hasOwn(state.queueDays, id) ? state.queueDays[id] : undefined;
    const asterisk = { completed: q.completed, abandoned: q.abandoned, sla: q.completed + q.abandoned === 0 ? NaN : q.serviceLevelPerf };
    out.push({
      id,
      waiting: w?.n ?? 0,
      longestSince: w?.since ?? 0,
      serviceLevel: q.serviceLevel,
      answered: day ? day.answered : asterisk.completed,
      abandoned: day ? day.abandoned : asterisk.abandoned,
      sla: day ? (queueRates(day).slaPercent ?? NaN) : asterisk.sla,
      counted: day !== undefined,
      day,
      asterisk,
      agents: countAgents(statuses.get(id) ?? []),
    });
  }
  out.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  return out;
}

export type WaitLevel = 'ok' | 'warn' | 'bad';

/** Green under half the queue's service level, amber up to it, red past it. */
export function waitLevel(waitMs: number, serviceLevelSec: number): WaitLevel {
  const sl = (serviceLevelSec > 0 ? serviceLevelSec : 60) * 1000;
  if (waitMs >= sl) return 'bad';
  if (waitMs >= sl / 2) return 'warn';
  return 'ok';
}

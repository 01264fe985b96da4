/** Per-queue figures for the queue cards and the wallboard. Pure. */
import type { PbxState } from '../pbx/model';
import { countAgents, memberStatus, type AgentCounts, type AgentStatus } from './agents';

export interface QueueStats {
  id: string;
  waiting: number;
  /** waitingSince of the caller waiting longest; 0 when nobody waits. */
  longestSince: number;
  /** Service level within `serviceLevel` seconds, percent. */
  sla: number;
  serviceLevel: number;
  completed: number;
  abandoned: number;
  agents: AgentCounts;
}

export function queueStats(state: Pick<PbxState, 'queues' | 'callers' | 'members'>): QueueStats[] {
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
    out.push({
      id,
      waiting: w?.n ?? 0,
      longestSince: w?.since ?? 0,
      sla: q.serviceLevelPerf,
      serviceLevel: q.serviceLevel,
      completed: q.completed,
      abandoned: q.abandoned,
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

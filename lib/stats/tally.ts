/**
 * Counts one day's figures from the call history's records and the
 * memberships' finished pauses and log-ins, and hands out what changed as
 * ops. Pure and bounded: the server feeds it (at start from the database,
 * then each stored batch), and the same class answers `/api/stats` for any
 * day.
 */
import type { CallRecord } from '../history/record';
import { upsert, type Op } from '../protocol';
import type { DayWindow } from './day';
import { emptyMemberDay, emptyQueueDay, type MemberDay, type QueueDay } from './figures';

export interface TallyLimits {
  /** Distinct queues counted in a day; a PBX that invents queue names past it is not followed further. */
  maxQueues: number;
  /** Distinct memberships counted in a day. */
  maxMembers: number;
  /** Distinct pause reasons kept per membership; the rest count under the last slot's `other`. */
  maxReasons: number;
}

export const DEFAULT_TALLY_LIMITS: TallyLimits = { maxQueues: 2_000, maxMembers: 20_000, maxReasons: 20 };
const OTHER_REASON = 'other';

/**
 * The queue that answered a call, if one did. A call adopted mid-way after
 * a restart may be answered with no member known (its AgentConnect came
 * before we looked): its last queue answered it.
 */
export function answeredQueue(r: CallRecord): string | undefined {
  if (r.agent) return r.agent.queue;
  if (r.queues.length > 0 && (r.outcome === 'answered' || r.outcome === 'transferred')) return r.queues[r.queues.length - 1];
  return undefined;
}

export class DayTally {
  private readonly queueDays = new Map<string, QueueDay>();
  private readonly memberDays = new Map<string, MemberDay>();
  private readonly dirtyQueues = new Set<string>();
  private readonly dirtyMembers = new Set<string>();
  /** Figures not counted because a bound was reached. */
  dropped = 0;

  constructor(
    readonly day: DayWindow,
    private readonly limits: TallyLimits = DEFAULT_TALLY_LIMITS,
  ) {}

  get queues(): ReadonlyMap<string, QueueDay> {
    return this.queueDays;
  }

  get members(): ReadonlyMap<string, MemberDay> {
    return this.memberDays;
  }

  /** A call counts to the day it started in, as the history's date filter has it. */
  counts(record: CallRecord): boolean {
    return record.startedAt >= this.day.start && record.startedAt < this.day.end;
  }

  addRecord(r: CallRecord): void {
    if (!this.counts(r) || r.queues.length === 0) {
      this.addRung(r);
      return;
    }
    const last = r.queues[r.queues.length - 1];
    const answeredIn = answeredQueue(r);
    for (const name of new Set(r.queues)) {
      const q = this.queue(name);
      if (!q) continue;
      q.offered++;
      q.longestWaitSeconds = Math.max(q.longestWaitSeconds, r.waitSeconds);
      if (name === answeredIn) {
        q.answered++;
        q.answeredWaitSeconds += r.waitSeconds;
        q.talkSeconds += r.talkSeconds;
        if (r.withinSla === true) q.answeredInSla++;
        if (r.withinSla !== null) q.slaCalls++;
      } else if (answeredIn === undefined && r.outcome === 'abandoned' && name === last) {
        q.abandoned++;
        if (r.withinSla === true) q.abandonedInSla++;
        if (r.withinSla === false) q.slaCalls++;
      } else q.unanswered++;
    }
    this.addRung(r);
  }

  private addRung(r: CallRecord): void {
    if (!this.counts(r)) return;
    const seen = new Set<string>();
    const answeredBy = r.agent ? `${r.agent.queue}|${r.agent.interface}` : null;
    for (const ref of r.agentsRung) {
      const id = `${ref.queue}|${ref.interface}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const m = this.member(ref.queue, ref.interface);
      if (!m) continue;
      if (id === answeredBy) {
        m.handled++;
        m.talkSeconds += r.talkSeconds;
      } else m.missed++;
    }
    // An answer by a member the events never showed being rung (the journal started mid-call) still counts as handled.
    if (r.agent && answeredBy && !seen.has(answeredBy)) {
      const m = this.member(r.agent.queue, r.agent.interface);
      if (m) {
        m.handled++;
        m.talkSeconds += r.talkSeconds;
      }
    }
  }

  /** A finished pause of a membership; only its part inside the day counts. */
  addPause(queue: string, iface: string, reason: string, from: number, to: number): void {
    const seconds = this.overlapSeconds(from, to);
    if (seconds <= 0) return;
    const m = this.member(queue, iface);
    if (!m) return;
    let slot = m.pauses.find(([r]) => r === reason);
    if (!slot && m.pauses.length >= this.limits.maxReasons)
      slot = m.pauses.find(([r]) => r === OTHER_REASON) ?? m.pauses[m.pauses.length - 1];
    if (slot) slot[1] += seconds;
    else m.pauses.push([reason, seconds]);
  }

  /** A finished logged-in span of a membership (its removal ended it). */
  addLogin(queue: string, iface: string, from: number, to: number): void {
    const seconds = this.overlapSeconds(from, to);
    if (seconds <= 0) return;
    const m = this.member(queue, iface);
    if (m) m.loggedInSeconds += seconds;
  }

  /** Zero figures for queues without a call yet: the board then knows the day is counted (the history is on). */
  ensureQueues(names: Iterable<string>): void {
    for (const name of names) if (!this.queueDays.has(name)) this.queue(name);
  }

  /** The callback list's open entries per queue; queues absent from `owed` owe none. */
  setCallbacksOwed(owed: ReadonlyMap<string, number>): void {
    for (const [name, q] of this.queueDays) {
      const n = owed.get(name) ?? 0;
      if (q.callbacksOwed !== n) {
        q.callbacksOwed = n;
        this.dirtyQueues.add(name);
      }
    }
    for (const [name, n] of owed) {
      // '' holds the callers who queued nowhere: owed by no queue's card.
      if (n === 0 || name === '' || this.queueDays.has(name)) continue;
      const q = this.queue(name);
      if (q) q.callbacksOwed = n;
    }
  }

  /** Upserts of every figure changed since the last call, each whole (they are small, and pauses is a list). */
  takeOps(): Op[] {
    const ops: Op[] = [];
    for (const id of this.dirtyQueues) {
      const q = this.queueDays.get(id);
      if (q) ops.push(upsert('queueDays', id, { ...q }));
    }
    for (const id of this.dirtyMembers) {
      const m = this.memberDays.get(id);
      if (m) ops.push(upsert('memberDays', id, { ...m, pauses: m.pauses.map(([r, s]): [string, number] => [r, s]) }));
    }
    this.dirtyQueues.clear();
    this.dirtyMembers.clear();
    return ops;
  }

  private overlapSeconds(from: number, to: number): number {
    return (Math.min(to, this.day.end) - Math.max(from, this.day.start)) / 1000;
  }

  private queue(name: string): QueueDay | undefined {
    let q = this.queueDays.get(name);
    if (!q) {
      if (this.queueDays.size >= this.limits.maxQueues) {
        this.dropped++;
        return undefined;
      }
      q = emptyQueueDay(name, this.day.date, this.day.start);
      this.queueDays.set(name, q);
    }
    this.dirtyQueues.add(name);
    return q;
  }

  private member(queue: string, iface: string): MemberDay | undefined {
    const id = `${queue}|${iface}`;
    let m = this.memberDays.get(id);
    if (!m) {
      if (this.memberDays.size >= this.limits.maxMembers) {
        this.dropped++;
        return undefined;
      }
      m = emptyMemberDay(queue, iface, this.day.date, this.day.start);
      this.memberDays.set(id, m);
    }
    this.dirtyMembers.add(id);
    return m;
  }
}

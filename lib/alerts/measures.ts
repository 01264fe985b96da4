/**
 * What the alert rules compare, computed once per evaluation pass from the
 * state, for every rule of every kind: per queue (callers waiting, the
 * oldest wait, free members, today's SLA), the paused members, the active
 * calls, and how long the link has not been live. The objects are kept and
 * refilled from pass to pass, so a pass allocates next to nothing.
 *
 * Each figure is the board's own: "free" is `memberStatus` (lib/ui/agents),
 * a call is active by `isActive` (lib/ui/calls), and the SLA is the number
 * the queue card shows (lib/ui/queues: Callboard's count of today when the
 * history keeps one, else Asterisk's own since its last reload).
 */
import type { Call, PbxState, Queue, QueueMember } from '../pbx/model';
import { isPbxLive } from '../pbx/model';
import { queueRates, type QueueDay } from '../stats/figures';
import { memberStatus } from '../ui/agents';
import { isActive } from '../ui/calls';

export interface QueueMeasure {
  waiting: number;
  /** waitingSince of the caller waiting longest; 0 when nobody waits (or no caller's start is known). */
  oldestSince: number;
  /** Members the board shows as free. */
  free: number;
  /** Today's SLA in percent as the card shows it; null before any call counts for it. */
  sla: number | null;
  /** The pass that last filled it. */
  pass: number;
}

/** Which parts a pass needs, from the kinds of the rules it evaluates. */
export interface Needs {
  callers: boolean;
  free: boolean;
  sla: boolean;
  paused: boolean;
  calls: boolean;
}

export class Measures {
  readonly queues = new Map<string, QueueMeasure>();
  /** Paused members whose pause start is known. */
  readonly paused: QueueMember[] = [];
  /** The earliest pausedSince among them; Infinity when none. */
  oldestPause = Infinity;
  /** Active calls whose start is known. */
  readonly calls: Call[] = [];
  /** Minutes each of `calls` has run, same index: computed once per pass, not once per rule. */
  readonly callMinutes: number[] = [];
  oldestCall = Infinity;
  /** Seconds the link has not been live; 0 while it is (or when nothing says since when). */
  linkSeconds = 0;
  private pass = 0;

  fill(state: PbxState, now: number, needs: Needs): void {
    const pass = ++this.pass;
    for (const id in state.queues) {
      let m = this.queues.get(id);
      if (!m) this.queues.set(id, (m = { waiting: 0, oldestSince: 0, free: 0, sla: null, pass }));
      m.waiting = 0;
      m.oldestSince = 0;
      m.free = 0;
      m.pass = pass;
      m.sla = needs.sla ? slaShown(state.queues[id], Object.hasOwn(state.queueDays, id) ? state.queueDays[id] : undefined) : null;
    }
    for (const [id, m] of this.queues) if (m.pass !== pass) this.queues.delete(id);
    if (needs.callers) {
      for (const id in state.callers) {
        const c = state.callers[id];
        const m = this.queues.get(c.queue);
        if (!m) continue;
        m.waiting++;
        if (c.waitingSince > 0 && (m.oldestSince === 0 || c.waitingSince < m.oldestSince)) m.oldestSince = c.waitingSince;
      }
    }
    this.paused.length = 0;
    this.oldestPause = Infinity;
    if (needs.free || needs.paused) {
      for (const id in state.members) {
        const member = state.members[id];
        if (needs.free && memberStatus(member) === 'free') {
          const m = this.queues.get(member.queue);
          if (m) m.free++;
        }
        if (needs.paused && member.paused && member.pausedSince > 0) {
          this.paused.push(member);
          if (member.pausedSince < this.oldestPause) this.oldestPause = member.pausedSince;
        }
      }
    }
    this.calls.length = 0;
    this.callMinutes.length = 0;
    this.oldestCall = Infinity;
    if (needs.calls) {
      for (const id in state.calls) {
        const call = state.calls[id];
        if (!isActive(call) || call.startedAt <= 0) continue;
        this.calls.push(call);
        this.callMinutes.push(Math.max(0, (now - call.startedAt) / 60_000));
        if (call.startedAt < this.oldestCall) this.oldestCall = call.startedAt;
      }
    }
    this.linkSeconds = linkDownSeconds(state, now);
  }
}

/** The queue card's SLA (lib/ui/queues `queueStats`), null where the card shows a dash. */
export function slaShown(queue: Queue, day: QueueDay | undefined): number | null {
  if (day) return queueRates(day).slaPercent;
  return queue.completed + queue.abandoned === 0 ? null : queue.serviceLevelPerf;
}

/** Seconds since the link was last live (or since it went into its state, if it never was); 0 while live. */
export function linkDownSeconds(state: Pick<PbxState, 'pbx'>, now: number): number {
  const { pbx } = state;
  if (isPbxLive(pbx)) return 0;
  const since = pbx.lastLiveAt > 0 ? pbx.lastLiveAt : pbx.linkSince;
  return since > 0 ? Math.max(0, (now - since) / 1000) : 0;
}

/**
 * Finished pauses and log-ins of queue memberships, read from the board's
 * own op stream: a member that goes from paused to not paused ended a pause
 * (from its pausedSince, Asterisk's LastPause, to the unpause); a member
 * removed ended its logged-in span (from Asterisk's LoginTime) and any pause.
 *
 * Only finished spans are stored. One still running is the live state's
 * (a paused member with its pausedSince, a member with its loginTime), which
 * Asterisk keeps across a restart of ours: storing it at shutdown would
 * count it twice after the start.
 */
import type { PbxState, QueueMember } from '@/lib/pbx/model';
import type { Op } from '@/lib/protocol';

export interface MemberSpan {
  queue: string;
  interface: string;
  kind: 'pause' | 'login';
  /** The pause's reason; '' for a login, or a pause without one. */
  reason: string;
  startedAt: number;
  endedAt: number;
}

interface Seen {
  queue: string;
  iface: string;
  paused: boolean;
  reason: string;
  pausedSince: number;
  loginAt: number;
}

/** When a membership began, as the browser counts it too (lib/ui/today.ts): LoginTime, else when we first saw it. */
export const loginStart = (m: Pick<QueueMember, 'loginTime'>, firstSeen: number): number =>
  m.loginTime > 0 ? m.loginTime * 1000 : firstSeen;

export class MemberSpanTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly state: PbxState,
    private readonly now: () => number,
    private readonly onSpan: (span: MemberSpan) => void,
  ) {
    for (const id in state.members) this.seen.set(id, this.read(state.members[id], undefined));
  }

  /** One batch, already applied to the state. */
  ops(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op[0] === 's' || op[1] !== 'members') continue;
      const id = op[2];
      const before = this.seen.get(id);
      const m = Object.hasOwn(this.state.members, id) ? this.state.members[id] : undefined;
      if (!m) {
        if (before) this.removed(before);
        this.seen.delete(id);
        continue;
      }
      const after = this.read(m, before);
      if (before) this.changed(before, after);
      this.seen.set(id, after);
    }
  }

  private read(m: QueueMember, before: Seen | undefined): Seen {
    const loginAt = before && m.loginTime * 1000 <= before.loginAt ? before.loginAt : loginStart(m, this.now());
    return { queue: m.queue, iface: m.interface, paused: m.paused, reason: m.pausedReason, pausedSince: m.pausedSince, loginAt };
  }

  private changed(before: Seen, after: Seen): void {
    if (before.paused && (!after.paused || after.reason !== before.reason)) {
      // A new reason without an unpause between (a pause changed from "lunch" to "meeting") ends one pause and starts the next.
      this.pause(before, after.pausedSince || this.now());
    }
    // Logged in again (Asterisk restarted, or the member was re-added while our link was down): the old span ended then.
    if (after.loginAt > before.loginAt) this.emit(before, 'login', '', before.loginAt, after.loginAt);
  }

  private removed(before: Seen): void {
    const now = this.now();
    if (before.paused) this.pause(before, now);
    this.emit(before, 'login', '', before.loginAt, now);
  }

  private pause(s: Seen, end: number): void {
    if (s.pausedSince > 0) this.emit(s, 'pause', s.reason, s.pausedSince, end);
  }

  private emit(s: Seen, kind: MemberSpan['kind'], reason: string, startedAt: number, endedAt: number): void {
    if (endedAt > startedAt) this.onSpan({ queue: s.queue, interface: s.iface, kind, reason, startedAt, endedAt });
  }
}

import { describe, expect, it } from 'vitest';
import { emptyState, resync, step, type ResyncLists } from '../../lib/pbx';
import { MemberSpanTracker, type MemberSpan } from '../../server/stats/member-spans';
import { clockAfter, segments } from '../pbx/transcripts';

/** Transcript `name` through the reducer, as the session runs it, with the tracker reading every batch. */
function spansOf(name: string): { spans: MemberSpan[]; unpauses: { queue: string; iface: string; at: number }[] } {
  const segs = segments(name);
  const state = emptyState();
  let now = 0;
  const spans: MemberSpan[] = [];
  const tracker = new MemberSpanTracker(
    state,
    () => now,
    (s) => spans.push(s),
  );
  const unpauses: { queue: string; iface: string; at: number }[] = [];
  let pending: ResyncLists | undefined;
  const flush = () => {
    if (pending) tracker.ops(resync(state, pending, now));
    pending = undefined;
  };
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    now = clockAfter(segs, i, 1);
    if (s.kind === 'event') {
      flush();
      const f = s.packet.fields;
      const wasPaused = f.Event === 'QueueMemberPause' && state.members[`${f.Queue}|${f.Interface}`]?.paused;
      tracker.ops(step(state, s.packet, now));
      if (wasPaused && f.Paused === '0') unpauses.push({ queue: f.Queue, iface: f.Interface, at: now });
    } else if (s.kind === 'list' && s.action === 'QueueStatus') (pending ??= {}).queues = s.items;
  }
  return { spans, unpauses };
}

describe('pauses and log-ins of queue members, from the board’s ops', () => {
  it('10: every unpause ends one pause, from Asterisk’s LastPause to the event, with the reason it had', () => {
    const { spans, unpauses } = spansOf('10-sip-busy-hour');
    const pauses = spans.filter((s) => s.kind === 'pause');
    // Unpauses of members not paused (203 at .767, 201 again at .797) end nothing.
    expect(unpauses.length).toBeGreaterThan(0);
    expect(pauses.map((p) => [p.queue, p.interface, p.endedAt])).toEqual(unpauses.map((u) => [u.queue, u.iface, u.at]));
    expect(pauses).toContainEqual({
      queue: 'billing',
      interface: 'PJSIP/201',
      kind: 'pause',
      reason: 'Lunch',
      startedAt: 1796114764000,
      endedAt: 1796114783249,
    });
    // Still paused at the end (2004, 203, 202): not finished, so not stored; the live state counts them.
    expect(pauses).toHaveLength(1);
  });

  it('09: a member removed ends its logged-in span at the removal', () => {
    const { spans } = spansOf('09-supervisor-tools');
    const logins = spans.filter((s) => s.kind === 'login');
    expect(logins.length).toBeGreaterThan(0);
    for (const l of logins) expect(l.endedAt).toBeGreaterThan(l.startedAt);
  });
});

/** The pure views behind the counts, the queue cards and the calls table. */
import { emptyQueueDay } from '../../lib/stats/figures';
import { describe, expect, it } from 'vitest';
import type { Call, QueueMember } from '@/lib/pbx/model';
import { agentsFromMembers, countAgents, memberStatus } from '@/lib/ui/agents';
import { countCalls, defaultCallView, visibleCallIds } from '@/lib/ui/calls';
import { formatDuration } from '@/lib/ui/format';
import { queueStats, waitLevel } from '@/lib/ui/queues';
import { emptyState } from '@/lib/pbx/model';

function member(queue: string, iface: string, over: Partial<QueueMember> = {}): QueueMember {
  // Only the fields the views read; the model has more bookkeeping the UI ignores.
  return {
    id: `${queue}|${iface}`,
    queue,
    name: iface.slice(6),
    interface: iface,
    stateInterface: iface,
    membership: 'static',
    penalty: 0,
    callsTaken: 0,
    lastCall: 0,
    lastPause: 0,
    loginTime: 0,
    inCall: false,
    status: 1,
    paused: false,
    pausedReason: '',
    pausedSince: 0,
    wrapuptime: 0,
    ringinuse: false,
    statusSince: 0,
    ...over,
  } as QueueMember;
}

function call(id: string, over: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'inbound',
    state: 'talking',
    from: { channel: '', name: '', num: '' },
    to: { channel: '', name: '', num: '' },
    channels: [],
    queue: '',
    did: '',
    startedAt: 0,
    answeredAt: 0,
    ...over,
  };
}

describe('agents', () => {
  it('reads device state and pause into one status', () => {
    expect(memberStatus(member('q', 'PJSIP/1'))).toBe('free');
    expect(memberStatus(member('q', 'PJSIP/1', { status: 2 }))).toBe('busy');
    expect(memberStatus(member('q', 'PJSIP/1', { status: 6 }))).toBe('ringing');
    expect(memberStatus(member('q', 'PJSIP/1', { status: 5 }))).toBe('offline');
    expect(memberStatus(member('q', 'PJSIP/1', { paused: true }))).toBe('paused');
    // A paused agent still finishing a call is busy.
    expect(memberStatus(member('q', 'PJSIP/1', { paused: true, status: 2 }))).toBe('busy');
  });

  it('folds memberships into one agent: busy anywhere wins, paused means paused everywhere', () => {
    const members = Object.fromEntries(
      [
        member('sales', 'PJSIP/204', { callsTaken: 2 }),
        member('support', 'PJSIP/204', { status: 2, callsTaken: 3, statusSince: 50 }),
        member('sales', 'PJSIP/205', { paused: true, pausedReason: 'Lunch', pausedSince: 70 }),
        member('support', 'PJSIP/205', { membership: 'dynamic' }),
        member('sales', 'PJSIP/206', { paused: true, pausedReason: 'Break', pausedSince: 90 }),
      ].map((m) => [m.id, m]),
    );
    const agents = agentsFromMembers(members);
    expect(agents.map((a) => [a.id, a.status, a.callsTaken, a.queues.join()])).toEqual([
      ['PJSIP/204', 'busy', 5, 'sales,support'],
      ['PJSIP/205', 'free', 0, 'sales,support'],
      ['PJSIP/206', 'paused', 0, 'sales'],
    ]);
    expect(agents[0].since).toBe(50);
    // Only a member QueueAdd made can be removed: the menu offers support for 205, nothing for the others.
    expect(agents.map((a) => a.dynamicQueues)).toEqual([[], ['support'], []]);
    expect(agents[2]).toMatchObject({ pausedReason: 'Break', since: 90 });
    expect(countAgents(agents.map((a) => a.status))).toEqual({ free: 1, busy: 1, paused: 1, offline: 0 });
  });
});

describe('queues', () => {
  it('counts waiting callers and finds the longest wait per queue', () => {
    const s = emptyState();
    s.queues.sales = {
      id: 'sales',
      strategy: 'ringall',
      max: 0,
      calls: 2,
      holdtime: 0,
      talktime: 0,
      completed: 4,
      abandoned: 1,
      serviceLevel: 30,
      serviceLevelPerf: 75,
      serviceLevelPerf2: 0,
      weight: 0,
    } as typeof s.queues.sales;
    s.queues.empty = { ...s.queues.sales, id: 'empty' };
    for (const [id, since] of [
      ['a', 300],
      ['b', 100],
      ['c', 200],
    ] as const) {
      s.callers[`sales|${id}`] = {
        id: `sales|${id}`,
        queue: 'sales',
        uniqueid: id,
        channel: '',
        position: 1,
        callerNum: '',
        callerName: '',
        connectedNum: '',
        connectedName: '',
        waitingSince: since,
      };
    }
    s.members['sales|PJSIP/1'] = member('sales', 'PJSIP/1', { status: 2 });
    const [empty, sales] = queueStats(s);
    // Without a call history there are no figures of the day: Asterisk's counters are what there is, and say so.
    expect(sales).toMatchObject({
      id: 'sales',
      waiting: 3,
      longestSince: 100,
      sla: 75,
      answered: 4,
      abandoned: 1,
      counted: false,
      asterisk: { completed: 4, abandoned: 1, sla: 75 },
      agents: { busy: 1, free: 0 },
    });
    expect(empty).toMatchObject({ id: 'empty', waiting: 0, longestSince: 0 });
  });

  it("shows today's own figures when the board has them, with Asterisk's beside", () => {
    const s = emptyState();
    s.queues.sales = { id: 'sales', completed: 40, abandoned: 9, serviceLevelPerf: 50, serviceLevel: 20 } as typeof s.queues.sales;
    s.queueDays.sales = {
      ...emptyQueueDay('sales', '2026-12-01', 0),
      offered: 5,
      answered: 3,
      answeredInSla: 3,
      abandoned: 2,
      abandonedInSla: 1,
      slaCalls: 4,
    };
    const [sales] = queueStats(s);
    expect(sales).toMatchObject({ answered: 3, abandoned: 2, sla: 75, counted: true, asterisk: { completed: 40, abandoned: 9, sla: 50 } });
  });

  it('colours a wait by the queue service level', () => {
    expect(waitLevel(10_000, 30)).toBe('ok');
    expect(waitLevel(15_000, 30)).toBe('warn');
    expect(waitLevel(30_000, 30)).toBe('bad');
    expect(waitLevel(29_000, 0)).toBe('ok'); // no service level configured: 60 s
  });
});

describe('calls table', () => {
  const calls = {
    a: call('a', { startedAt: 100, state: 'talking', queue: 'sales', from: { channel: '', name: 'Acme Corp', num: '5551' } }),
    b: call('b', { startedAt: 300, state: 'queued', queue: 'support', from: { channel: '', name: '', num: '5552' } }),
    c: call('c', { startedAt: 200, state: 'ringing', to: { channel: '', name: 'Bob', num: '202' } }),
    d: call('d', { startedAt: 50, state: 'ended' }),
  };

  it('hides ended calls and sorts the longest first by default', () => {
    expect(visibleCallIds(calls, defaultCallView)).toEqual(['a', 'c', 'b']);
    expect(visibleCallIds(calls, { ...defaultCallView, dir: 'asc' })).toEqual(['b', 'c', 'a']);
    expect(countCalls(calls)).toMatchObject({ active: 3, byState: { ended: 1, talking: 1 } });
  });

  it('searches name, number and queue, and filters by state and queue', () => {
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'acme' })).toEqual(['a']);
    expect(visibleCallIds(calls, { ...defaultCallView, search: '202' })).toEqual(['c']);
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'SUPP' })).toEqual(['b']);
    expect(visibleCallIds(calls, { ...defaultCallView, state: 'ringing' })).toEqual(['c']);
    expect(visibleCallIds(calls, { ...defaultCallView, queue: 'sales' })).toEqual(['a']);
  });

  it('formats durations for humans', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_999)).toBe('1:01');
    expect(formatDuration(3_600_000 + 5_000)).toBe('1:00:05');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

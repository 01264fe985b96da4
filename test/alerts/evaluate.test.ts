/**
 * The alert engine, pass by pass with injected time: each kind fires, holds
 * `forSeconds`, clears with hysteresis, honours its cooldown and its quiet
 * hours; subjects that go clear; a disabled rule takes its alerts away; the
 * bounds hold. No sleeps: every instant is given.
 */
import { describe, expect, it } from 'vitest';
import { AlertMemory, MAX_ALERTS, VALUE_STEP_SECONDS } from '@/lib/alerts/evaluate';
import { MAX_NOTIFIED, NOTIFIED_TTL_MS } from '@/lib/alerts/memory';
import { slaShown } from '@/lib/alerts/measures';
import { queueStats } from '@/lib/ui/queues';
import type { AlertRule } from '@/lib/alerts/model';
import { call, caller, dayWith, engine, liveState, member, queue, rule, T0 } from './fixtures';

const S = 1000;
const MIN = 60_000;

function salesState() {
  const s = liveState();
  s.queues.sales = queue('sales');
  s.queues.support = queue('support');
  return s;
}

describe('waiting', () => {
  it('fires at the threshold after forSeconds, holds in the hysteresis band, clears below clearAt', () => {
    const s = salesState();
    const r = rule({ kind: 'waiting', threshold: 3, clearAt: 1, forSeconds: 10, queue: 'sales' });
    const e = engine(s, () => [r]);
    for (let i = 0; i < 3; i++) s.callers[`sales|c${i}`] = caller('sales', `c${i}`, T0);
    expect(e.at(T0).events).toEqual([]);
    expect(e.at(T0 + 9 * S).events).toEqual([]);
    const fired = e.at(T0 + 10 * S);
    expect(fired.events.map((x) => x.type)).toEqual(['alert.fired']);
    expect(s.alerts[`${r.id}|sales`]).toMatchObject({
      kind: 'waiting',
      subject: 'sales',
      queue: 'sales',
      value: 3,
      threshold: 3,
      ackedBy: null,
    });
    // 2 is below the threshold but not below clearAt: it holds, with its value.
    delete s.callers['sales|c2'];
    expect(e.at(T0 + 11 * S).events).toEqual([]);
    expect(s.alerts[`${r.id}|sales`].value).toBe(2);
    delete s.callers['sales|c1'];
    expect(e.at(T0 + 12 * S).events).toEqual([]);
    delete s.callers['sales|c0'];
    const cleared = e.at(T0 + 13 * S);
    expect(cleared.events.map((x) => [x.type, x.alert.value, x.notify])).toEqual([['alert.cleared', 0, true]]);
    expect(s.alerts).toEqual({});
  });

  it('a blip shorter than forSeconds never fires, and the wait starts again after it', () => {
    const s = salesState();
    const r = rule({ kind: 'waiting', threshold: 1, forSeconds: 10, queue: 'sales' });
    const e = engine(s, () => [r]);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    e.at(T0);
    delete s.callers['sales|a'];
    e.at(T0 + 5 * S);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    e.at(T0 + 6 * S);
    expect(e.at(T0 + 12 * S).events).toEqual([]);
    expect(e.at(T0 + 16 * S).events.map((x) => x.type)).toEqual(['alert.fired']);
    expect(e.memory.pending.size).toBe(0);
  });

  it('a rule for every queue raises one alert per queue', () => {
    const s = salesState();
    const r = rule({ kind: 'waiting', threshold: 1 });
    const e = engine(s, () => [r]);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    s.callers['support|b'] = caller('support', 'b', T0);
    expect(
      e
        .at(T0)
        .events.map((x) => x.alert.subject)
        .sort(),
    ).toEqual(['sales', 'support']);
  });
});

describe('longest-wait', () => {
  it('counts from the oldest caller, and sends its ticking value in 5 s steps only', () => {
    const s = salesState();
    const r = rule({ kind: 'longest-wait', threshold: 60, queue: 'sales' });
    const e = engine(s, () => [r]);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    s.callers['sales|b'] = caller('sales', 'b', T0 + 30 * S);
    expect(e.at(T0 + 59 * S).events).toEqual([]);
    expect(e.at(T0 + 60 * S).events[0].alert.value).toBe(60);
    const ops: number[] = [];
    for (let t = 61; t <= 80; t++) if (e.at(T0 + t * S).ops.length) ops.push(t);
    expect(ops).toEqual([65, 70, 75, 80]);
    expect(VALUE_STEP_SECONDS).toBe(5);
    // The oldest is answered: the value falls at once, and 50 s < 60 clears it.
    delete s.callers['sales|a'];
    expect(e.at(T0 + 80.5 * S).events.map((x) => x.type)).toEqual(['alert.cleared']);
  });
});

describe('sla', () => {
  it('is the queue card’s own number, and fires below the threshold', () => {
    const s = salesState();
    s.queueDays.sales = dayWith('sales', 10, 7);
    const r = rule({ kind: 'sla', threshold: 80, clearAt: 85, queue: 'sales' });
    const e = engine(s, () => [r]);
    const card = queueStats(s).find((q) => q.id === 'sales')!;
    expect(slaShown(s.queues.sales, s.queueDays.sales)).toBe(card.sla);
    const fired = e.at(T0);
    expect(fired.events.map((x) => [x.type, x.alert.value])).toEqual([['alert.fired', 70]]);
    s.queueDays.sales = dayWith('sales', 10, 8);
    expect(e.at(T0 + S).events).toEqual([]);
    s.queueDays.sales = dayWith('sales', 20, 17);
    expect(e.at(T0 + 2 * S).events.map((x) => [x.type, x.alert.value])).toEqual([['alert.cleared', 85]]);
  });

  it('says nothing while no call counts for the SLA, and without a history reads Asterisk’s as the card does', () => {
    const s = salesState();
    s.queueDays.sales = dayWith('sales', 0, 0);
    const r = rule({ kind: 'sla', threshold: 80, queue: 'sales' });
    const e = engine(s, () => [r]);
    expect(e.at(T0).events).toEqual([]);
    delete s.queueDays.sales;
    s.queues.sales = queue('sales', { completed: 4, serviceLevelPerf: 50 });
    expect(queueStats(s).find((q) => q.id === 'sales')!.sla).toBe(50);
    expect(e.at(T0 + S).events[0].alert.value).toBe(50);
  });

  it('the day starting again (no call counted yet) clears it', () => {
    const s = salesState();
    s.queueDays.sales = dayWith('sales', 10, 5);
    const r = [rule({ kind: 'sla', threshold: 80, queue: 'sales' })];
    const e2 = engine(s, () => r);
    expect(e2.at(T0).events).toHaveLength(1);
    s.queueDays.sales = dayWith('sales', 0, 0);
    expect(e2.at(T0 + S).events.map((x) => x.type)).toEqual(['alert.cleared']);
  });
});

describe('no-free-agent', () => {
  it('fires while callers wait and no member shows as free, and clears when one is free', () => {
    const s = salesState();
    s.members['sales|PJSIP/201'] = member('sales', 'PJSIP/201', { status: 2 });
    s.members['sales|PJSIP/202'] = member('sales', 'PJSIP/202', { paused: true, pausedSince: T0 });
    s.members['support|PJSIP/203'] = member('support', 'PJSIP/203');
    const rules = [rule({ kind: 'no-free-agent', threshold: 0 })];
    const e = engine(s, () => rules);
    expect(e.at(T0).events).toEqual([]);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    s.callers['support|b'] = caller('support', 'b', T0);
    const fired = e.at(T0 + S);
    expect(fired.events.map((x) => [x.alert.subject, x.alert.value, x.alert.threshold])).toEqual([['sales', 1, 1]]);
    s.members['sales|PJSIP/202'] = member('sales', 'PJSIP/202');
    expect(e.at(T0 + 2 * S).events.map((x) => x.type)).toEqual(['alert.cleared']);
  });
});

describe('paused', () => {
  it('per member, after M minutes, only the reason it names, whatever its case', () => {
    const s = salesState();
    s.members['sales|PJSIP/201'] = member('sales', 'PJSIP/201', { paused: true, pausedReason: 'Lunch', pausedSince: T0 });
    s.members['sales|PJSIP/202'] = member('sales', 'PJSIP/202', { paused: true, pausedReason: 'Training', pausedSince: T0 });
    const rules = [rule({ kind: 'paused', threshold: 30, reason: 'lunch' })];
    const e = engine(s, () => rules);
    expect(e.at(T0 + 29 * MIN).events).toEqual([]);
    const fired = e.at(T0 + 30 * MIN);
    expect(fired.events.map((x) => [x.alert.subject, x.alert.agent, x.alert.value, x.alert.queue])).toEqual([
      ['sales|PJSIP/201', 'Agent PJSIP/201', 30, 'sales'],
    ]);
    // Its value moves by the minute, not by the second.
    expect(e.at(T0 + 30.5 * MIN).ops).toEqual([]);
    expect(e.at(T0 + 31 * MIN).ops).toHaveLength(1);
    s.members['sales|PJSIP/201'] = member('sales', 'PJSIP/201', { paused: false, pausedSince: T0 + 31 * MIN });
    expect(e.at(T0 + 32 * MIN).events.map((x) => x.type)).toEqual(['alert.cleared']);
  });

  it('a member removed clears its alert', () => {
    const s = salesState();
    s.members['sales|PJSIP/201'] = member('sales', 'PJSIP/201', { paused: true, pausedSince: T0 });
    const rules = [rule({ kind: 'paused', threshold: 1 })];
    const e = engine(s, () => rules);
    expect(e.at(T0 + MIN).events).toHaveLength(1);
    delete s.members['sales|PJSIP/201'];
    const out = e.at(T0 + 2 * MIN);
    expect(out.events.map((x) => [x.type, x.alert.value])).toEqual([['alert.cleared', 1]]);
  });
});

describe('long-call', () => {
  it('per active call; a rule with a queue watches that queue only; an ended call clears', () => {
    const s = salesState();
    s.calls.a = call('a', T0, { queue: 'sales' });
    s.calls.b = call('b', T0, { queue: '' });
    s.calls.c = call('c', T0, { queue: 'support' });
    const every = rule({ kind: 'long-call', threshold: 20 });
    const sales = rule({ kind: 'long-call', threshold: 20, queue: 'sales' });
    const e = engine(s, () => [every, sales]);
    const fired = e.at(T0 + 20 * MIN);
    expect(fired.events.map((x) => `${x.rule.id}:${x.alert.subject}:${x.alert.queue}`).sort()).toEqual(
      [`${every.id}:a:sales`, `${every.id}:b:null`, `${every.id}:c:support`, `${sales.id}:a:sales`].sort(),
    );
    s.calls.a = { ...s.calls.a, state: 'ended' };
    delete s.calls.b;
    const cleared = e.at(T0 + 21 * MIN);
    expect(cleared.events.map((x) => `${x.type}:${x.alert.subject}`).sort()).toEqual([
      'alert.cleared:a',
      'alert.cleared:a',
      'alert.cleared:b',
    ]);
  });
});

describe('link', () => {
  it('fires when the link has not been live for D seconds, counting from when it last was', () => {
    const s = salesState();
    const rules = [rule({ kind: 'link', threshold: 30 })];
    const e = engine(s, () => rules);
    expect(e.at(T0).events).toEqual([]);
    s.pbx = { ...s.pbx, link: 'disconnected', linkSince: T0, lastLiveAt: T0 - 5 * S };
    expect(e.at(T0 + 24 * S).events).toEqual([]);
    const fired = e.at(T0 + 25 * S);
    expect(fired.events[0].alert).toMatchObject({ subject: 'link', queue: null, value: 30 });
    // Connected again (the link stamps lastLiveAt at the connect), the lists still being read: the count starts again.
    s.pbx = { ...s.pbx, link: 'connected', linkSince: T0 + 40 * S, lastLiveAt: T0 + 40 * S, lastResync: T0 };
    expect(e.at(T0 + 41 * S).events.map((x) => x.type)).toEqual(['alert.cleared']);
    // Lists that never finish are not live either.
    expect(e.at(T0 + 70 * S).events.map((x) => [x.type, x.alert.value])).toEqual([['alert.fired', 30]]);
    s.pbx = { ...s.pbx, lastResync: T0 + 71 * S };
    expect(e.at(T0 + 71 * S).events.map((x) => x.type)).toEqual(['alert.cleared']);
  });

  it('a link never live counts from when it went into its state', () => {
    const s = salesState();
    s.pbx = { ...s.pbx, link: 'connecting', linkSince: T0, lastLiveAt: 0, lastResync: 0 };
    const rules = [rule({ kind: 'link', threshold: 10 })];
    expect(engine(s, () => rules).at(T0 + 10 * S).events).toHaveLength(1);
  });
});

describe('cooldown and quiet hours', () => {
  it('a re-fire within the cooldown shows but does not notify, nor does its clear; after it, it notifies', () => {
    const s = salesState();
    const rules = [rule({ kind: 'waiting', threshold: 1, queue: 'sales', cooldownSeconds: 300 })];
    const e = engine(s, () => rules);
    const wait = () => (s.callers['sales|a'] = caller('sales', 'a', T0));
    const leave = () => delete s.callers['sales|a'];
    wait();
    expect(e.at(T0).events.map((x) => x.notify)).toEqual([true]);
    leave();
    expect(e.at(T0 + 10 * S).events.map((x) => x.notify)).toEqual([true]);
    wait();
    const again = e.at(T0 + 20 * S);
    expect(again.events.map((x) => [x.type, x.notify])).toEqual([['alert.fired', false]]);
    expect(s.alerts[`${rules[0].id}|sales`].ackedBy).toBeNull();
    leave();
    expect(e.at(T0 + 30 * S).events.map((x) => [x.type, x.notify])).toEqual([['alert.cleared', false]]);
    wait();
    expect(e.at(T0 + 300 * S).events.map((x) => [x.type, x.notify])).toEqual([['alert.fired', true]]);
  });

  const quietAt = (timeZone: string, instant: string, quietHours = { start: '22:00', end: '07:00' }) => {
    const s = salesState();
    s.callers['sales|a'] = caller('sales', 'a', T0);
    const rules = [rule({ kind: 'waiting', threshold: 1, queue: 'sales', quietHours })];
    const out = engine(s, () => rules, timeZone).at(Date.parse(instant));
    return [out.events[0].alert.quiet, out.events[0].notify];
  };

  it('spans midnight in the board’s zone: quiet from 22:00 to 06:59, not at 07:00 nor at 21:59', () => {
    expect(quietAt('Europe/Berlin', '2026-12-01T20:59:00Z')).toEqual([false, true]); // 21:59 CET
    expect(quietAt('Europe/Berlin', '2026-12-01T21:00:00Z')).toEqual([true, false]); // 22:00
    expect(quietAt('Europe/Berlin', '2026-12-01T23:30:00Z')).toEqual([true, false]); // 00:30 next day
    expect(quietAt('Europe/Berlin', '2026-12-02T05:59:00Z')).toEqual([true, false]); // 06:59
    expect(quietAt('Europe/Berlin', '2026-12-02T06:00:00Z')).toEqual([false, true]); // 07:00
    expect(quietAt('UTC', '2026-12-01T12:00:00Z', { start: '09:00', end: '17:00' })).toEqual([true, false]);
    expect(quietAt('UTC', '2026-12-01T12:00:00Z', { start: '12:00', end: '12:00' })).toEqual([false, true]);
  });

  it('follows the wall clock across a DST change', () => {
    // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST. 07:00 local is 05:00Z after the change, 06:00Z before.
    expect(quietAt('Europe/Berlin', '2026-03-29T04:59:00Z')).toEqual([true, false]); // 06:59 CEST
    expect(quietAt('Europe/Berlin', '2026-03-29T05:00:00Z')).toEqual([false, true]); // 07:00 CEST
    expect(quietAt('Europe/Berlin', '2026-03-28T05:30:00Z')).toEqual([true, false]); // 06:30 CET the day before
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 22:00 local is 21:00Z.
    expect(quietAt('Europe/Berlin', '2026-10-25T20:59:00Z')).toEqual([false, true]);
    expect(quietAt('Europe/Berlin', '2026-10-25T21:00:00Z')).toEqual([true, false]);
    expect(quietAt('America/New_York', '2026-11-01T11:30:00Z')).toEqual([true, false]); // 06:30 EST, just after the change
  });
});

describe('rules that change', () => {
  it('a disabled or deleted rule takes its alerts away without a cleared event; an edited one updates them', () => {
    const s = salesState();
    s.callers['sales|a'] = caller('sales', 'a', T0);
    const r = rule({ kind: 'waiting', threshold: 1, queue: 'sales' });
    let rules: readonly AlertRule[] = [r];
    const e = engine(s, () => rules);
    e.at(T0);
    rules = [{ ...r, name: 'Sales queue busy', severity: 'critical' }];
    const edited = e.at(T0 + S);
    expect(edited.events).toEqual([]);
    expect(s.alerts[`${r.id}|sales`]).toMatchObject({ ruleName: 'Sales queue busy', severity: 'critical' });
    rules = [{ ...r, enabled: false }];
    const off = e.at(T0 + 2 * S);
    expect(off.events).toEqual([]);
    expect(off.ops).toEqual([['d', 'alerts', `${r.id}|sales`]]);
    rules = [{ ...r, pbx: 'other' }];
    expect(e.at(T0 + 3 * S).events).toEqual([]);
    expect(s.alerts).toEqual({});
    // Edited to another kind on the same subject: the old alert goes, the new kind raises its own.
    rules = [r];
    e.at(T0 + 4 * S);
    rules = [{ ...r, kind: 'longest-wait', threshold: 1 }];
    const changed = e.at(T0 + 5 * S);
    expect(changed.ops[0]).toEqual(['d', 'alerts', `${r.id}|sales`]);
    expect(changed.events.map((x) => [x.type, x.alert.kind])).toEqual([['alert.fired', 'longest-wait']]);
  });

  it('a removed queue clears its alerts', () => {
    const s = salesState();
    s.callers['sales|a'] = caller('sales', 'a', T0);
    const rules = [rule({ kind: 'waiting', threshold: 1, queue: 'sales' })];
    const e = engine(s, () => rules);
    e.at(T0);
    delete s.queues.sales;
    delete s.callers['sales|a'];
    expect(e.at(T0 + S).events.map((x) => [x.type, x.alert.value])).toEqual([['alert.cleared', 1]]);
  });
});

describe('bounds', () => {
  it('at most MAX_ALERTS per PBX: the rest are counted, and raised once there is room', () => {
    const s = liveState();
    const n = MAX_ALERTS + 20;
    for (let i = 0; i < n; i++) s.calls[`c${i}`] = call(`c${i}`, T0);
    const rules = [rule({ kind: 'long-call', threshold: 1 })];
    const e = engine(s, () => rules);
    const out = e.at(T0 + MIN);
    expect(out.events).toHaveLength(MAX_ALERTS);
    expect(out.dropped).toBe(20);
    expect(out.alerts).toBe(MAX_ALERTS);
    expect(e.memory.droppedAlerts).toBe(20);
    for (let i = 0; i < 30; i++) delete s.calls[`c${i}`];
    // The ended calls clear at the end of the pass; the room they leave is used by the next one.
    const next = e.at(T0 + MIN + S);
    expect(next.events.filter((x) => x.type === 'alert.cleared')).toHaveLength(30);
    const after = e.at(T0 + MIN + 2 * S);
    expect(after.events.filter((x) => x.type === 'alert.fired')).toHaveLength(20);
    expect(after.dropped).toBe(0);
    expect(Object.keys(s.alerts)).toHaveLength(n - 30);
  });

  it('remembers notifications within the cap and forgets them after the longest cooldown', () => {
    const memory = new AlertMemory();
    for (let i = 0; i < MAX_NOTIFIED + 500; i++) memory.notified.set(`r|c${i}`, T0 + i);
    memory.pruneNotified(T0 + MAX_NOTIFIED + 500);
    expect(memory.notified.size).toBe(MAX_NOTIFIED);
    // The oldest went first.
    expect(memory.notified.has('r|c499')).toBe(false);
    expect(memory.notified.has('r|c500')).toBe(true);
    memory.pruneNotified(T0 + NOTIFIED_TTL_MS + MAX_NOTIFIED + 500);
    expect(memory.notified.size).toBe(0);
  });

  it('forgets a pending condition that stopped holding', () => {
    const s = salesState();
    const rules = [rule({ kind: 'long-call', threshold: 1, forSeconds: 60 })];
    const e = engine(s, () => rules);
    for (let i = 0; i < 100; i++) s.calls[`c${i}`] = call(`c${i}`, T0);
    e.at(T0 + MIN);
    expect(e.memory.pending.size).toBe(100);
    for (let i = 0; i < 100; i++) delete s.calls[`c${i}`];
    e.at(T0 + MIN + S);
    expect(e.memory.pending.size).toBe(0);
  });
});

describe('while the board is not live', () => {
  it('neither fires nor clears what the stale state shows, and the link alert alone goes on; live again, the truth decides', () => {
    const s = salesState();
    const wait = rule({ kind: 'longest-wait', threshold: 60, queue: 'sales' });
    const waiting = rule({ kind: 'waiting', threshold: 1, queue: 'support' });
    const link = rule({ kind: 'link', threshold: 10 });
    const e = engine(s, () => [wait, waiting, link]);
    s.callers['sales|a'] = caller('sales', 'a', T0);
    expect(e.at(T0 + 61 * S).events.map((x) => x.type)).toEqual(['alert.fired']);
    // The link drops at T0 + 70 s: the caller may have hung up since, or others may wait; the board cannot know.
    s.pbx = { ...s.pbx, link: 'disconnected', linkSince: T0 + 70 * S, lastLiveAt: T0 + 70 * S };
    delete s.callers['sales|a'];
    s.callers['support|b'] = caller('support', 'b', T0 + 71 * S);
    const stale = e.at(T0 + 75 * S);
    expect(stale.events).toEqual([]);
    expect(Object.keys(s.alerts)).toEqual([`${wait.id}|sales`]);
    expect(e.at(T0 + 81 * S).events.map((x) => [x.type, x.alert.kind])).toEqual([['alert.fired', 'link']]);
    // Live again after the resync: the sales caller is gone, a support caller waits.
    s.pbx = { ...s.pbx, link: 'connected', linkSince: T0 + 90 * S, lastResync: T0 + 91 * S, lastLiveAt: T0 + 91 * S };
    const back = e.at(T0 + 92 * S);
    expect(back.events.map((x) => [x.type, x.alert.kind]).sort()).toEqual([
      ['alert.cleared', 'link'],
      ['alert.cleared', 'longest-wait'],
      ['alert.fired', 'waiting'],
    ]);
  });
});

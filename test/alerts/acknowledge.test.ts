/** Acknowledge and snooze as pure steps, and a snooze that ends by itself, with injected time. */
import { describe, expect, it } from 'vitest';
import { acknowledge, snooze } from '@/lib/alerts/acknowledge';
import { applyOps } from '@/lib/protocol';
import { caller, engine, liveState, queue, rule, T0 } from './fixtures';

const S = 1000;

function firing() {
  const s = liveState();
  s.queues.sales = queue('sales');
  s.callers['sales|a'] = caller('sales', 'a', T0);
  const rules = [rule({ kind: 'waiting', threshold: 1, queue: 'sales' })];
  const e = engine(s, () => rules);
  e.at(T0);
  const id = `${rules[0].id}|sales`;
  const ctx = { pbx: 'main', state: s, rules, memory: e.memory };
  return { s, e, id, ctx };
}

describe('acknowledge', () => {
  it('says who and when, once; the alert stays until it clears, and a re-fire is a new, unacknowledged alert', () => {
    const { s, e, id, ctx } = firing();
    const done = acknowledge(ctx, id, 'sue', T0 + S);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.event).toMatchObject({ type: 'alert.acknowledged', by: 'sue', notify: true, alert: { ackedBy: 'sue', ackedAt: T0 + S } });
    applyOps(s, done.ops);
    expect(acknowledge(ctx, id, 'bob', T0 + 2 * S)).toMatchObject({ ok: false, reason: 'acknowledged', alert: { ackedBy: 'sue' } });
    expect(e.at(T0 + 3 * S).events).toEqual([]);
    expect(s.alerts[id].ackedBy).toBe('sue');
    delete s.callers['sales|a'];
    e.at(T0 + 4 * S);
    s.callers['sales|a'] = caller('sales', 'a', T0 + 5 * S);
    e.at(T0 + 5 * S);
    expect(s.alerts[id]).toMatchObject({ ackedBy: null, ackedAt: null, firedAt: T0 + 5 * S });
  });

  it('an id that names no alert is absent, prototype names included', () => {
    const { ctx } = firing();
    for (const id of ['nope', '__proto__', 'constructor', 'toString'])
      expect(acknowledge(ctx, id, 'sue', T0)).toEqual({ ok: false, reason: 'absent' });
  });
});

describe('snooze', () => {
  it('until a time, after which the next pass ends it by itself', () => {
    const { s, e, id, ctx } = firing();
    const done = snooze(ctx, id, 'sue', T0 + 300 * S, T0 + S);
    expect(done).toMatchObject({
      ok: true,
      event: { type: 'alert.snoozed', by: 'sue', alert: { snoozedBy: 'sue', snoozedUntil: T0 + 300 * S } },
    });
    if (!done.ok) return;
    applyOps(s, done.ops);
    expect(e.at(T0 + 299 * S).ops).toEqual([]);
    expect(e.at(T0 + 300 * S).ops).toEqual([['u', 'alerts', id, { snoozedBy: null, snoozedUntil: null }]]);
    expect(s.alerts[id]).toMatchObject({ snoozedBy: null, snoozedUntil: null });
    expect(() => snooze(ctx, id, 'sue', T0, T0)).toThrow(RangeError);
  });
});

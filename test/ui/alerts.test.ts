import { describe, expect, it } from 'vitest';
import type { Alert } from '@/lib/alerts/model';
import { table } from '@/lib/pbx/model';
import {
  agentSeverities,
  callSeverity,
  countWantingAttention,
  mayRing,
  queueSeverity,
  shownAlerts,
  titleWithAlerts,
} from '@/lib/ui/alerts';

function alert(over: Partial<Alert>): Alert {
  return {
    id: 'r1|sales',
    ruleId: 'r1',
    ruleName: 'Waiting',
    kind: 'waiting',
    severity: 'warning',
    subject: 'sales',
    queue: 'sales',
    agent: '',
    value: 4,
    threshold: 3,
    firedAt: 1000,
    quiet: false,
    ackedBy: null,
    ackedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    ...over,
  };
}

const tableOf = (...alerts: Alert[]) => {
  const t = table<Alert>();
  for (const a of alerts) t[a.id] = a;
  return t;
};

describe('alerts on the page', () => {
  const now = 10_000;
  const waiting = alert({});
  const critical = alert({ id: 'r2|sales', ruleId: 'r2', severity: 'critical', firedAt: 5000 });
  const acked = alert({ id: 'r3|sales', severity: 'critical', ackedBy: 'sam', ackedAt: 6000 });
  const snoozed = alert({
    id: 'r4|support',
    queue: 'support',
    subject: 'support',
    severity: 'critical',
    snoozedBy: 'sam',
    snoozedUntil: now + 60_000,
  });
  const paused = alert({ id: 'r5|sales|PJSIP/201', kind: 'paused', subject: 'sales|PJSIP/201', severity: 'critical' });
  const call = alert({ id: 'r6|c1', kind: 'long-call', subject: 'c1', severity: 'info' });
  const alerts = tableOf(waiting, critical, acked, snoozed, paused, call);

  it('puts those asking for attention first, the gravest first, then the oldest', () => {
    const order = shownAlerts([{ id: 'a', label: 'A', state: { alerts } }], now).map((s) => s.alert.id);
    expect(order).toEqual(['r5|sales|PJSIP/201', 'r2|sales', 'r1|sales', 'r6|c1', 'r3|sales', 'r4|support']);
  });

  it('counts for the tab title only what nobody acknowledged or snoozed', () => {
    expect(countWantingAttention([{ state: { alerts } }], now)).toBe(4);
    // The snooze has run out: it asks again.
    expect(countWantingAttention([{ state: { alerts } }], now + 120_000)).toBe(5);
    expect(titleWithAlerts('(2 waiting) Callboard', 3)).toBe('(3) (2 waiting) Callboard');
    expect(titleWithAlerts('Callboard', 0)).toBe('Callboard');
  });

  it('colours a queue by its gravest queue alert, an agent by its pause alerts, a call by its long-call alert', () => {
    expect(queueSeverity(alerts, 'sales', now)).toBe('critical');
    expect(queueSeverity(alerts, 'support', now)).toBeNull();
    expect(queueSeverity(tableOf(waiting), 'sales', now)).toBe('warning');
    expect(agentSeverities(alerts, now).get('PJSIP/201')).toBe('critical');
    expect(callSeverity(alerts, 'c1', now)).toBe('info');
    expect(callSeverity(alerts, 'c2', now)).toBeNull();
  });

  it('sounds only what asks for attention, is more than information, and fired outside quiet hours', () => {
    expect(mayRing(waiting, now)).toBe(true);
    expect(mayRing(acked, now)).toBe(false);
    expect(mayRing(snoozed, now)).toBe(false);
    expect(mayRing(call, now)).toBe(false);
    expect(mayRing(alert({ quiet: true }), now)).toBe(false);
  });
});

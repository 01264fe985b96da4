/** The sentences a person reads for an alert: one per kind, no phone numbers. */
import { describe, expect, it } from 'vitest';
import { alertHeading, alertTitle, ALERT_TITLES, describeAlert, SEVERITY_LABELS } from '../../lib/alerts/describe';
import { ALERT_KINDS, type Alert } from '../../lib/alerts/model';

function alert(over: Partial<Alert>): Alert {
  return {
    id: 'r1|sales',
    ruleId: 'r1',
    ruleName: 'Queue backing up',
    kind: 'waiting',
    severity: 'warning',
    subject: 'sales',
    queue: 'sales',
    agent: '',
    value: 4,
    threshold: 3,
    firedAt: 1_000,
    quiet: false,
    ackedBy: null,
    ackedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    ...over,
  };
}

describe('describeAlert', () => {
  it('words each kind with its value and threshold in the kind’s unit', () => {
    expect(describeAlert(alert({ kind: 'waiting', value: 4, threshold: 3 }))).toBe('4 callers waiting in sales (alert at 3)');
    expect(describeAlert(alert({ kind: 'waiting', value: 1, threshold: 1 }))).toBe('1 caller waiting in sales (alert at 1)');
    expect(describeAlert(alert({ kind: 'longest-wait', queue: 'support', value: 135, threshold: 120 }))).toBe(
      'Longest wait in support 2:15 (alert at 2:00)',
    );
    expect(describeAlert(alert({ kind: 'sla', value: 71.4, threshold: 80 }))).toBe('SLA today in sales 71 % (alert below 80 %)');
    expect(describeAlert(alert({ kind: 'no-free-agent', queue: 'billing', value: 2, threshold: 1 }))).toBe(
      'No free agent in billing, 2 callers waiting',
    );
    expect(describeAlert(alert({ kind: 'paused', agent: 'Alice', value: 32.7, threshold: 30 }), { reason: 'Lunch' })).toBe(
      'Alice paused 32 min (Lunch) in sales',
    );
    expect(describeAlert(alert({ kind: 'long-call', value: 47.2, threshold: 45 }))).toBe('A call in sales running 47 min');
    expect(describeAlert(alert({ kind: 'link', queue: null, subject: 'link', value: 70, threshold: 30 }))).toBe('PBX link down 1:10');
  });

  it('leaves out the queue when the alert has none, and the reason when the rule watches any', () => {
    expect(describeAlert(alert({ kind: 'long-call', queue: null, value: 61 }))).toBe('A call running 61 min');
    expect(describeAlert(alert({ kind: 'waiting', queue: null, value: 5, threshold: 3 }))).toBe('5 callers waiting (alert at 3)');
    expect(describeAlert(alert({ kind: 'paused', agent: 'Bob', value: 12, threshold: 10 }), { reason: null })).toBe(
      'Bob paused 12 min in sales',
    );
    expect(describeAlert(alert({ kind: 'paused', agent: '', value: 12, threshold: 10 }))).toBe('An agent paused 12 min in sales');
  });

  it('never reads an SLA just under its target as the target, and keeps a fractional threshold short', () => {
    expect(describeAlert(alert({ kind: 'sla', value: 79.96, threshold: 80 }))).toBe('SLA today in sales 79 % (alert below 80 %)');
    expect(describeAlert(alert({ kind: 'sla', value: 80, threshold: 80.55 }))).toBe('SLA today in sales 80 % (alert below 80.6 %)');
  });

  it('has a title for every kind and a label for every severity', () => {
    for (const kind of ALERT_KINDS) expect(alertTitle({ kind })).toBe(ALERT_TITLES[kind]);
    expect(Object.keys(ALERT_TITLES).sort()).toEqual([...ALERT_KINDS].sort());
    expect(SEVERITY_LABELS).toEqual({ info: 'Info', warning: 'Warning', critical: 'Critical' });
    expect(alertHeading({ kind: 'longest-wait', severity: 'critical' })).toBe('Critical · Long wait');
  });

  it('puts no digits in a sentence but the figures it is about', () => {
    const a = alert({ kind: 'paused', agent: 'Alice', value: 32, threshold: 30, subject: 'sales|PJSIP/201' });
    expect(describeAlert(a)).not.toMatch(/201/);
  });
});

/**
 * The made-up alert an admin's "Send a test alert" delivers: shaped like a
 * real one (so the receiver's formatting is what is tested), typed
 * `alert.test` (so no receiver mistakes it for a real one), with a value just
 * past the rule's threshold.
 */
import { alertId, FALLING_KINDS, type AlertEvent, type AlertRule } from '@/lib/alerts/model';

export const TEST_SUBJECT = 'test';

/** A value that would fire the rule: just below it for a rate (SLA), just above it for the rest. */
export function madeUpValue(rule: Pick<AlertRule, 'kind' | 'threshold'>): number {
  return FALLING_KINDS.has(rule.kind) ? Math.max(0, rule.threshold - 1) : rule.threshold + 1;
}

export function testEvent(rule: AlertRule, pbx: string, by: string, now: number): AlertEvent {
  return {
    type: 'alert.test',
    pbx: rule.pbx ?? pbx,
    at: now,
    by,
    notify: true,
    rule,
    alert: {
      id: alertId(rule.id, TEST_SUBJECT),
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      subject: rule.queue ?? TEST_SUBJECT,
      queue: rule.queue,
      agent: '',
      value: madeUpValue(rule),
      threshold: rule.threshold,
      firedAt: now,
      quiet: false,
      ackedBy: null,
      ackedAt: null,
      snoozedBy: null,
      snoozedUntil: null,
    },
  };
}

/** For a webhook's own test button: a rule that exists nowhere, saying what it is. */
export function testRule(by: string, now: number): AlertRule {
  return {
    id: 'test',
    name: 'Test alert from Callboard',
    kind: 'waiting',
    severity: 'info',
    pbx: null,
    queue: null,
    threshold: 1,
    clearAt: null,
    forSeconds: 0,
    reason: null,
    cooldownSeconds: 0,
    quietHours: null,
    webhooks: [],
    enabled: true,
    createdAt: now,
    updatedAt: now,
    updatedBy: by,
  };
}

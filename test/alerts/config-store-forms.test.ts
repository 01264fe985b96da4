/**
 * The admin page's pure view logic (lib/ui/admin-alerts): a form's drafts
 * become bodies the store accepts as they are, the write-only URL and
 * secret, server messages mapped to their field, and the summaries.
 */
import { describe, expect, it } from 'vitest';
import { alertRuleInputSchema, webhookInputSchema, type AlertRule, type WebhookView } from '../../lib/alerts/model';
import { deliveryRows } from '../../lib/ui/admin-alerts/delivery-rows';
import {
  draftFromRule,
  emptyRuleDraft,
  fieldOfError,
  messageOfError,
  ruleBody,
  ruleSummary,
  unitOf,
} from '../../lib/ui/admin-alerts/rule-draft';
import { draftFromWebhook, emptyWebhookDraft, webhookBody } from '../../lib/ui/admin-alerts/webhook-draft';

const RULE: AlertRule = {
  ...alertRuleInputSchema.parse({ name: 'Paused long', kind: 'paused', severity: 'info', queue: 'sales', threshold: 15, reason: 'Lunch' }),
  quietHours: { start: '22:00', end: '07:00' },
  id: 'r1',
  createdAt: 1,
  updatedAt: 2,
  updatedBy: 'admin',
};

describe('rule drafts', () => {
  it('a fresh draft, named, is a valid rule; a stored rule comes back unchanged through its draft', () => {
    expect(alertRuleInputSchema.safeParse(ruleBody({ ...emptyRuleDraft(), name: 'Long wait' })).success).toBe(true);
    const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, ...input } = RULE;
    expect(alertRuleInputSchema.parse(ruleBody(draftFromRule(RULE)))).toEqual(input);
  });

  it('sends what does not read as a number as it was typed, so the server names the problem', () => {
    const body = ruleBody({ ...emptyRuleDraft(), name: 'x', threshold: 'ten', clearAt: '' });
    expect(body).toMatchObject({ threshold: 'ten', clearAt: null });
    const issue = alertRuleInputSchema.safeParse(body).error?.issues[0];
    expect(issue?.path).toEqual(['threshold']);
  });

  it('drops a reason once the kind is no longer a pause', () => {
    expect(ruleBody({ ...draftFromRule(RULE), kind: 'waiting' }).reason).toBeNull();
  });

  it('maps a server message to its field', () => {
    const fields = Object.keys(emptyRuleDraft()).concat('quietHours');
    expect(fieldOfError('threshold: An SLA is 0 to 100 %', fields)).toBe('threshold');
    expect(fieldOfError('quietHours.start: A time is HH:MM, 00:00 to 23:59', fields)).toBe('quietHours');
    expect(fieldOfError('webhooks[0]: Not an id', fields)).toBe('webhooks');
    expect(fieldOfError('Too many changes to alerts at once; try again in 3 s', fields)).toBe('');
    expect(fieldOfError('(top level): Unknown field x', fields)).toBe('');
    expect(messageOfError('quietHours.start: A time is HH:MM')).toBe('A time is HH:MM');
    expect(messageOfError('webhooks[0]: Not an id')).toBe('Not an id');
  });

  it('says what a rule watches, with the kind’s unit', () => {
    expect(unitOf('sla')).toBe('%');
    expect(unitOf('paused')).toBe('min');
    expect(ruleSummary(RULE)).toBe('An agent paused ≥ 15 min (Lunch) in sales');
    expect(ruleSummary({ kind: 'sla', threshold: 80, queue: null, pbx: 'main', reason: null })).toBe(
      "Today's SLA below 80 % in every queue on main",
    );
    expect(ruleSummary({ kind: 'link', threshold: 30, queue: null, pbx: null, reason: null })).toBe('PBX link down or stale ≥ 30 s');
  });
});

describe('webhook drafts', () => {
  const view: WebhookView = {
    id: 'w1',
    name: 'Ops',
    urlShown: 'https://hooks.slack.com/…XyZ1',
    hasSecret: true,
    format: 'slack',
    events: ['alerts', 'call.ended'],
    queues: ['sales'],
    enabled: true,
    createdAt: 1,
    updatedAt: 1,
    updatedBy: 'admin',
  };

  it('a new one sends its URL and a secret only when set', () => {
    const body = webhookBody({ ...emptyWebhookDraft(), name: 'Ops', url: ' https://example.org/h ' }, false);
    expect(body).toEqual({ name: 'Ops', url: 'https://example.org/h', format: 'json', events: ['alerts'], queues: null, enabled: true });
    expect(webhookInputSchema.safeParse(body).success).toBe(true);
    expect(
      webhookBody({ ...emptyWebhookDraft(), name: 'O', url: 'https://e.org', secretChoice: 'set', secret: 'abcdefgh' }, false).secret,
    ).toBe('abcdefgh');
  });

  it('editing leaves the URL and the secret out unless changed; remove sends null', () => {
    const draft = draftFromWebhook(view);
    expect(draft).toMatchObject({ url: '', secretChoice: 'keep', queues: 'sales' });
    const kept = webhookBody(draft, true);
    expect(Object.hasOwn(kept, 'url')).toBe(false);
    expect(Object.hasOwn(kept, 'secret')).toBe(false);
    expect(webhookBody({ ...draft, secretChoice: 'remove' }, true).secret).toBeNull();
    expect(webhookBody({ ...draft, url: 'https://new.example/x' }, true).url).toBe('https://new.example/x');
  });

  it('the delivery log names the webhook, or says it is gone', () => {
    const rows = deliveryRows(
      [
        {
          id: 'd1',
          webhook: 'w1',
          event: 'alert.test',
          subject: 'sales',
          at: Date.UTC(2026, 0, 1, 9, 5, 7),
          attempt: 1,
          status: 200,
          answer: 'ok',
          ms: 12.4,
          outcome: 'sent',
        },
        {
          id: '',
          webhook: 'gone-webhook-id',
          event: 'alert.fired',
          subject: 'x',
          at: 0,
          attempt: 3,
          status: 0,
          answer: 'ECONNREFUSED',
          ms: 3,
          outcome: 'failed',
        },
      ],
      [view],
      'UTC',
    );
    expect(rows[0]).toMatchObject({ time: '09:05:07', webhook: 'Ops', status: '200', ms: '12 ms', outcome: 'sent' });
    expect(rows[1]).toMatchObject({ webhook: '(deleted gone-web)', status: 'no answer', outcome: 'failed' });
    expect(rows[1].id).not.toBe('');
  });
});

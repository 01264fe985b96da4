/**
 * The three payload formats, field by field, as a receiver on loopback gets
 * them through the dispatcher: our JSON (alert and call.ended with its
 * record), a Slack incoming-webhook message, a Teams Workflows Adaptive Card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, WebhookFormat } from '../../lib/alerts/model';
import { WebhookDispatcher } from '../../server/webhooks/dispatcher';
import { describeCall } from '../../server/webhooks/formats';
import { replayJournal } from '../history/journal-replay';
import { waitFor } from '../support/wait-for';
import { ALERT, ManualClock, RULE, StaticWebhooks, alertEvent, callEvent, capturedLog, startReceiver, webhook } from './support';

const RECORD = replayJournal('10-sip-busy-hour').records.find((r) => r.outcome === 'answered' && r.queues.length > 0)!;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a received JSON body, read field by field
type Json = any;

const closers: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close();
});

/** Posts one event to a webhook of the format and answers with the parsed body the receiver got. */
async function received(format: WebhookFormat, send: (d: WebhookDispatcher) => void): Promise<Json> {
  const receiver = await startReceiver();
  closers.push(receiver);
  const clock = new ManualClock();
  const deliveries: Delivery[] = [];
  const source = new StaticWebhooks([webhook({ url: receiver.url, format, events: ['alerts', 'call.ringing', 'call.ended'] })]);
  const d = new WebhookDispatcher({
    webhooks: source,
    record: (x) => deliveries.push(x),
    log: capturedLog().log,
    now: clock.now,
    timers: clock,
  });
  closers.push(d);
  send(d);
  await waitFor(() => deliveries.length === 1, 'the delivery');
  expect(deliveries[0].outcome).toBe('sent');
  expect(receiver.received[0].headers['content-type']).toBe('application/json');
  return JSON.parse(receiver.received[0].body) as Json;
}

describe('json', () => {
  it('carries an alert with ISO times, the alert, the rule and the sentence', async () => {
    const body = await received('json', (d) =>
      d.alert(alertEvent({ type: 'alert.acknowledged', by: 'sup1', alert: { ...ALERT, ackedBy: 'sup1', ackedAt: 1_764_633_606_000 } })),
    );
    expect(Object.keys(body).sort()).toEqual(['alert', 'at', 'by', 'pbx', 'rule', 'text', 'type', 'version']);
    expect(body.version).toBe(1);
    expect(body.type).toBe('alert.acknowledged');
    expect(body.pbx).toBe('main');
    expect(body.at).toBe('2025-12-02T00:00:05.000Z');
    expect(body.by).toBe('sup1');
    expect(body.text).toBe('Longest wait in support 2:15 (alert at 2:00)');
    expect(body.rule).toEqual({ id: 'r1', name: 'Long wait in support', kind: 'longest-wait', severity: 'critical', threshold: 120 });
    expect(body.alert).toEqual({
      id: 'r1|support',
      ruleId: 'r1',
      ruleName: 'Long wait in support',
      kind: 'longest-wait',
      severity: 'critical',
      subject: 'support',
      queue: 'support',
      agent: '',
      value: 135,
      threshold: 120,
      firedAt: '2025-12-02T00:00:00.000Z',
      quiet: false,
      ackedBy: 'sup1',
      ackedAt: '2025-12-02T00:00:06.000Z',
      snoozedBy: null,
      snoozedUntil: null,
    });
  });

  it('carries a call event with the caller, and call.ended with the history record', async () => {
    const ringing = await received('json', (d) => d.call(callEvent()));
    expect(ringing).toEqual({
      version: 1,
      type: 'call.ringing',
      pbx: 'main',
      at: '2025-12-02T00:00:05.000Z',
      call: { id: '1700000000.1', queue: 'sales', callerNum: '+4930123456', callerName: 'Alice Smith', agent: '201' },
      record: null,
    });
    const ended = await received('json', (d) => d.call(callEvent({ type: 'call.ended', call: RECORD.id, record: RECORD })));
    expect(ended.type).toBe('call.ended');
    expect(ended.call.id).toBe(RECORD.id);
    expect(ended.record).toEqual(JSON.parse(JSON.stringify(RECORD)));
  });
});

describe('slack', () => {
  it('is text plus header, section and context blocks, with mrkdwn escaped', async () => {
    const body = await received('slack', (d) => d.alert(alertEvent({ rule: { ...RULE, name: 'Support <critical> & co' } })));
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe('Alert: Critical · Long wait: Longest wait in support 2:15 (alert at 2:00)');
    expect(body.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Alert: Critical · Long wait' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Longest wait in support 2:15 (alert at 2:00)' } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '*PBX:* main' },
          { type: 'mrkdwn', text: '*Rule:* Support &lt;critical&gt; &amp; co' },
          { type: 'mrkdwn', text: '*Queue:* support' },
          { type: 'mrkdwn', text: '*At:* 2025-12-02T00:00:05.000Z' },
        ],
      },
    ]);
  });

  it('words a call event for a channel', async () => {
    const body = await received('slack', (d) => d.call(callEvent()));
    expect(body.text).toBe('Call ringing: Ringing at 201 in sales: Alice Smith (+4930123456)');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Call ringing' } });
  });
});

describe('teams', () => {
  it('is a message with one Adaptive Card attachment, as Teams Workflows webhooks take', async () => {
    const body = await received('teams', (d) => d.alert(alertEvent()));
    expect(body).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'Alert: Critical · Long wait', weight: 'Bolder', size: 'Medium', wrap: true, color: 'Attention' },
              { type: 'TextBlock', text: 'Longest wait in support 2:15 (alert at 2:00)', wrap: true },
              {
                type: 'FactSet',
                facts: [
                  { title: 'PBX', value: 'main' },
                  { title: 'Rule', value: 'Long wait in support' },
                  { title: 'Queue', value: 'support' },
                  { title: 'At', value: '2025-12-02T00:00:05.000Z' },
                ],
              },
            ],
          },
        },
      ],
    });
  });
});

describe('describeCall', () => {
  it('names the step, where, and the caller', () => {
    expect(describeCall(callEvent({ type: 'call.transferred', agent: '305' }))).toBe(
      'Transferred to 305 in sales: Alice Smith (+4930123456)',
    );
    expect(describeCall(callEvent({ type: 'call.ended', agent: '', queue: null, callerName: '', record: RECORD }))).toBe(
      `Ended: +4930123456 (${RECORD.outcome})`,
    );
  });
});

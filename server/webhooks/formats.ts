/**
 * The bodies a webhook receives, per format: our own JSON (`version: 1`,
 * documented in the README), a Slack incoming-webhook message, and a Teams
 * Workflows message. Teams: the Office 365 connectors (MessageCard) were
 * retired in 2026; the Workflows "Send webhook alerts to a channel" flow
 * takes a message whose one attachment is an Adaptive Card, so that is what
 * we post (card version 1.4, which Teams renders in every client).
 * Call events carry the caller's number on purpose: a webhook is an admin's
 * own integration, and a CRM looks the caller up by it.
 */
import { ALERT_EVENT_LABELS, alertHeading, describeAlert } from '@/lib/alerts/describe';
import type { Alert, AlertEvent, CallEvent, CallEventType, WebhookFormat } from '@/lib/alerts/model';
import type { CallRecord } from '@/lib/history/record';

export const PAYLOAD_VERSION = 1;

export type OutgoingEvent = { alert: AlertEvent } | { call: CallEvent };

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms ? iso(ms) : null);

export interface JsonAlertPayload {
  version: 1;
  type: AlertEvent['type'];
  pbx: string;
  at: string;
  text: string;
  alert: Omit<Alert, 'firedAt' | 'ackedAt' | 'snoozedUntil'> & { firedAt: string; ackedAt: string | null; snoozedUntil: string | null };
  rule: { id: string; name: string; kind: Alert['kind']; severity: Alert['severity']; threshold: number };
  by: string | null;
}

export interface JsonCallPayload {
  version: 1;
  type: CallEventType;
  pbx: string;
  at: string;
  call: { id: string; queue: string | null; callerNum: string; callerName: string; agent: string };
  /** `call.ended` only: the history record, exactly as `GET /api/history` returns it (times in ms). */
  record: CallRecord | null;
}

export function jsonAlert(e: AlertEvent): JsonAlertPayload {
  const a = e.alert;
  return {
    version: PAYLOAD_VERSION,
    type: e.type,
    pbx: e.pbx,
    at: iso(e.at),
    text: describeAlert(a, e.rule),
    alert: { ...a, firedAt: iso(a.firedAt), ackedAt: isoOrNull(a.ackedAt), snoozedUntil: isoOrNull(a.snoozedUntil) },
    rule: { id: e.rule.id, name: e.rule.name, kind: e.rule.kind, severity: e.rule.severity, threshold: e.rule.threshold },
    by: e.by ?? null,
  };
}

export function jsonCall(e: CallEvent): JsonCallPayload {
  return {
    version: PAYLOAD_VERSION,
    type: e.type,
    pbx: e.pbx,
    at: iso(e.at),
    call: { id: e.call, queue: e.queue, callerNum: e.callerNum, callerName: e.callerName, agent: e.agent },
    record: e.record ?? null,
  };
}

const CALL_LABELS: Readonly<Record<CallEventType, string>> = {
  'call.ringing': 'Ringing',
  'call.answered': 'Answered',
  'call.transferred': 'Transferred',
  'call.ended': 'Ended',
};

/** "Ringing at 201 in sales: Alice Smith (+4930123)". */
export function describeCall(e: CallEvent): string {
  const caller =
    e.callerName && e.callerName !== e.callerNum ? `${e.callerName} (${e.callerNum || 'unknown'})` : e.callerNum || 'unknown caller';
  const where = `${e.agent ? ` ${e.type === 'call.transferred' ? 'to' : 'at'} ${e.agent}` : ''}${e.queue ? ` in ${e.queue}` : ''}`;
  const outcome = e.type === 'call.ended' && e.record ? ` (${e.record.outcome})` : '';
  return `${CALL_LABELS[e.type]}${where}: ${caller}${outcome}`;
}

/** The heading and the sentence a chat message shows, and the facts under them. */
function message(ev: OutgoingEvent): { title: string; text: string; facts: [string, string][] } {
  if ('alert' in ev) {
    const e = ev.alert;
    const facts: [string, string][] = [
      ['PBX', e.pbx],
      ['Rule', e.rule.name],
    ];
    if (e.alert.queue) facts.push(['Queue', e.alert.queue]);
    if (e.by) facts.push(['By', e.by]);
    facts.push(['At', iso(e.at)]);
    return { title: `${ALERT_EVENT_LABELS[e.type]}: ${alertHeading(e.alert)}`, text: describeAlert(e.alert, e.rule), facts };
  }
  const e = ev.call;
  const facts: [string, string][] = [
    ['PBX', e.pbx],
    ['Call', e.call],
  ];
  if (e.queue) facts.push(['Queue', e.queue]);
  facts.push(['At', iso(e.at)]);
  return { title: `Call ${CALL_LABELS[e.type].toLowerCase()}`, text: describeCall(e), facts };
}

/** Slack's mrkdwn treats these three as control characters. */
const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackBody(ev: OutgoingEvent): {
  text: string;
  blocks: Array<Record<string, unknown>>;
} {
  const m = message(ev);
  return {
    // The fallback a notification and an old client show.
    text: slackEscape(`${m.title}: ${m.text}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(m.text) } },
      { type: 'context', elements: m.facts.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}:* ${slackEscape(v)}` })).slice(0, 10) },
    ],
  };
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export function teamsBody(ev: OutgoingEvent): {
  type: 'message';
  attachments: Array<{ contentType: typeof ADAPTIVE_CARD; contentUrl: null; content: Record<string, unknown> }>;
} {
  const m = message(ev);
  const critical = 'alert' in ev && ev.alert.alert.severity === 'critical' && ev.alert.type === 'alert.fired';
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Medium', wrap: true, ...(critical ? { color: 'Attention' } : {}) },
            { type: 'TextBlock', text: m.text, wrap: true },
            { type: 'FactSet', facts: m.facts.map(([title, value]) => ({ title, value })) },
          ],
        },
      },
    ],
  };
}

/** The body to post, serialised once. */
export function render(format: WebhookFormat, ev: OutgoingEvent): string {
  switch (format) {
    case 'json':
      return JSON.stringify('alert' in ev ? jsonAlert(ev.alert) : jsonCall(ev.call));
    case 'slack':
      return JSON.stringify(slackBody(ev));
    case 'teams':
      return JSON.stringify(teamsBody(ev));
  }
}

/** The event's type and what it is about, for the delivery log. */
export function eventKey(ev: OutgoingEvent): { event: AlertEvent['type'] | CallEventType; subject: string } {
  return 'alert' in ev ? { event: ev.alert.type, subject: ev.alert.alert.id } : { event: ev.call.type, subject: ev.call.call };
}

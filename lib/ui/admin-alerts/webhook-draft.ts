/**
 * The webhook form as the admin page holds it. The URL and the secret are
 * write-only: editing, an empty URL keeps the stored one (the page shows
 * only `urlShown`), and the secret is kept, replaced or removed, never shown.
 */
import { WEBHOOK_EVENTS, type WebhookEventKind, type WebhookFormat, type WebhookView } from '@/lib/alerts/model';

export type SecretChoice = 'keep' | 'set' | 'remove';

export interface WebhookDraft {
  name: string;
  url: string;
  format: WebhookFormat;
  events: WebhookEventKind[];
  /** Comma-separated; '' for every queue. */
  queues: string;
  secretChoice: SecretChoice;
  secret: string;
  enabled: boolean;
}

export const EVENT_LABELS: Readonly<Record<WebhookEventKind, string>> = {
  alerts: 'Alerts of the rules that name it',
  'call.ringing': 'Call ringing',
  'call.answered': 'Call answered',
  'call.transferred': 'Call transferred',
  'call.ended': 'Call ended (with its history record)',
};

export const FORMAT_LABELS: Readonly<Record<WebhookFormat, string>> = { json: 'JSON', slack: 'Slack', teams: 'Microsoft Teams' };

export function emptyWebhookDraft(): WebhookDraft {
  return { name: '', url: '', format: 'json', events: ['alerts'], queues: '', secretChoice: 'keep', secret: '', enabled: true };
}

export function draftFromWebhook(w: WebhookView): WebhookDraft {
  return {
    name: w.name,
    url: '',
    format: w.format,
    events: [...w.events],
    queues: (w.queues ?? []).join(', '),
    secretChoice: 'keep',
    secret: '',
    enabled: w.enabled,
  };
}

/** The REST body; `editing`: an empty URL and a kept secret are left out, so the server keeps them. */
export function webhookBody(d: WebhookDraft, editing: boolean): Record<string, unknown> {
  const queues = d.queues
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const body: Record<string, unknown> = {
    name: d.name,
    format: d.format,
    events: WEBHOOK_EVENTS.filter((e) => d.events.includes(e)),
    queues: queues.length ? queues : null,
    enabled: d.enabled,
  };
  if (!editing || d.url.trim()) body.url = d.url.trim();
  if (d.secretChoice === 'set') body.secret = d.secret;
  else if (d.secretChoice === 'remove' && editing) body.secret = null;
  return body;
}

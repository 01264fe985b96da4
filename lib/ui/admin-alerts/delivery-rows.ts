/** The delivery log as the admin page lists it: one row per attempt, newest first, the webhook by its name. */
import type { Delivery, WebhookView } from '@/lib/alerts/model';

export interface DeliveryRow {
  id: string;
  /** `HH:MM:SS` in the browser's zone, and the full date for a title. */
  time: string;
  date: string;
  webhook: string;
  event: string;
  attempt: number;
  status: string;
  answer: string;
  ms: string;
  outcome: Delivery['outcome'];
}

export function deliveryRows(deliveries: readonly Delivery[], webhooks: readonly WebhookView[], timeZone?: string): DeliveryRow[] {
  const names = new Map(webhooks.map((w) => [w.id, w.name]));
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone });
  return deliveries.map((d, i) => ({
    id: d.id || `${d.webhook}-${d.at}-${i}`,
    time: time.format(d.at),
    date: new Date(d.at).toISOString(),
    webhook: names.get(d.webhook) ?? `(deleted ${d.webhook.slice(0, 8)})`,
    event: d.event,
    attempt: d.attempt,
    status: d.status ? String(d.status) : 'no answer',
    answer: d.answer,
    ms: `${Math.round(d.ms)} ms`,
    outcome: d.outcome,
  }));
}

/**
 * The seams between the alert engine, the stored configuration and the
 * webhook delivery: each side is built and tested on its own against these.
 */
import type { AlertEvent, AlertRule, CallEvent, Delivery, WebhookConfig } from '@/lib/alerts/model';

/** The rules as stored, current: `rules()` is cheap (a cached array), `onChange` fires after every write. */
export interface AlertRuleSource {
  rules(): readonly AlertRule[];
  onChange(listener: () => void): () => void;
}

/** The webhooks as stored, secrets and whole URLs included: server-side only. */
export interface WebhookSource {
  webhooks(): readonly WebhookConfig[];
  onChange(listener: () => void): () => void;
}

/** Where alert and call events go out. Never blocks and never throws: a slow or dead endpoint is the delivery's problem. */
export interface EventSink {
  alert(event: AlertEvent): void;
  call(event: CallEvent): void;
}

/** The delivery side as the admin routes use it. */
export interface DeliveryDesk {
  /** Sends one test event to one webhook now and answers with the attempt (no retry). */
  test(webhook: WebhookConfig, event: AlertEvent): Promise<Delivery>;
  /** The latest attempts, newest first; of one webhook, or of all. */
  recent(options: { webhook?: string; limit: number }): Promise<Delivery[]>;
}

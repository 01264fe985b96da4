/**
 * Alerts: the rules a site sets, the alerts they raise on the board, and the
 * events that leave Callboard through webhooks. Shared by the server (which
 * evaluates, stores and delivers) and the browser (which shows and edits), so
 * the one zod schema validates an admin's form and the REST body alike.
 */
import '../zod-jitless';
import { z } from 'zod';
import { PBX_ID } from '../protocol';
import type { CallRecord } from '../history/record';

export const ALERT_KINDS = ['waiting', 'longest-wait', 'sla', 'no-free-agent', 'paused', 'long-call', 'link'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What a rule's `threshold` counts, per kind. A rule fires when the value
 * reaches the threshold (`sla`: falls below it) and has stayed there
 * `forSeconds`; it clears when the value is back past `clearAt`.
 */
export const KIND_UNITS: Readonly<Record<AlertKind, 'callers' | 'seconds' | 'percent' | 'minutes'>> = {
  waiting: 'callers',
  'longest-wait': 'seconds',
  sla: 'percent',
  'no-free-agent': 'callers',
  paused: 'minutes',
  'long-call': 'minutes',
  link: 'seconds',
};

/** The kinds whose value falls to fire (a rate); every other kind rises. */
export const FALLING_KINDS: ReadonlySet<AlertKind> = new Set(['sla']);

const name = z
  .string({ error: 'Give the rule a name' })
  .trim()
  .min(1, 'Give the rule a name')
  .max(80, 'A name is at most 80 characters')
  .regex(/^[^\p{Cc}]+$/u, 'A name has no control characters');

const queueName = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'Not a queue name');
const pbxId = z.string().regex(PBX_ID, 'Not a PBX id');

/** `HH:MM`, 24-hour, in the board's time zone (CALLBOARD_TIME_ZONE). */
export const clockTimeSchema = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, 'A time is HH:MM, 00:00 to 23:59');

/** When deliveries and sounds hold back; start > end spans midnight (22:00–07:00). */
export const quietHoursSchema = z.strictObject({ start: clockTimeSchema, end: clockTimeSchema });
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** An id we mint (crypto.randomUUID without dashes is fine too): never a key from the wire into a plain object. */
export const configIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not an id');

export const alertRuleInputSchema = z
  .strictObject({
    name,
    kind: z.enum(ALERT_KINDS, { error: `kind is one of ${ALERT_KINDS.join(', ')}` }),
    severity: z.enum(SEVERITIES, { error: `severity is one of ${SEVERITIES.join(', ')}` }),
    /** null: every PBX. */
    pbx: pbxId.nullable().default(null),
    /** null: every queue, each on its own (the kinds `long-call` and `link` may also concern no queue at all). */
    queue: queueName.nullable().default(null),
    threshold: z.number({ error: 'The threshold is a number' }).min(0, 'The threshold is 0 or more').max(1_000_000),
    /** Hysteresis: the value at which a fired alert clears; null: the threshold itself. */
    clearAt: z.number().min(0).max(1_000_000).nullable().default(null),
    /** How long the condition must hold before the alert fires, so a blip does not. */
    forSeconds: z.number().int().min(0).max(3600).default(0),
    /** `paused` only: the pause reason it watches; null: any. */
    reason: z
      .string()
      .max(60)
      .regex(/^[^\p{Cc}]*$/u, 'A reason has no control characters')
      .nullable()
      .default(null),
    /** The least time between two deliveries of this rule for one subject. */
    cooldownSeconds: z.number().int().min(0).max(86_400).default(300),
    quietHours: quietHoursSchema.nullable().default(null),
    /** Webhooks this rule delivers to (ids). */
    webhooks: z.array(configIdSchema).max(20).default([]),
    enabled: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'sla' && r.threshold > 100) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'An SLA is 0 to 100 %' });
    if (r.clearAt !== null) {
      const wrongSide = FALLING_KINDS.has(r.kind) ? r.clearAt < r.threshold : r.clearAt > r.threshold;
      if (wrongSide)
        ctx.addIssue({
          code: 'custom',
          path: ['clearAt'],
          message: FALLING_KINDS.has(r.kind) ? 'It clears at or above the threshold' : 'It clears at or below the threshold',
        });
    }
    if (r.reason !== null && r.kind !== 'paused')
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Only a pause rule takes a reason' });
  });
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;

export type AlertRule = z.output<typeof alertRuleInputSchema> & {
  id: string;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
};

/**
 * One alert on the board: an entity of kind `alerts` in a PBX's state
 * (id `${ruleId}|${subject}`), so it travels, is scoped and is masked like
 * any other. It exists while the condition holds; it goes when it clears.
 */
export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: AlertKind;
  severity: Severity;
  /**
   * What it is about: a queue name (queue kinds), a member id `queue|interface`
   * (`paused`), a call id (`long-call`), or `link`.
   */
  subject: string;
  /** The queue it belongs to, for scopes and for colouring a card; null: none (the link, a call in no queue). */
  queue: string | null;
  /** A member's name or interface, for `paused`; '' otherwise. Never a phone number. */
  agent: string;
  /** The value that fired it, and the latest while it holds, in the kind's unit. */
  value: number;
  threshold: number;
  firedAt: number;
  /** In the rule's quiet hours when it fired: shown, but not sounded or delivered. */
  quiet: boolean;
  ackedBy: string | null;
  ackedAt: number | null;
  snoozedBy: string | null;
  /** Until when it is snoozed (no sound, no notification, dimmed); null: not snoozed. */
  snoozedUntil: number | null;
}

export const alertId = (ruleId: string, subject: string): string => `${ruleId}|${subject}`;

/** What leaves Callboard when an alert changes. */
export type AlertEventType = 'alert.fired' | 'alert.cleared' | 'alert.acknowledged' | 'alert.snoozed' | 'alert.test';

export interface AlertEvent {
  type: AlertEventType;
  pbx: string;
  at: number;
  alert: Alert;
  /** The rule as it was when the event happened. */
  rule: AlertRule;
  /** Who acknowledged or snoozed it. */
  by?: string;
  /** Whether webhooks deliver it: false in the rule's quiet hours and within its cooldown for this subject. */
  notify: boolean;
}

/** The call lifecycle events a CRM can take. */
export const CALL_EVENT_TYPES = ['call.ringing', 'call.answered', 'call.transferred', 'call.ended'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** One step of a call, for a CRM: what a webhook that takes call events receives. */
export interface CallEvent {
  type: CallEventType;
  pbx: string;
  at: number;
  /** The call's id (its Linkedid), as the board and the history name it. */
  call: string;
  queue: string | null;
  callerNum: string;
  callerName: string;
  /** The extension it rings at, was answered at, or was transferred to; '' when none yet. */
  agent: string;
  /** `call.ended` only: the call's history record. */
  record?: CallRecord;
}

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_EVENTS = ['alerts', ...CALL_EVENT_TYPES] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENTS)[number];

export const webhookInputSchema = z.strictObject({
  name,
  /** http(s) only. Slack and Teams webhook URLs are secrets themselves: never shown back whole. */
  url: z
    .string({ error: 'Give the URL to post to' })
    .max(2000, 'A URL is at most 2,000 characters')
    .url('Not a URL')
    .refine((u) => /^https?:\/\//i.test(u), 'Only http:// and https:// URLs')
    .optional(),
  format: z.enum(WEBHOOK_FORMATS, { error: `format is one of ${WEBHOOK_FORMATS.join(', ')}` }).default('json'),
  /** Which events it takes: `alerts` (those of the rules that name it) and the call events. */
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'Pick at least one event').max(WEBHOOK_EVENTS.length).default(['alerts']),
  /** Call events of these queues only; null: every queue (and calls in none). */
  queues: z.array(queueName).max(500).nullable().default(null),
  /**
   * Signs each JSON body (HMAC-SHA256, header `X-Callboard-Signature`).
   * Write-only: absent keeps the stored one, null removes it.
   */
  secret: z.string().min(8, 'A secret is at least 8 characters').max(200).nullable().optional(),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;

/** A webhook as the server keeps it, secret and URL included: never sent to a browser. */
export interface WebhookConfig {
  id: string;
  name: string;
  url: string;
  format: WebhookFormat;
  events: WebhookEventKind[];
  queues: string[] | null;
  secret: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

/** A webhook as an admin's browser sees it: the URL cut to its origin and a hint, the secret only as a flag. */
export interface WebhookView extends Omit<WebhookConfig, 'url' | 'secret'> {
  urlShown: string;
  hasSecret: boolean;
}

/** One attempt to deliver one event to one webhook, as the delivery log shows it. */
export interface Delivery {
  id: string;
  webhook: string;
  event: AlertEventType | CallEventType;
  /** The alert or call it was about. */
  subject: string;
  at: number;
  attempt: number;
  /** HTTP status, or 0 when no answer came (refused, timed out). */
  status: number;
  /** What came back: the first 200 characters of the body, or the error. */
  answer: string;
  ms: number;
  outcome: 'sent' | 'retrying' | 'failed';
}

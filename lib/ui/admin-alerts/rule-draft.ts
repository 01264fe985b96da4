/**
 * The alert rule form as the admin page holds it: every input a string (what
 * the field shows), turned into the REST body on submit. The server
 * validates it with the same schema (lib/alerts/model.ts) and names the
 * field it refuses, which `fieldOfError` reads so the message shows beside it.
 */
import { KIND_UNITS, type AlertKind, type AlertRule, type Severity } from '@/lib/alerts/model';

export interface RuleDraft {
  name: string;
  kind: AlertKind;
  severity: Severity;
  /** '' for every PBX. */
  pbx: string;
  /** '' for every queue. */
  queue: string;
  threshold: string;
  /** '' to clear at the threshold itself. */
  clearAt: string;
  forSeconds: string;
  /** `paused` only; '' for any reason. */
  reason: string;
  cooldownSeconds: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  webhooks: string[];
  enabled: boolean;
}

export const KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  waiting: 'Callers waiting',
  'longest-wait': 'Longest wait',
  sla: "Today's SLA below",
  'no-free-agent': 'No free agent while callers wait',
  paused: 'An agent paused longer than',
  'long-call': 'A call longer than',
  link: 'PBX link down or stale longer than',
};

export function emptyRuleDraft(): RuleDraft {
  return {
    name: '',
    kind: 'longest-wait',
    severity: 'warning',
    pbx: '',
    queue: '',
    threshold: '120',
    clearAt: '',
    forSeconds: '0',
    reason: '',
    cooldownSeconds: '300',
    quiet: false,
    quietStart: '22:00',
    quietEnd: '07:00',
    webhooks: [],
    enabled: true,
  };
}

export function draftFromRule(rule: AlertRule): RuleDraft {
  return {
    name: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    pbx: rule.pbx ?? '',
    queue: rule.queue ?? '',
    threshold: String(rule.threshold),
    clearAt: rule.clearAt === null ? '' : String(rule.clearAt),
    forSeconds: String(rule.forSeconds),
    reason: rule.reason ?? '',
    cooldownSeconds: String(rule.cooldownSeconds),
    quiet: rule.quietHours !== null,
    quietStart: rule.quietHours?.start ?? '22:00',
    quietEnd: rule.quietHours?.end ?? '07:00',
    webhooks: [...rule.webhooks],
    enabled: rule.enabled,
  };
}

/** A number field as sent: a number when it reads as one, else the text, so the server says what is wrong with it. */
function numberOf(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The REST body of a rule (POST /api/alert-rules, PUT /api/alert-rules/{id}). */
export function ruleBody(d: RuleDraft): Record<string, unknown> {
  return {
    name: d.name,
    kind: d.kind,
    severity: d.severity,
    pbx: d.pbx || null,
    queue: d.queue || null,
    threshold: numberOf(d.threshold),
    clearAt: d.clearAt.trim() === '' ? null : numberOf(d.clearAt),
    forSeconds: numberOf(d.forSeconds),
    reason: d.kind === 'paused' && d.reason.trim() ? d.reason.trim() : null,
    cooldownSeconds: numberOf(d.cooldownSeconds),
    quietHours: d.quiet ? { start: d.quietStart, end: d.quietEnd } : null,
    webhooks: d.webhooks,
    enabled: d.enabled,
  };
}

/**
 * The field a server message is about: the REST errors of these routes start
 * with the field's path (`threshold: An SLA is 0 to 100 %`,
 * `quietHours.start: …`); '' when it names none of `fields`.
 */
export function fieldOfError(message: string, fields: readonly string[]): string {
  const head = /^([A-Za-z]+)[.[:]/.exec(message)?.[1] ?? '';
  return fields.includes(head) ? head : '';
}

/** The message without its field prefix, to show beside the field. */
export function messageOfError(message: string): string {
  return message.replace(/^[A-Za-z]+(?:[.[][^:]*)?: /, '');
}

const UNIT_WORDS = { callers: 'callers', seconds: 's', percent: '%', minutes: 'min' } as const;

/** The unit a kind's threshold counts, as shown beside the field. */
export const unitOf = (kind: AlertKind): string => UNIT_WORDS[KIND_UNITS[kind]];

/** One line saying what a rule watches: "Longest wait ≥ 120 s in sales". */
export function ruleSummary(rule: Pick<AlertRule, 'kind' | 'threshold' | 'queue' | 'pbx' | 'reason'>): string {
  const unit = unitOf(rule.kind);
  const value = unit === '%' ? `${rule.threshold} %` : `${rule.threshold} ${unit}`;
  const where = rule.queue ? `in ${rule.queue}` : 'in every queue';
  const pbx = rule.pbx ? ` on ${rule.pbx}` : '';
  const reason = rule.kind === 'paused' && rule.reason ? ` (${rule.reason})` : '';
  switch (rule.kind) {
    case 'sla':
      return `Today's SLA below ${value} ${where}${pbx}`;
    case 'no-free-agent':
      return `No free agent while ${Math.max(1, rule.threshold)}+ callers wait ${where}${pbx}`;
    case 'link':
      return `PBX link down or stale ≥ ${value}${pbx}`;
    case 'paused':
      // Not KIND_LABELS' "paused longer than" before a "≥": that read "longer than ≥ 15 min".
      return `An agent paused ≥ ${value}${reason} ${where}${pbx}`;
    case 'long-call':
      return `A call ≥ ${value}${rule.queue ? ` ${where}` : ''}${pbx}`;
    default:
      return `${KIND_LABELS[rule.kind]}${reason} ≥ ${value} ${where}${pbx}`;
  }
}

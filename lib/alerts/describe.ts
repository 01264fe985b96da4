/**
 * Alerts in words a person reads at a glance: the board's banner, a
 * notification, a Slack or Teams message. Pure; the value and threshold are
 * in the kind's unit (KIND_UNITS). Never a phone number: an alert carries
 * none, and these sentences name queues, agents and durations only.
 */
import { formatDuration } from '../ui/format';
import type { Alert, AlertEventType, AlertKind, AlertRule, Severity } from './model';

/** A heading per kind, short enough for a banner chip or a message title. */
export const ALERT_TITLES: Readonly<Record<AlertKind, string>> = {
  waiting: 'Callers waiting',
  'longest-wait': 'Long wait',
  sla: 'SLA below target',
  'no-free-agent': 'No free agent',
  paused: 'Agent paused too long',
  'long-call': 'Long call',
  link: 'PBX link down',
};

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

/** What happened to the alert, as a message's leading word. */
export const ALERT_EVENT_LABELS: Readonly<Record<AlertEventType, string>> = {
  'alert.fired': 'Alert',
  'alert.cleared': 'Cleared',
  'alert.acknowledged': 'Acknowledged',
  'alert.snoozed': 'Snoozed',
  'alert.test': 'Test alert',
};

export function alertTitle(alert: Pick<Alert, 'kind'>): string {
  return ALERT_TITLES[alert.kind];
}

/** Whole numbers as they are, anything else to one decimal: a threshold an admin typed as 80 stays "80". */
function plain(n: number): string {
  if (!Number.isFinite(n)) return '?';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10);
}

const seconds = (s: number): string => formatDuration(Math.max(0, s) * 1000);
const callers = (n: number): string => `${Math.floor(n)} ${Math.floor(n) === 1 ? 'caller' : 'callers'}`;
const inQueue = (queue: string | null): string => (queue ? ` in ${queue}` : '');

/**
 * One sentence: "4 callers waiting in sales (alert at 3)". `rule`, when
 * given, adds what only the rule knows (the pause reason it watches).
 */
export function describeAlert(alert: Alert, rule?: Pick<AlertRule, 'reason'>): string {
  const q = inQueue(alert.queue);
  const v = alert.value;
  const t = alert.threshold;
  switch (alert.kind) {
    case 'waiting':
      return `${callers(v)} waiting${q} (alert at ${plain(t)})`;
    case 'longest-wait':
      return `Longest wait${q} ${seconds(v)} (alert at ${seconds(t)})`;
    case 'sla':
      // Floored, so a value just under the target never reads as the target itself.
      // "alert below": while it clears (hysteresis) the SLA may be back over the threshold, and "83 % (below 80 %)" would read as a contradiction.
      return `SLA today${q} ${Math.floor(v)} % (alert below ${plain(t)} %)`;
    case 'no-free-agent':
      return `No free agent${q}, ${callers(v)} waiting`;
    case 'paused': {
      const who = alert.agent || 'An agent';
      const reason = rule?.reason ? ` (${rule.reason})` : '';
      return `${who} paused ${Math.floor(v)} min${reason}${q}`;
    }
    case 'long-call':
      return `A call${q} running ${Math.floor(v)} min`;
    case 'link':
      return `PBX link down ${seconds(v)}`;
  }
}

/** "Critical · Long wait": the heading a message or notification leads with. */
export function alertHeading(alert: Pick<Alert, 'kind' | 'severity'>): string {
  return `${SEVERITY_LABELS[alert.severity]} · ${ALERT_TITLES[alert.kind]}`;
}

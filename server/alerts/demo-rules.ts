/**
 * The alert rules a first start on the demo PBX stores, so a first-time user
 * sees what alerts do: thresholds the demo's traffic crosses now and then,
 * not all the time. Stored like an admin's rules, so they can be edited or
 * deleted on /admin/alerts, and never stored again once any rule exists.
 */
import type { AlertRuleInput } from '@/lib/alerts/model';
import type { Logger } from '../log';
import type { AlertConfigStore } from './config-store';

export const DEMO_RULES: readonly AlertRuleInput[] = [
  { name: 'Callers queueing up', kind: 'waiting', severity: 'warning', threshold: 3, clearAt: 2, forSeconds: 5 },
  { name: 'A caller waits too long', kind: 'longest-wait', severity: 'critical', threshold: 60, clearAt: 30 },
  { name: 'SLA below 80 %', kind: 'sla', severity: 'warning', threshold: 80, clearAt: 85, forSeconds: 60 },
  { name: 'Nobody free to answer', kind: 'no-free-agent', severity: 'critical', threshold: 1, forSeconds: 10 },
  { name: 'Paused over 10 minutes', kind: 'paused', severity: 'info', threshold: 10 },
  { name: 'PBX link down', kind: 'link', severity: 'critical', threshold: 10 },
];

export async function storeDemoRules(store: AlertConfigStore, log: Logger): Promise<void> {
  if (store.rules().length > 0) return;
  for (const rule of DEMO_RULES) await store.createRule(rule, 'demo');
  log.info({ rules: DEMO_RULES.length }, 'demo: sample alert rules stored (edit or delete them on /admin/alerts)');
}

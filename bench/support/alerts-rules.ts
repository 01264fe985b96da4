/**
 * The bench's 100 alert rules over 50 queues: every kind, most for every
 * queue (one alert per queue each), some for one queue, with thresholds a
 * busy site might set. The `waiting ≥ 1` rules are the latency probes: each
 * of their fires follows one caller joining an empty queue.
 */
import { alertRuleInputSchema, type AlertRule, type AlertRuleInput } from '@/lib/alerts/model';

export const PROBE_NAME = 'probe: someone waiting';

export function benchRules(queues: readonly string[]): AlertRule[] {
  const inputs: AlertRuleInput[] = [];
  const add = (n: number, f: (i: number) => Omit<AlertRuleInput, 'name' | 'severity'> & { name?: string }) => {
    for (let i = 0; i < n; i++) inputs.push({ name: `rule ${inputs.length}`, severity: 'warning', ...f(i) });
  };
  add(1, () => ({ name: PROBE_NAME, kind: 'waiting', threshold: 1 }));
  add(9, (i) => ({ kind: 'waiting', threshold: 2 + i, clearAt: 1 + i }));
  add(10, (i) => ({ name: PROBE_NAME, kind: 'waiting', threshold: 1, queue: queues[i % queues.length] }));
  add(10, (i) => ({ kind: 'longest-wait', threshold: 10 + 10 * i, forSeconds: 5 }));
  add(10, (i) => ({ kind: 'sla', threshold: 50 + 4 * i }));
  add(10, (i) => ({ kind: 'no-free-agent', threshold: 1 + (i % 3), forSeconds: i }));
  add(20, (i) => ({ kind: 'paused', threshold: 5 + i, reason: i % 2 ? 'Lunch' : null, queue: i < 10 ? null : queues[i % queues.length] }));
  add(20, (i) => ({ kind: 'long-call', threshold: 1 + i, queue: i < 15 ? null : queues[i % queues.length] }));
  add(10, (i) => ({ kind: 'link', threshold: 10 + i * 10 }));
  return inputs.map((input, i) => ({
    ...alertRuleInputSchema.parse(input),
    id: `bench${i}`,
    createdAt: 0,
    updatedAt: 0,
    updatedBy: 'bench',
  }));
}

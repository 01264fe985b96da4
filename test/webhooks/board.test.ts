/**
 * A webhook endpoint that never answers must not slow the board: a real
 * Callboard on the busy demo PBX delivers every call event to a receiver on
 * loopback, and a socket.io client's op batches keep their pace while the
 * receiver hangs. `alert()` stays a sub-millisecond enqueue all along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_EVENT_TYPES } from '../../lib/alerts/model';
import { clientPool, login, startStack, type Stack } from '../server/harness';
import { waitFor } from '../support/wait-for';
import { RULE, StaticWebhooks, alertEvent, startReceiver, webhook, type Receiver } from './support';

let stack: Stack;
let receiver: Receiver;
const pool = clientPool(() => stack.url);

beforeAll(async () => {
  receiver = await startReceiver({ status: 204 });
  const source = new StaticWebhooks([webhook({ id: 'crm', url: receiver.url, events: ['alerts', ...CALL_EVENT_TYPES] })]);
  stack = await startStack({ app: { webhooks: source } });
}, 30_000);
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
  await receiver?.close();
});

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The gaps between op batches a client receives over `ms`. */
async function batchGaps(arrivals: number[], ms: number): Promise<number[]> {
  const from = arrivals.length;
  const start = performance.now();
  await waitFor(() => performance.now() - start >= ms, `${ms} ms of batches`, ms + 5_000);
  const xs = arrivals.slice(from);
  return xs.slice(1).map((t, i) => t - xs[i]);
}

describe('a hanging webhook endpoint', () => {
  it('leaves the board’s batches at their pace, and alert() an enqueue', async () => {
    const c = pool.open({ cookie: await login(stack.url, 'viewer', 'viewer') });
    const arrivals: number[] = [];
    c.socket.on('ops', () => arrivals.push(performance.now()));
    await waitFor(() => c.snapshots === 1, 'snapshot');
    // Call events reach the receiver while it answers.
    await waitFor(() => receiver.received.length >= 5, 'call events delivered', 20_000);
    // The end of a call comes from the history once its record is stored, with the record.
    const ended = await waitFor(
      () =>
        receiver.received
          .map((r) => JSON.parse(r.body) as { type: string; call: { id: string }; record: { id: string } | null })
          .find((b) => b.type === 'call.ended'),
      'a call.ended with its record',
      20_000,
    );
    expect(ended.record?.id).toBe(ended.call.id);
    const before = await batchGaps(arrivals, 4_000);
    for (const r of receiver.received.slice(0, 5)) {
      const body = JSON.parse(r.body) as { version: number; type: string; pbx: string; call: { id: string } };
      expect(body.version).toBe(1);
      expect(CALL_EVENT_TYPES).toContain(body.type);
      expect(body.pbx).toBe(stack.app.pbxs.default.id);
      expect(body.call.id).toMatch(/^\d+\.\d+$/);
    }

    receiver.fallback = 'hang';
    const delivered = receiver.received.length;
    await waitFor(
      () => stack.app.delivery.stats().queued > 0 && receiver.received.length > delivered,
      'a hung request and events queued behind it',
    );
    const during = await batchGaps(arrivals, 4_000);

    const enqueue: number[] = [];
    const event = alertEvent({ rule: { ...RULE, webhooks: ['crm'] } });
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      stack.app.delivery.alert(event);
      enqueue.push(performance.now() - t0);
    }

    const stats = stack.app.delivery.stats();
    const summary = {
      before: { batches: before.length + 1, p50: quantile(before, 0.5), p95: quantile(before, 0.95), max: Math.max(...before) },
      during: { batches: during.length + 1, p50: quantile(during, 0.5), p95: quantile(during, 0.95), max: Math.max(...during) },
      alertMs: { p50: quantile(enqueue, 0.5), p99: quantile(enqueue, 0.99) },
      queued: stats.queued,
      dropped: stats.dropped,
    };
    console.log(JSON.stringify(summary));
    expect(before.length).toBeGreaterThan(10);
    // The same traffic keeps coming at the same pace: as many batches, and no longer gaps than before plus a margin.
    expect(during.length).toBeGreaterThan(before.length * 0.6);
    expect(summary.during.p95).toBeLessThan(Math.max(2 * summary.before.p95, summary.before.p95 + 100));
    expect(summary.during.max).toBeLessThan(summary.before.max + 500);
    expect(summary.alertMs.p99).toBeLessThan(0.1);
    // Bounded whatever the endpoint does.
    expect(stats.queued).toBeLessThanOrEqual(1000);
    expect(stats.inFlight).toBe(1);
  }, 60_000);
});

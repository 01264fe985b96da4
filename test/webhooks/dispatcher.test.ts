/**
 * The dispatcher against a real HTTP receiver on loopback, with injected
 * timers: what goes where, signing, retry on 5xx/408/429 and network errors
 * with backoff, giving up, 4xx final, Retry-After, the timeout, the queue
 * bound, the global cap, and that no log line carries a URL path or secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../lib/alerts/model';
import { WebhookDispatcher, parseRetryAfter, type DispatcherOptions } from '../../server/webhooks/dispatcher';
import { verifySignature } from '../../server/webhooks/sign';
import { waitFor } from '../support/wait-for';
import { ManualClock, StaticWebhooks, alertEvent, callEvent, capturedLog, startReceiver, webhook, type Receiver, RULE } from './support';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(opts: Partial<DispatcherOptions> & { hooks?: Parameters<typeof webhook>[0][] } = {}) {
  const receiver = await startReceiver();
  open.push(receiver);
  const clock = new ManualClock();
  const source = new StaticWebhooks((opts.hooks ?? [{ url: receiver.url }]).map((h) => webhook({ ...h, url: h.url || receiver.url })));
  const deliveries: Delivery[] = [];
  const { log, lines } = capturedLog();
  const dispatcher = new WebhookDispatcher({
    webhooks: source,
    record: (d) => deliveries.push(d),
    log,
    now: clock.now,
    timers: clock,
    random: () => 0.5,
    ...opts,
  });
  open.push(dispatcher);
  return { receiver, clock, source, deliveries, dispatcher, lines };
}

const got = (r: Receiver, n: number) => waitFor(() => r.received.length >= n, `${n} requests at the receiver`);
const logged = (d: Delivery[], n: number) => waitFor(() => d.length >= n, `${n} attempts in the log`);

describe('which events go where', () => {
  it('delivers an alert to the rule’s webhooks that take alerts, and holds back quiet, cooldown and test events', async () => {
    const { receiver, dispatcher, deliveries } = await setup({
      hooks: [
        { id: 'wh1', url: '' },
        { id: 'wh2', url: '', events: ['call.ended'] },
        { id: 'wh3', url: '', enabled: false },
        { id: 'wh4', url: '' },
      ],
    });
    const rule = { ...RULE, webhooks: ['wh1', 'wh2', 'wh3', 'missing'] };
    dispatcher.alert(alertEvent({ rule, notify: false }));
    dispatcher.alert(alertEvent({ rule, type: 'alert.test' }));
    dispatcher.alert(alertEvent({ rule }));
    await logged(deliveries, 1);
    expect(dispatcher.stats().queued).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(deliveries.map((d) => [d.webhook, d.event, d.outcome])).toEqual([['wh1', 'alert.fired', 'sent']]);
  });

  it('delivers a call event to the webhooks that take its type and its queue; a call in no queue only where queues is null', async () => {
    const { dispatcher, deliveries } = await setup({
      hooks: [
        { id: 'all', url: '', events: ['call.ringing', 'call.ended'] },
        { id: 'sales', url: '', events: ['call.ringing'], queues: ['sales'] },
        { id: 'support', url: '', events: ['call.ringing'], queues: ['support'] },
        { id: 'alerts', url: '', events: ['alerts'] },
      ],
    });
    dispatcher.call(callEvent({ call: 'c1', queue: 'sales' }));
    dispatcher.call(callEvent({ call: 'c2', queue: null }));
    dispatcher.call(callEvent({ call: 'c3', type: 'call.answered' }));
    await logged(deliveries, 3);
    await expect.poll(() => dispatcher.stats().inFlight).toBe(0);
    expect(deliveries.map((d) => `${d.webhook}:${d.subject}`).sort()).toEqual(['all:c1', 'all:c2', 'sales:c1']);
  });
});

describe('signing', () => {
  it('signs a JSON body with the secret, so the receiver can verify it, and leaves Slack and Teams bodies unsigned', async () => {
    const { receiver, dispatcher, clock } = await setup({
      hooks: [
        { id: 'wh1', url: '', secret: 's3cret-of-the-receiver' },
        { id: 'wh2', url: '', format: 'slack', secret: 'unused-secret' },
      ],
    });
    dispatcher.alert(alertEvent({ rule: { ...RULE, webhooks: ['wh1', 'wh2'] } }));
    await got(receiver, 2);
    const json = receiver.received.find((r) => JSON.parse(r.body).version === 1)!;
    const ts = json.headers['x-callboard-timestamp'] as string;
    expect(ts).toBe(String(Math.floor(clock.t / 1000)));
    expect(json.headers['x-callboard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const h = { timestamp: ts, signature: json.headers['x-callboard-signature'] as string };
    expect(verifySignature('s3cret-of-the-receiver', h, json.body, clock.t)).toBe(true);
    expect(verifySignature('another-secret', h, json.body, clock.t)).toBe(false);
    expect(verifySignature('s3cret-of-the-receiver', h, json.body.replace('support', 'sales'), clock.t)).toBe(false);
    expect(verifySignature('s3cret-of-the-receiver', h, json.body, clock.t + 301_000)).toBe(false);
    // The recipe the README gives a receiver, in plain node:crypto.
    const { createHmac } = await import('node:crypto');
    expect(h.signature).toBe(`sha256=${createHmac('sha256', 's3cret-of-the-receiver').update(`${ts}.${json.body}`).digest('hex')}`);
    const slack = receiver.received.find((r) => 'blocks' in JSON.parse(r.body))!;
    expect(slack.headers['x-callboard-signature']).toBeUndefined();
    expect(slack.headers['content-type']).toBe('application/json');
  });
});

describe('retry', () => {
  it('retries a 500 after the backoff and then succeeds', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup();
    receiver.replies.push({ status: 500, body: 'upstream down' });
    dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    expect(deliveries[0]).toMatchObject({ attempt: 1, status: 500, answer: 'upstream down', outcome: 'retrying' });
    // random 0.5: exactly the base delay, 1 s.
    expect(clock.next()).toBe(1000);
    clock.advance(999);
    expect(receiver.received).toHaveLength(1);
    clock.advance(1);
    await logged(deliveries, 2);
    expect(deliveries[1]).toMatchObject({ attempt: 2, status: 200, answer: 'ok', outcome: 'sent' });
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, failed: 0 });
  });

  it('gives up after six attempts, 1 s, 2 s, 4 s, 8 s, 16 s apart, logs it and marks the last failed', async () => {
    const { receiver, dispatcher, deliveries, clock, lines } = await setup();
    receiver.fallback = { status: 503, body: 'busy' };
    dispatcher.alert(alertEvent());
    const gaps: number[] = [];
    for (let n = 1; n < 6; n++) {
      await logged(deliveries, n);
      gaps.push(clock.next()!);
      clock.advance(clock.next()!);
    }
    await logged(deliveries, 6);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(deliveries.map((d) => d.outcome)).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'failed']);
    expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(clock.pending).toBe(0);
    expect(receiver.received).toHaveLength(6);
    expect(dispatcher.stats()).toMatchObject({ failed: 1, sent: 0 });
    expect(lines.some((l) => l.includes('webhook delivery failed') && l.includes('"attempts":6'))).toBe(true);
  });

  it('spreads the backoff by a jitter of ±25 % and caps it at 60 s', async () => {
    const { dispatcher } = await setup();
    const at = (random: number, attempt: number, retryAfter: number | null = null) =>
      new WebhookDispatcher({
        webhooks: new StaticWebhooks([]),
        record: () => undefined,
        log: capturedLog().log,
        random: () => random,
      }).delayFor(attempt, retryAfter);
    expect([at(0, 1), at(0.999, 1), at(0, 3), at(0.5, 3)]).toEqual([750, 1250, 3000, 4000]);
    expect(at(1, 7)).toBe(60_000);
    expect(at(0, 10)).toBe(45_000);
    expect(at(0.5, 1, 0)).toBe(0);
    expect(dispatcher.delayFor(1, 90_000)).toBe(60_000);
  });

  it('takes a 4xx as final', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup();
    receiver.replies.push({ status: 404, body: 'no_service' });
    dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    expect(deliveries[0]).toMatchObject({ status: 404, answer: 'no_service', outcome: 'failed' });
    expect(clock.pending).toBe(0);
  });

  it('retries 408 and a refused connection, with the error as the answer', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup();
    receiver.replies.push({ status: 408 });
    dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    expect(deliveries[0].outcome).toBe('retrying');
    await receiver.close();
    clock.advance(clock.next()!);
    await logged(deliveries, 2);
    expect(deliveries[1]).toMatchObject({ status: 0, outcome: 'retrying' });
    expect(deliveries[1].answer).toMatch(/fetch failed|ECONNREFUSED/);
    expect(deliveries[1].answer).not.toContain('SECRET');
  });

  it('honours Retry-After on a 429, up to 60 s', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup();
    receiver.replies.push({ status: 429, headers: { 'retry-after': '7' } }, { status: 429, headers: { 'retry-after': '3600' } });
    dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    expect(clock.next()).toBe(7000);
    clock.advance(7000);
    await logged(deliveries, 2);
    expect(clock.next()).toBe(60_000);
    clock.advance(60_000);
    await logged(deliveries, 3);
    expect(deliveries.map((d) => [d.status, d.outcome])).toEqual([
      [429, 'retrying'],
      [429, 'retrying'],
      [200, 'sent'],
    ]);
    expect(parseRetryAfter(new Date(clock.t + 5000).toUTCString(), clock.t)).toBe(5000);
    expect(parseRetryAfter('soon', clock.t)).toBeNull();
  });

  it('aborts an attempt after the timeout and retries it', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup({ timeoutMs: 5000 });
    receiver.replies.push('hang');
    dispatcher.alert(alertEvent());
    await got(receiver, 1);
    expect(deliveries).toHaveLength(0);
    clock.advance(5000);
    await logged(deliveries, 1);
    expect(deliveries[0]).toMatchObject({ status: 0, answer: 'no answer within 5000 ms', outcome: 'retrying', ms: 5000 });
    clock.advance(clock.next()!);
    await logged(deliveries, 2);
    expect(deliveries[1].outcome).toBe('sent');
  });
});

describe('bounds', () => {
  it('keeps at most the cap per webhook, drops the oldest, counts them and says so in the log once', async () => {
    const { receiver, dispatcher, deliveries, clock, lines } = await setup({
      queueCap: 3,
      timeoutMs: 60_000,
      hooks: [{ id: 'wh1', url: '', events: ['call.ringing'] }],
    });
    receiver.replies.push('hang');
    for (let i = 0; i < 10; i++) dispatcher.call(callEvent({ call: `c${i}` }));
    // c0 is in flight before any drop; the queue then holds the newest three.
    expect(dispatcher.stats()).toMatchObject({ queued: 3, dropped: 6 });
    expect(dispatcher.stats().webhooks[0]).toMatchObject({ id: 'wh1', queued: 3, dropped: 6 });
    expect(lines.filter((l) => l.includes('webhook queue full'))).toHaveLength(1);
    // The hung attempt times out and is retried first: one request at a time keeps the order.
    await got(receiver, 1);
    clock.advance(60_000);
    await logged(deliveries, 1);
    clock.advance(clock.next()!);
    await logged(deliveries, 5);
    await expect.poll(() => dispatcher.stats().queued).toBe(0);
    expect(deliveries.map((d) => `${d.subject}:${d.outcome}`)).toEqual(['c0:retrying', 'c0:sent', 'c7:sent', 'c8:sent', 'c9:sent']);
  });

  it('holds one request in flight per webhook and at most the global cap across them', async () => {
    const hooks = ['a', 'b', 'c'].map((id) => ({ id, url: '', events: ['call.ringing' as const] }));
    const { receiver, dispatcher, clock, deliveries } = await setup({ hooks, maxConcurrent: 2, timeoutMs: 30_000 });
    receiver.fallback = 'hang';
    dispatcher.call(callEvent({ call: 'x1' }));
    dispatcher.call(callEvent({ call: 'x2' }));
    await got(receiver, 2);
    expect(dispatcher.stats().inFlight).toBe(2);
    expect(dispatcher.stats().queued).toBe(4);
    receiver.fallback = { status: 204 };
    clock.advance(30_000);
    await logged(deliveries, 2);
    // The timeouts freed two slots: the waiting lane and the next of the first two go.
    await got(receiver, 4);
    expect(dispatcher.stats().inFlight).toBeLessThanOrEqual(2);
  });

  it('returns from alert() and call() at once, in well under a millisecond, while the endpoint hangs', async () => {
    const { receiver, dispatcher } = await setup({ hooks: [{ id: 'wh1', url: '', events: ['alerts', 'call.ringing'] }] });
    receiver.fallback = 'hang';
    dispatcher.alert(alertEvent());
    await got(receiver, 1);
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      dispatcher.alert(alertEvent());
      dispatcher.call(callEvent({ call: `c${i}` }));
    }
    const perCall = (performance.now() - t0) / (2 * n);
    expect(perCall).toBeLessThan(0.05);
    expect(dispatcher.stats().queued).toBe(1000);
  });
});

describe('secrets', () => {
  it('never puts a URL path or a secret in a log line', async () => {
    const { receiver, dispatcher, deliveries, clock, lines } = await setup({
      queueCap: 1,
      hooks: [{ id: 'wh1', url: '', secret: 'topsecret-value', format: 'json' }],
      maxAttempts: 2,
    });
    receiver.fallback = { status: 500 };
    for (let i = 0; i < 3; i++) dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    clock.advance(clock.next()!);
    await logged(deliveries, 2);
    await waitFor(() => lines.some((l) => l.includes('webhook delivery failed')), 'the failure logged');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).not.toContain('/hooks/');
      expect(l).not.toContain('SECRET');
      expect(l).not.toContain('topsecret');
    }
    expect(lines.some((l) => l.includes(receiver.origin))).toBe(true);
  });

  it('stops delivering to a webhook once it is disabled, dropping what it held', async () => {
    const { receiver, dispatcher, source, deliveries } = await setup({ timeoutMs: 60_000 });
    receiver.fallback = 'hang';
    dispatcher.alert(alertEvent());
    dispatcher.alert(alertEvent());
    await got(receiver, 1);
    source.set([webhook({ url: receiver.url, enabled: false })]);
    await logged(deliveries, 1);
    expect(deliveries[0].outcome).toBe('failed');
    await expect.poll(() => dispatcher.stats().queued).toBe(0);
    dispatcher.alert(alertEvent());
    expect(dispatcher.stats().queued).toBe(0);
  });
});

describe('never throws', () => {
  it('counts and logs an event it could not queue, and goes on', async () => {
    const { dispatcher, lines, deliveries } = await setup();
    const broken = alertEvent({ rule: { ...RULE, webhooks: undefined as unknown as string[] } });
    expect(() => dispatcher.alert(broken)).not.toThrow();
    expect(lines.filter((l) => l.includes('an event was not queued'))).toHaveLength(1);
    dispatcher.alert(alertEvent());
    await logged(deliveries, 1);
    expect(deliveries[0].outcome).toBe('sent');
  });
});

describe('close()', () => {
  it('aborts the attempt in flight, waits for its row, and runs no retry', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup({ timeoutMs: 60_000 });
    receiver.fallback = 'hang';
    dispatcher.alert(alertEvent());
    dispatcher.alert(alertEvent());
    await got(receiver, 1);
    await dispatcher.close();
    expect(deliveries.map((d) => [d.status, d.outcome])).toEqual([[0, 'failed']]);
    expect(dispatcher.stats()).toMatchObject({ queued: 0, inFlight: 0 });
    expect(clock.pending).toBe(0);
    dispatcher.alert(alertEvent());
    expect(dispatcher.stats().queued).toBe(0);
  });
});

describe('test()', () => {
  it('sends one test event now and answers with the attempt, without retrying', async () => {
    const { receiver, dispatcher, deliveries, clock } = await setup();
    receiver.replies.push({ status: 500, body: 'nope' });
    const w = webhook({ url: receiver.url });
    const d = await dispatcher.test(w, alertEvent({ type: 'alert.test' }));
    expect(d).toMatchObject({ webhook: 'wh1', event: 'alert.test', attempt: 1, status: 500, answer: 'nope', outcome: 'failed' });
    expect(deliveries).toEqual([d]);
    expect(clock.pending).toBe(0);
    expect(JSON.parse(receiver.received[0].body).type).toBe('alert.test');
  });
});

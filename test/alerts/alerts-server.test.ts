/**
 * Alerts end to end on a real Callboard over real TCP against the demo PBX:
 * a rule fires and its `alerts` op reaches a socket.io client of the full
 * view; a client scoped to one queue sees that queue's alerts only; REST
 * acknowledge and snooze over real HTTP, audited, and seen by every client;
 * the refusals (a viewer, a scope, absent and prototype ids, bad minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRule } from '@/lib/alerts/model';
import { StaticRuleSource } from '@/server/alerts/static-source';
import { clientPool, login, startStack, waitFor, type Stack } from '../server/harness';
import { rule } from './fixtures';
import { USER_LIMITS } from '@/server/http/user-limits';

let stack: Stack;
const source = new StaticRuleSource();
const events: AlertEvent[] = [];
const cookies = { admin: '', viewer: '', lead: '' };
const pool = clientPool(() => stack.url);
let waiting: AlertRule;

beforeAll(async () => {
  stack = await startStack({ app: { alerts: { rules: source, sink: { alert: (e) => events.push(e), call() {} } } } });
  await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
  stack.app.auth.store.updateUser('lead', { queues: ['sales'] });
  cookies.admin = await login(stack.url, 'admin', 'admin');
  cookies.viewer = await login(stack.url, 'viewer', 'viewer');
  cookies.lead = await login(stack.url, 'lead', 'lead-password');
});
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
});

const post = (path: string, cookie: string, body?: unknown) =>
  fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

const alertPath = (id: string, what: 'ack' | 'snooze') => `/api/pbx/${stack.app.pbxs.default.id}/alerts/${encodeURIComponent(id)}/${what}`;

async function auditOf(action: string) {
  return (await stack.app.audit.tail(500)).filter((e) => e.action === action);
}

describe('alerts on the board', () => {
  it('a rule fires on every queue, the full view receives each, a scoped client only its queue’s', async () => {
    const full = pool.open({ cookie: cookies.admin });
    const scoped = pool.open({ cookie: cookies.lead });
    await waitFor(() => full.state && scoped.state, 'both snapshots');
    const queues = Object.keys(stack.app.session.state.queues);
    expect(queues).toContain('sales');
    expect(queues.length).toBeGreaterThan(1);
    // Waiting ≥ 0 holds in every queue at once: the alerts depend on no lull in the demo's traffic.
    waiting = rule({ kind: 'waiting', threshold: 0, name: 'Anyone waiting' });
    source.set([waiting]);
    for (const q of queues) await waitFor(() => full.state!.alerts[`${waiting.id}|${q}`], `the ${q} alert on the full view`);
    await waitFor(() => scoped.state!.alerts[`${waiting.id}|sales`], 'the sales alert on the scoped client');
    expect(Object.keys(scoped.state!.alerts)).toEqual([`${waiting.id}|sales`]);
    const others = queues.filter((q) => q !== 'sales').map((q) => `${waiting.id}|${q}`);
    expect(scoped.received.filter((text) => others.some((id) => text.includes(JSON.stringify(id))))).toEqual([]);
    expect(full.state!.alerts[`${waiting.id}|sales`]).toMatchObject({
      kind: 'waiting',
      queue: 'sales',
      ruleName: 'Anyone waiting',
      ackedBy: null,
    });
    expect(
      events
        .filter((e) => e.type === 'alert.fired')
        .map((e) => e.alert.queue)
        .sort(),
    ).toEqual([...queues].sort());
  });

  it('REST acknowledge: refused for a viewer and outside a scope, then done once, audited and seen by all', async () => {
    const full = pool.open({ cookie: cookies.admin });
    await waitFor(() => full.state, 'snapshot');
    const sales = `${waiting.id}|sales`;
    const support = Object.keys(stack.app.session.state.alerts).find((id) => id !== sales)!;

    const byViewer = await post(alertPath(sales, 'ack'), cookies.viewer);
    expect(byViewer.status).toBe(403);
    expect(await byViewer.json()).toEqual({ error: 'Your account may not acknowledge or snooze alerts', code: 'forbidden' });
    const outside = await post(alertPath(support, 'ack'), cookies.lead);
    expect(outside.status).toBe(404);
    const absentText = (await outside.json()) as { error: string; code: string };
    expect(absentText.code).toBe('not-found');
    for (const id of ['__proto__', 'constructor', 'nope|sales']) {
      const res = await post(alertPath(id, 'ack'), cookies.admin);
      expect(res.status, id).toBe(404);
    }
    expect((await fetch(`${stack.url}${alertPath(sales, 'ack')}`, { method: 'POST' })).status).toBe(401);

    const done = await post(alertPath(sales, 'ack'), cookies.lead);
    expect(done.status).toBe(200);
    const body = (await done.json()) as { alert: { ackedBy: string; ackedAt: number } };
    expect(body.alert.ackedBy).toBe('lead');
    await waitFor(() => full.state!.alerts[sales]?.ackedBy === 'lead', 'the acknowledgement on another client');
    const again = await post(alertPath(sales, 'ack'), cookies.admin);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/^Already acknowledged by lead at /);

    const audit = await auditOf('alert-ack');
    expect(audit.filter((e) => e.result === 'ok')).toEqual([
      expect.objectContaining({ who: 'lead', pbx: stack.app.pbxs.default.id, params: { id: sales } }),
    ]);
    expect(audit.filter((e) => e.who === 'viewer' && e.result === 'forbidden')).toHaveLength(1);
    expect(audit.filter((e) => e.who === 'lead' && e.result === 'invalid' && (e.params as { id: string }).id === support)).toHaveLength(1);
    expect(audit.filter((e) => e.who === 'admin' && e.result === 'invalid').length).toBeGreaterThanOrEqual(4);
    expect(events.find((e) => e.type === 'alert.acknowledged')).toMatchObject({ by: 'lead', alert: { id: sales } });
  });

  it('REST snooze: minutes 5 to 240, whole; a snooze every client sees', async () => {
    const full = pool.open({ cookie: cookies.admin });
    await waitFor(() => full.state, 'snapshot');
    const id = `${waiting.id}|sales`;
    for (const body of [{ minutes: 4 }, { minutes: 241 }, { minutes: 5.5 }, { minutes: '10' }, {}, { minutes: 10, extra: 1 }, 'not json']) {
      const res = await post(alertPath(id, 'snooze'), cookies.admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('invalid');
    }
    const before = Date.now();
    const res = await post(alertPath(id, 'snooze'), cookies.lead, { minutes: 15 });
    expect(res.status).toBe(200);
    const { alert } = (await res.json()) as { alert: { snoozedBy: string; snoozedUntil: number } };
    expect(alert.snoozedBy).toBe('lead');
    expect(alert.snoozedUntil).toBeGreaterThanOrEqual(before + 15 * 60_000);
    await waitFor(() => full.state!.alerts[id]?.snoozedBy === 'lead', 'the snooze on another client');
    const audit = await auditOf('alert-snooze');
    expect(audit.filter((e) => e.result === 'ok')).toEqual([expect.objectContaining({ who: 'lead', params: { id, minutes: 15 } })]);
    expect(audit.filter((e) => e.result === 'invalid')).toHaveLength(7);
  });

  it('a rule removed takes its alerts off every client', async () => {
    const full = pool.open({ cookie: cookies.admin });
    await waitFor(() => full.state && Object.keys(full.state.alerts).length > 0, 'alerts on the snapshot');
    source.set([]);
    await waitFor(() => Object.keys(full.state!.alerts).length === 0, 'no alerts left');
    expect(stack.app.alerts.get(stack.app.pbxs.default.id)!.health()).toMatchObject({ alerts: 0, sinkErrors: 0, dropped: 0 });
  });

  it('a looping client is held at its per-user limit: 429 with Retry-After, audited; another user goes on', async () => {
    await stack.app.auth.store.addUser('looper', 'supervisor', 'looper-password');
    const looper = await login(stack.url, 'looper', 'looper-password');
    const limit = USER_LIMITS['alert-ack'].perMinute;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++)
      statuses.push((await post(alertPath(`nope-${i}`, i % 2 ? 'ack' : 'snooze'), looper, { minutes: 5 })).status);
    // Every attempt counts, found or not: a loop over made-up ids is the case to stop.
    expect(statuses.slice(0, limit).every((s) => s === 404)).toBe(true);
    const over = await post(alertPath('nope', 'ack'), looper);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: string }).error).toMatch(/Too many acknowledgements and snoozes at once; try again in \d+ s/);
    // Each attempt is audited, or counted with the next line the audit throttle lets through.
    stack.app.audit.flushSuppressed();
    const lines = (await stack.app.audit.tail(500)).filter((e) => e.who === 'looper');
    const summary = (e: { message: string }) => /similar refusals? suppressed/.test(e.message);
    expect(lines.reduce((n, e) => n + (summary(e) ? 0 : 1) + (e.unwritten ?? 0), 0)).toBe(limit + 2);
    expect((await post(alertPath('nope', 'ack'), cookies.lead)).status).toBe(404);
  });
});

/**
 * /api/alert-rules, /api/webhooks and /api/deliveries on the running server
 * over real HTTP: who may read and write, a scoped supervisor's view, the
 * webhook as a browser sees it (never the URL or the secret), bad input a
 * clear error, every change and refusal audited without a URL or a secret,
 * the write rate limit, and "send a test alert" reaching a loopback receiver.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRule, Delivery, WebhookConfig, WebhookView } from '../../lib/alerts/model';
import type { DeliveryDesk } from '../../server/alerts/ports';
import { HISTORY_OFF, WRITES_PER_MINUTE } from '../../server/http/alert-routes';
import { json, login, startStack, type Stack } from '../server/harness';

/**
 * TEST-ONLY SEAM: a DeliveryDesk that really POSTs each test event to its
 * webhook's URL (here the loopback receiver below) and keeps what happened.
 * The real one is the delivery helper's dispatcher (server/webhooks/).
 */
class LoopbackDesk implements DeliveryDesk {
  readonly log: Delivery[] = [];
  async test(webhook: WebhookConfig, event: AlertEvent): Promise<Delivery> {
    const started = Date.now();
    let status = 0;
    let answer: string;
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      status = res.status;
      answer = (await res.text()).slice(0, 200);
    } catch (err) {
      answer = err instanceof Error ? err.message : String(err);
    }
    const delivery: Delivery = {
      id: String(this.log.length + 1),
      webhook: webhook.id,
      event: event.type,
      subject: event.alert.subject,
      at: started,
      attempt: 1,
      status,
      answer,
      ms: Date.now() - started,
      outcome: status >= 200 && status < 300 ? 'sent' : 'failed',
    };
    this.log.unshift(delivery);
    return delivery;
  }
  recent(options: { webhook?: string; limit: number }): Promise<Delivery[]> {
    return Promise.resolve(this.log.filter((d) => options.webhook === undefined || d.webhook === options.webhook).slice(0, options.limit));
  }
}

/** What the loopback receiver was sent, in order. */
const received: { path: string; body: unknown }[] = [];
let receiver: http.Server;
let receiverUrl = '';
// Path and query of the receiver's URL are the secret part, as with Slack's.
const HOOK_PATH = '/services/T0123/B0456/Sup3rSecretTailXyZ1';
const SECRET = 'hmac-secret-value';

let stack: Stack;
const desk = new LoopbackDesk();
const cookies = { admin: '', lead: '', boss: '' };
const tokens = { viewer: '', supervisor: '' };

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok, got it');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${HOOK_PATH}`;
  stack = await startStack({ app: { deliveryDesk: desk } });
  await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
  stack.app.auth.store.updateUser('lead', { queues: ['sales'] });
  await stack.app.auth.store.addUser('boss', 'admin', 'boss-password');
  cookies.admin = await login(stack.url, 'admin', 'admin');
  cookies.lead = await login(stack.url, 'lead', 'lead-password');
  cookies.boss = await login(stack.url, 'boss', 'boss-password');
  tokens.viewer = stack.app.auth.store.createToken('reader', 'viewer').token;
  tokens.supervisor = stack.app.auth.store.createToken('screen', 'supervisor').token;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

type Who = { cookie?: string; token?: string; origin?: string };
function call(method: string, p: string, who: Who = {}, body?: unknown): Promise<Response> {
  return fetch(`${stack.url}${p}`, {
    method,
    headers: {
      ...(who.cookie ? { cookie: who.cookie } : {}),
      ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
      ...(who.origin ? { origin: who.origin } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const asAdmin = () => ({ cookie: cookies.admin });

async function expectError(res: Response, status: number, code: string, message?: string | RegExp): Promise<string> {
  expect(res.status).toBe(status);
  const body = await json(res);
  expect(body).toMatchObject({ code });
  expect(Object.keys(body).sort()).toEqual(['code', 'error']);
  if (message !== undefined) expect(body.error).toMatch(message);
  return body.error as string;
}

const auditText = () => fs.readFileSync(path.join(stack.dataDir, 'audit.jsonl'), 'utf8');
const auditEntries = () =>
  auditText()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; who: string; result: string; params: Record<string, unknown>; message: string });

let hook: WebhookView;
let salesRule: AlertRule;
let supportRule: AlertRule;
let globalRule: AlertRule;

describe('webhooks', () => {
  it('an admin creates one; the answer shows the host and a hint, never the URL or the secret', async () => {
    const res = await call('POST', '/api/webhooks', asAdmin(), {
      name: 'Ops channel',
      url: receiverUrl,
      format: 'slack',
      secret: SECRET,
    });
    expect(res.status).toBe(201);
    hook = (await res.json()) as WebhookView;
    const origin = new URL(receiverUrl).origin;
    expect(hook).toMatchObject({ name: 'Ops channel', format: 'slack', events: ['alerts'], hasSecret: true, urlShown: `${origin}/…XyZ1` });
    expect(JSON.stringify(hook)).not.toMatch(/Sup3rSecret|hmac-secret|"url"|"secret"/);
    const list = (await json(await call('GET', '/api/webhooks', asAdmin()))).webhooks as WebhookView[];
    expect(list).toEqual([hook]);
    expect(JSON.stringify(list)).not.toMatch(/Sup3rSecret|hmac-secret/);
  });

  it('an update leaves the URL and the secret alone unless sent; null removes the secret', async () => {
    const renamed = (await json(await call('PUT', `/api/webhooks/${hook.id}`, asAdmin(), { name: 'Ops' }))) as unknown as WebhookView;
    expect(renamed).toMatchObject({ name: 'Ops', urlShown: hook.urlShown, hasSecret: true });
    expect(stack.app.alertConfig!.webhook(hook.id)).toMatchObject({ url: receiverUrl, secret: SECRET });
    const noSecret = (await json(await call('PUT', `/api/webhooks/${hook.id}`, asAdmin(), { secret: null }))) as unknown as WebhookView;
    expect(noSecret.hasSecret).toBe(false);
    await call('PUT', `/api/webhooks/${hook.id}`, asAdmin(), { secret: SECRET });
    expect(stack.app.alertConfig!.webhook(hook.id)?.secret).toBe(SECRET);
  });

  it('is an admin’s only: a supervisor, a viewer and nobody are refused', async () => {
    await expectError(await call('GET', '/api/webhooks', { cookie: cookies.lead }), 403, 'forbidden', /admin/);
    await expectError(await call('GET', '/api/webhooks', { token: tokens.viewer }), 403, 'forbidden');
    await expectError(await call('GET', '/api/webhooks'), 401, 'unauthenticated');
    await expectError(await call('POST', '/api/webhooks', { cookie: cookies.lead }, { name: 'x', url: receiverUrl }), 403, 'forbidden');
    await expectError(await call('DELETE', `/api/webhooks/${hook.id}`, { token: tokens.supervisor }), 403, 'forbidden');
    await expectError(await call('GET', '/api/deliveries', { cookie: cookies.lead }), 403, 'forbidden');
  });

  it('refuses bad input with the field named', async () => {
    await expectError(
      await call('POST', '/api/webhooks', asAdmin(), { name: 'Files', url: 'file:///etc/passwd' }),
      400,
      'invalid',
      /^url: /,
    );
    await expectError(await call('POST', '/api/webhooks', asAdmin(), { name: 'No URL' }), 400, 'invalid', 'url: Give the URL to post to');
    await expectError(
      await call('POST', '/api/webhooks', asAdmin(), { name: 'x', url: receiverUrl, format: 'xml' }),
      400,
      'invalid',
      /^format: /,
    );
    await expectError(await call('POST', '/api/webhooks', asAdmin(), '{"name":'), 400, 'invalid', 'Body is not valid JSON');
    await expectError(await call('PUT', '/api/webhooks/__proto__', asAdmin(), { name: 'x' }), 404, 'not-found');
  });
});

describe('rules', () => {
  it('an admin creates rules, per queue and global, delivering to the webhook', async () => {
    const made = async (body: unknown) => {
      const res = await call('POST', '/api/alert-rules', asAdmin(), body);
      expect(res.status).toBe(201);
      return (await res.json()) as AlertRule;
    };
    salesRule = await made({
      name: 'Sales waiting',
      kind: 'waiting',
      severity: 'warning',
      queue: 'sales',
      threshold: 3,
      webhooks: [hook.id],
    });
    supportRule = await made({ name: 'Support SLA', kind: 'sla', severity: 'critical', queue: 'support', threshold: 80, clearAt: 85 });
    globalRule = await made({ name: 'PBX link', kind: 'link', severity: 'critical', threshold: 30 });
    expect(salesRule).toMatchObject({ queue: 'sales', webhooks: [hook.id], updatedBy: 'admin', enabled: true });
    const all = (await json(await call('GET', '/api/alert-rules', asAdmin()))).rules as AlertRule[];
    expect(all.map((r) => r.name)).toEqual(['Sales waiting', 'Support SLA', 'PBX link']);
  });

  it('a supervisor reads them; one limited to sales sees sales and the global ones; a viewer none', async () => {
    const supervisor = (await json(await call('GET', '/api/alert-rules', { token: tokens.supervisor }))).rules as AlertRule[];
    expect(supervisor.map((r) => r.id)).toEqual([salesRule.id, supportRule.id, globalRule.id]);
    const lead = (await json(await call('GET', '/api/alert-rules', { cookie: cookies.lead }))).rules as AlertRule[];
    expect(lead.map((r) => r.id)).toEqual([salesRule.id, globalRule.id]);
    await expectError(await call('GET', '/api/alert-rules', { token: tokens.viewer }), 403, 'forbidden');
    await expectError(await call('POST', '/api/alert-rules', { cookie: cookies.lead }, { name: 'x' }), 403, 'forbidden', /admin/);
    await expectError(
      await call('PUT', `/api/alert-rules/${salesRule.id}`, { cookie: cookies.lead }, { enabled: false }),
      403,
      'forbidden',
    );
  });

  it('refuses bad input: a 1 MB name, CR/LF, an SLA of 150, an unknown webhook, `__proto__`', async () => {
    const base = { kind: 'waiting', severity: 'info', threshold: 1 };
    await expectError(await call('POST', '/api/alert-rules', asAdmin(), { ...base, name: 'x'.repeat(1 << 20) }), 413, 'too-large');
    await expectError(
      await call('POST', '/api/alert-rules', asAdmin(), { ...base, name: 'a\r\nb' }),
      400,
      'invalid',
      'name: A name has no control characters',
    );
    await expectError(
      await call('POST', '/api/alert-rules', asAdmin(), { ...base, name: 'SLA', kind: 'sla', threshold: 150 }),
      400,
      'invalid',
      'threshold: An SLA is 0 to 100 %',
    );
    await expectError(
      await call('POST', '/api/alert-rules', asAdmin(), { ...base, name: 'n', webhooks: ['gone'] }),
      400,
      'invalid',
      'webhooks: There is no webhook gone',
    );
    await expectError(
      await call(
        'POST',
        '/api/alert-rules',
        asAdmin(),
        `{"__proto__":{"x":1},"name":"p","kind":"waiting","severity":"info","threshold":1}`,
      ),
      400,
      'invalid',
      /Unknown field __proto__/,
    );
    await expectError(await call('PUT', '/api/alert-rules/__proto__', asAdmin(), { enabled: false }), 404, 'not-found');
    await expectError(await call('DELETE', '/api/alert-rules/%E0%A4%A', asAdmin()), 400, 'invalid', /percent-encoding/);
    await expectError(await call('PATCH', `/api/alert-rules/${salesRule.id}`, asAdmin()), 405, 'method-not-allowed');
  });

  it('a cross-site change is refused, and audited', async () => {
    await expectError(
      await call('PUT', `/api/alert-rules/${salesRule.id}`, { ...asAdmin(), origin: 'https://evil.example' }, { enabled: false }),
      403,
      'forbidden',
      /Cross-origin/,
    );
    expect(stack.app.alertConfig!.rule(salesRule.id)?.enabled).toBe(true);
  });

  it('disable and enable are their own audited changes', async () => {
    const off = (await json(await call('PUT', `/api/alert-rules/${salesRule.id}`, asAdmin(), { enabled: false }))) as unknown as AlertRule;
    expect(off).toMatchObject({ enabled: false, name: 'Sales waiting', threshold: 3 });
    await call('PUT', `/api/alert-rules/${salesRule.id}`, asAdmin(), { enabled: true });
    const actions = auditEntries()
      .filter((e) => e.params.id === salesRule.id)
      .map((e) => `${e.action} ${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['alert-rule-disable ok', 'alert-rule-enable ok']));
    // The cross-site attempt of the test before, refused before anything changed.
    expect(actions.some((a) => /^alert-rule-(update|disable) forbidden$/.test(a))).toBe(true);
  });

  it('a webhook a rule delivers to is not deleted; the answer names the rule', async () => {
    await expectError(await call('DELETE', `/api/webhooks/${hook.id}`, asAdmin()), 409, 'invalid', /"Sales waiting".*take it out/);
  });
});

describe('send a test alert, and the delivery log', () => {
  it('a rule’s test reaches the loopback receiver as alert.test and answers with the delivery', async () => {
    const before = received.length;
    const res = await call('POST', `/api/alert-rules/${salesRule.id}/test`, asAdmin());
    expect(res.status).toBe(200);
    const { deliveries } = (await res.json()) as { deliveries: Delivery[] };
    expect(deliveries).toMatchObject([{ webhook: hook.id, event: 'alert.test', status: 200, answer: 'ok, got it', outcome: 'sent' }]);
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)).toMatchObject({
      path: HOOK_PATH,
      body: { type: 'alert.test', pbx: 'demo', by: 'admin', alert: { ruleId: salesRule.id, queue: 'sales', value: 4, threshold: 3 } },
    });
  });

  it('a webhook’s own test, and a rule with no webhook', async () => {
    const res = await call('POST', `/api/webhooks/${hook.id}/test`, asAdmin());
    expect(((await res.json()) as { deliveries: Delivery[] }).deliveries).toMatchObject([{ status: 200, outcome: 'sent' }]);
    expect(received.at(-1)?.body).toMatchObject({ type: 'alert.test', rule: { name: 'Test alert from Callboard' } });
    await expectError(await call('POST', `/api/alert-rules/${globalRule.id}/test`, asAdmin()), 400, 'invalid', /delivers to no webhook/);
    await expectError(await call('POST', `/api/alert-rules/${salesRule.id}/test`, { cookie: cookies.lead }), 403, 'forbidden');
  });

  it('the delivery log lists them, newest first, per webhook or all', async () => {
    const all = (await json(await call('GET', '/api/deliveries?limit=1', asAdmin()))).deliveries as Delivery[];
    expect(all).toHaveLength(1);
    const mine = (await json(await call('GET', `/api/webhooks/${hook.id}/deliveries`, asAdmin()))).deliveries as Delivery[];
    expect(mine.map((d) => d.webhook)).toEqual([hook.id, hook.id]);
    await expectError(await call('GET', '/api/deliveries?limit=5000', asAdmin()), 400, 'invalid', 'limit is at most 500');
    await expectError(await call('GET', '/api/deliveries?since=1', asAdmin()), 400, 'invalid', /Unknown parameter since/);
    await expectError(await call('GET', '/api/webhooks/nope/deliveries', asAdmin()), 404, 'not-found');
  });
});

describe('the audit log', () => {
  it('has every change and refusal, and never a URL or a secret', async () => {
    await call('DELETE', `/api/alert-rules/${supportRule.id}`, asAdmin());
    const entries = auditEntries();
    const actions = new Set(entries.map((e) => `${e.action} ${e.result}`));
    for (const a of [
      'webhook-create ok',
      'webhook-update ok',
      'webhook-create invalid',
      'webhook-create forbidden',
      'alert-rule-create ok',
      'alert-rule-create invalid',
      'alert-rule-delete ok',
      'alert-rule-test ok',
      'webhook-test ok',
      'webhook-delete invalid',
    ])
      expect(actions).toContain(a);
    const text = auditText();
    expect(text).not.toContain('Sup3rSecret');
    expect(text).not.toContain(SECRET);
    expect(entries.find((e) => e.action === 'webhook-create' && e.result === 'ok')?.params).toMatchObject({
      url: hook.urlShown,
      secret: 'set',
      name: 'Ops channel',
    });
    expect(entries.find((e) => e.action === 'alert-rule-delete' && e.result === 'ok')?.params).toMatchObject({
      id: supportRule.id,
      name: 'Support SLA',
    });
  });
});

describe('rate limit', () => {
  it(`lets one admin make ${WRITES_PER_MINUTE} changes a minute, then says when to retry`, async () => {
    const boss = { cookie: cookies.boss };
    for (let i = 0; i < WRITES_PER_MINUTE; i++)
      expect((await call('PUT', `/api/alert-rules/${globalRule.id}`, boss, { threshold: 30 + i })).status).toBe(200);
    const res = await call('PUT', `/api/alert-rules/${globalRule.id}`, boss, { threshold: 99 });
    await expectError(res, 429, 'rate-limited', /try again in \d+ s/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another admin is not held back.
    expect((await call('PUT', `/api/alert-rules/${globalRule.id}`, asAdmin(), { threshold: 45 })).status).toBe(200);
  });
});

describe('with CALLBOARD_HISTORY=off', () => {
  let off: Stack;
  beforeAll(async () => {
    off = await startStack({ env: { CALLBOARD_HISTORY: 'off' } });
  }, 60_000);
  afterAll(async () => {
    await off?.close();
  });

  it('every route answers 503 and says why', async () => {
    const cookie = await login(off.url, 'admin', 'admin');
    expect(off.app.alertConfig).toBeNull();
    for (const [method, p] of [
      ['GET', '/api/alert-rules'],
      ['POST', '/api/alert-rules'],
      ['GET', '/api/webhooks'],
      ['DELETE', '/api/webhooks/x'],
      ['GET', '/api/deliveries'],
    ]) {
      const res = await fetch(`${off.url}${p}`, {
        method,
        headers: { cookie, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(res.status, `${method} ${p}`).toBe(503);
      expect(await res.json()).toEqual({ error: HISTORY_OFF, code: 'unavailable' });
    }
  });
});

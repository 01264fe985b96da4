/**
 * Alerting screenshots against a running demo server (see scripts/screenshots.ts):
 * the board with alerts up and the support queue's card coloured (alerts.png, and
 * alerts-phone.png on a phone in the dark), the alerts admin page (admin-alerts.png),
 * the user menu's "Alerts and integrations" (preferences.png) and /call (call.png).
 *
 * The alerts are real: rules made over REST, every member of `support` paused, a
 * caller put into support. A webhook to a receiver on loopback takes the rules'
 * deliveries, so the delivery log shows real answers. Everything is undone at the end.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIRequestContext, APIResponse, Browser, BrowserContext } from '@playwright/test';
import type { Snapshot } from '../lib/protocol';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const QUEUE = 'support';
/** The demo routes internal 55X to support. */
const SUPPORT_EXTEN = '555';

async function ok(what: string, answer: Promise<APIResponse>): Promise<APIResponse> {
  const res = await answer;
  if (!res.ok()) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
  return res;
}

async function session(browser: Browser, base: string, user: string): Promise<StorageState> {
  const context = await browser.newContext({ baseURL: base });
  await ok(`login as ${user}`, context.request.post('/api/login', { data: { username: user, password: user } }));
  const state = await context.storageState();
  await context.close();
  return state;
}

async function snapshot(request: APIRequestContext): Promise<Snapshot> {
  return (await (await ok('snapshot', request.get('/api/snapshot'))).json()) as Snapshot;
}

export async function alertShots(browser: Browser, base: string, out: string): Promise<void> {
  const origin = { origin: base };
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/ops`;

  const adminState = await session(browser, base, 'admin');
  const supervisorState = await session(browser, base, 'supervisor');
  const admin = await browser.newContext({ baseURL: base, storageState: adminState });
  const api = admin.request;
  const ruleIds: string[] = [];
  let hookId = '';
  const before = await snapshot(api);
  const members = Object.values(before.state.members)
    .filter((m) => m.queue === QUEUE)
    .map((m) => m.interface);
  const phone = ['101', '102', '103', '104', '105', '106'].find((p) => before.state.devices[`PJSIP/${p}`]?.state === 'NOT_INUSE') ?? '101';
  try {
    const hook = await ok(
      'webhook',
      api.post('/api/webhooks', {
        headers: origin,
        data: { name: 'Ops receiver', url: hookUrl, format: 'json', secret: 'shots-secret-123' },
      }),
    );
    hookId = ((await hook.json()) as { id: string }).id;
    for (const rule of [
      { name: 'Long wait in support', kind: 'longest-wait', severity: 'critical', queue: QUEUE, threshold: 5, webhooks: [hookId] },
      { name: 'Nobody free in support', kind: 'no-free-agent', severity: 'warning', queue: QUEUE, threshold: 1, webhooks: [hookId] },
      { name: 'Paused over 15 min', kind: 'paused', severity: 'warning', threshold: 15, forSeconds: 0 },
      { name: 'Call over 20 min', kind: 'long-call', severity: 'info', threshold: 20, enabled: false },
    ]) {
      const res = await ok(`rule ${rule.name}`, api.post('/api/alert-rules', { headers: origin, data: rule }));
      ruleIds.push(((await res.json()) as { id: string }).id);
    }
    for (const iface of members)
      await ok(`pause ${iface}`, api.post('/api/pause', { headers: origin, data: { interface: iface, queue: QUEUE, paused: true } }));
    await ok('caller into support', api.post('/api/originate', { headers: origin, data: { from: phone, to: SUPPORT_EXTEN } }));

    // The board, as a supervisor: both support alerts up, the one acknowledged by the admin.
    const board = await browser.newContext({
      baseURL: base,
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
      storageState: supervisorState,
    });
    await board.addInitScript(() => localStorage.setItem('callboard-theme', 'light'));
    const page = await board.newPage();
    await page.goto('/');
    await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
    await page.locator(`[data-testid="alert"][data-alert-id="${ruleIds[0]}|${QUEUE}"]`).waitFor({ timeout: 40_000 });
    await page.locator(`[data-testid="alert"][data-alert-id="${ruleIds[1]}|${QUEUE}"]`).waitFor({ timeout: 40_000 });
    await ok(
      'acknowledge',
      api.post(`/api/pbx/${encodeURIComponent(before.pbx)}/alerts/${encodeURIComponent(`${ruleIds[1]}|${QUEUE}`)}/ack`, {
        headers: origin,
        data: {},
      }),
    );
    await page.getByTestId('alert-acked').first().waitFor();
    const card = page.locator(`[data-testid="queue-card"][data-queue="${QUEUE}"][data-alert="critical"]`);
    await card.waitFor();
    // The queues column scrolls on its own at this height: bring the whole card, ring and name, into it.
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(1100); // the durations tick once
    await page.screenshot({ path: path.join(out, 'alerts.png') });

    // The user's own settings, with a screen-pop template filled in.
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Alerts and integrations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Alerts and integrations' });
    await dialog.waitFor();
    const template = dialog.getByLabel('Screen-pop URL', { exact: true });
    await template.fill('https://crm.example/lookup?phone={callerNum}&queue={queue}');
    await template.press('Home'); // the template's start, where its host is
    await page.screenshot({ path: path.join(out, 'preferences.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');

    await page.goto('/call?to=201');
    await page.getByRole('button', { name: /Call from/ }).waitFor();
    await page.screenshot({ path: path.join(out, 'call.png') });
    await board.close();

    // On a phone in the dark: the banner must not push the board away.
    const phoneContext = await browser.newContext({
      baseURL: base,
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
      storageState: supervisorState,
    });
    await phoneContext.addInitScript(() => localStorage.setItem('callboard-theme', 'dark'));
    const phonePage = await phoneContext.newPage();
    await phonePage.goto('/');
    await phonePage.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
    await phonePage.getByTestId('alert').first().waitFor();
    await phonePage.waitForTimeout(1100);
    await phonePage.screenshot({ path: path.join(out, 'alerts-phone.png') });
    await phoneContext.close();

    // The admin page, after a test alert to the receiver.
    const adminPage = await browser.newContext({
      baseURL: base,
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
      storageState: adminState,
    });
    await adminPage.addInitScript(() => localStorage.setItem('callboard-theme', 'light'));
    const ap = await adminPage.newPage();
    await ap.goto('/admin/alerts');
    const ruleRow = ap.getByTestId('rule-Long wait in support');
    await ruleRow.getByRole('button', { name: 'Send a test alert' }).click();
    await ruleRow.getByRole('status').filter({ hasText: 'Sent' }).waitFor();
    await ap.getByTestId('delivery-log').getByText('alert.test').first().waitFor();
    await ap.screenshot({ path: path.join(out, 'admin-alerts.png'), fullPage: true });
    await adminPage.close();
  } finally {
    const now = await snapshot(api);
    for (const ch of Object.values(now.state.channels).filter((c) => c.name.startsWith(`PJSIP/${phone}-`)))
      await api.post(`/api/channels/${encodeURIComponent(ch.name)}/hangup`, { headers: origin });
    for (const iface of members) await api.post('/api/pause', { headers: origin, data: { interface: iface, queue: QUEUE, paused: false } });
    for (const id of ruleIds) await api.delete(`/api/alert-rules/${id}`, { headers: origin });
    if (hookId) await api.delete(`/api/webhooks/${hookId}`, { headers: origin });
    await admin.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
}

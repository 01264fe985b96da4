/**
 * An admin sets up alerting in the browser: a webhook to a receiver this
 * spec runs on loopback, a rule delivering to it, "Send a test alert", and
 * the delivery in the log. Run with E2E_PORT=3162. Needs the webhook
 * dispatcher wired into the server (server/webhooks/); without it the test
 * button answers that delivery is not running.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { seriousViolations } from './axe';
import { E2E_PORT } from './env';
import { loggedIn } from './helpers';

const received: { path: string; body: { type?: string; alert?: { ruleName?: string } } }[] = [];
let receiver: http.Server;
let hookUrl = '';
// The data directory outlives a run: names of this run's own, so a second run finds only its own rows.
const tag = Date.now().toString(36);
const HOOK = `E2E receiver ${tag}`;
const RULE = `E2E long wait ${tag}`;

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: (typeof received)[number]['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        // a Slack or Teams body is JSON too; anything else is still counted
      }
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received by the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/e2e-secret-path-AbCd`;
});
test.afterAll(async ({ browser }) => {
  await new Promise((resolve) => receiver?.close(resolve));
  // The data directory outlives the run and later specs share the server: this run's rule and webhook go.
  const context = await loggedIn(browser, 'admin');
  const headers = { origin: `http://127.0.0.1:${E2E_PORT}` };
  const { rules } = (await (await context.request.get('/api/alert-rules')).json()) as { rules: { id: string; name: string }[] };
  for (const r of rules.filter((x) => x.name === RULE)) await context.request.delete(`/api/alert-rules/${r.id}`, { headers });
  const { webhooks } = (await (await context.request.get('/api/webhooks')).json()) as { webhooks: { id: string; name: string }[] };
  for (const w of webhooks.filter((x) => x.name === HOOK)) await context.request.delete(`/api/webhooks/${w.id}`, { headers });
  await context.close();
});

test('an admin creates a webhook and a rule, sends a test alert and sees it delivered', async ({ browser }) => {
  const context = await loggedIn(browser, 'admin');
  const page = await context.newPage();
  await page.goto('/admin/alerts');
  await expect(page.getByRole('heading', { name: 'Alerts and webhooks' })).toBeVisible();

  // The webhook.
  await page.getByRole('button', { name: 'New webhook' }).click();
  const hookForm = page.getByRole('form', { name: 'New webhook' });
  await hookForm.getByLabel('Name', { exact: true }).fill(HOOK);
  // A bad URL first: the server's message shows beside the field.
  await hookForm.getByLabel('URL', { exact: true }).fill('ftp://example.org/x');
  await hookForm.getByRole('button', { name: 'Create webhook' }).click();
  await expect(hookForm.getByText('Only http:// and https:// URLs')).toBeVisible();
  await hookForm.getByLabel('URL', { exact: true }).fill(hookUrl);
  await hookForm.getByRole('button', { name: 'Create webhook' }).click();
  const hookRow = page.getByTestId(`webhook-${HOOK}`);
  await expect(hookRow).toBeVisible();
  // Only the host and a hint: never the whole URL.
  await expect(hookRow).toContainText(`${new URL(hookUrl).origin}/…AbCd`);
  await expect(page.locator('body')).not.toContainText('e2e-secret-path');

  // The rule, with its unit beside the threshold.
  await page.getByRole('button', { name: 'New rule' }).click();
  const ruleForm = page.getByRole('form', { name: 'New rule' });
  await ruleForm.getByLabel('Name', { exact: true }).fill(RULE);
  await ruleForm.getByLabel('What it watches', { exact: true }).selectOption('sla');
  await expect(ruleForm.getByTestId('threshold-unit')).toHaveText('%');
  await ruleForm.getByLabel('Threshold', { exact: true }).fill('150');
  await ruleForm.getByRole('button', { name: 'Create rule' }).click();
  await expect(ruleForm.getByText('An SLA is 0 to 100 %')).toBeVisible();
  await ruleForm.getByLabel('What it watches', { exact: true }).selectOption('longest-wait');
  await expect(ruleForm.getByTestId('threshold-unit')).toHaveText('s');
  await ruleForm.getByLabel('Threshold', { exact: true }).fill('120');
  await ruleForm.getByLabel(HOOK, { exact: true }).check();
  await ruleForm.getByRole('button', { name: 'Create rule' }).click();
  const ruleRow = page.getByTestId(`rule-${RULE}`);
  await expect(ruleRow).toContainText('Longest wait ≥ 120 s in every queue');

  // The test alert reaches the receiver, and the log shows it.
  await ruleRow.getByRole('button', { name: 'Send a test alert' }).click();
  await expect(ruleRow.getByRole('status')).toContainText('Sent: 200');
  expect(received.at(-1)).toMatchObject({ path: '/hooks/e2e-secret-path-AbCd' });
  const log = page.getByTestId('delivery-log');
  await expect(log).toContainText(HOOK);
  await expect(log).toContainText('alert.test');
  await expect(log).toContainText('sent');
  expect(await seriousViolations(page), '/admin/alerts light, desktop').toEqual([]);
  await page.screenshot({ path: test.info().outputPath('admin-alerts.png'), fullPage: true });
  await context.close();
});

test('a supervisor is sent back from the alerts page to the board', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/admin/alerts');
  await expect(page).toHaveURL(/\/$/);
  await context.close();
});

test('the alerts page fits a phone, in the dark theme too, without scrolling sideways', async ({ browser }) => {
  const stored = await loggedIn(browser, 'admin');
  const state = await stored.storageState();
  await stored.close();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', storageState: state });
  const page = await context.newPage();
  await page.goto('/admin/alerts');
  await page.getByRole('button', { name: 'New rule' }).click();
  await expect(page.getByRole('form', { name: 'New rule' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page), '/admin/alerts dark, phone').toEqual([]);
  await page.screenshot({ path: test.info().outputPath('admin-alerts-phone-dark.png'), fullPage: true });
  await context.close();
});

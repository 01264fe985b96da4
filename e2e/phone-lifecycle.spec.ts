/**
 * One phone's day on the switchboard, driven from the PBX's side: a demo PBX
 * started here (no traffic, no churn) whose phone 107 unregisters, registers
 * again, is called from the supervisor's own phone by a click on its tile,
 * and is free once that call is hung up. The page must follow each step.
 * Then the system page: Asterisk's versions and a ticking uptime, and a
 * Reload sent to the PBX on an AMI session of the test's own moves the
 * last reload.
 */
import { test, expect, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoPbx } from '../server/demo-pbx/index';
import { UserStore } from '../server/auth/user-store';
import { TestAmi } from '../test/demo-pbx/ami-test-client';
import { E2E_PORT } from './env';
import { startPrivateServer, stopPrivateServer, waitAllLive } from './private-server';

type DemoPbx = Awaited<ReturnType<typeof startDemoPbx>>;

const port = E2E_PORT + 3;
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-phones-'));
const PASSWORD = 'phones-e2e-password';

let pbx: DemoPbx;
let server: ChildProcess | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  pbx = await startDemoPbx({ port: 0, seed: 11, traffic: { enabled: false }, registrations: { enabled: false } });
  const users = new UserStore(dataDir);
  await users.addUser('lead', 'supervisor', PASSWORD);
  users.updateUser('lead', { extension: '116' });
  server = startPrivateServer(port, {
    CALLBOARD_DATA: dataDir,
    AMI_HOST: pbx.host,
    AMI_PORT: String(pbx.port),
    AMI_USERNAME: pbx.users[0].username,
    AMI_SECRET: pbx.users[0].secret,
    ORIGINATE_CONTEXT: 'internal',
  });
  await waitAllLive(baseURL);
});

test.afterAll(async () => {
  await stopPrivateServer(server);
  await pbx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tile = (page: Page, exten: string) => page.locator(`[data-testid="phone-tile"][data-endpoint="PJSIP/${exten}"]`);

test('a phone goes from not registered to free, to in use when called from the tile, and back to free', async ({ page }) => {
  test.setTimeout(90_000);
  const res = await page.request.post(`${baseURL}/api/login`, { data: { username: 'lead', password: PASSWORD } });
  expect(res.status()).toBe(200);
  await page.goto(`${baseURL}/phones`);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  const phone = tile(page, '107');
  await expect(phone).toHaveAttribute('data-presence', 'free');

  expect(pbx.phones.unregister('107')).toBe(true);
  await expect(phone).toHaveAttribute('data-presence', 'unregistered');
  await expect(phone.getByTestId('phone-presence')).toHaveText('Not registered');
  await expect(phone.getByTestId('phone-registration')).toHaveText('No contact');
  // The filter finds it among the phones that are not registered, and only it.
  await page.getByTestId('phone-filter-unregistered').click();
  await expect(page.getByTestId('phone-tile')).toHaveCount(1);
  await page.getByTestId('phone-filter-all').click();

  expect(pbx.phones.register('107')).toBe(true);
  await expect(phone).toHaveAttribute('data-presence', 'free');
  await expect(phone.getByTestId('phone-registration')).toContainText('10.0.1.7:5060');

  // Under the pointer the tiles keep their places: a phone that leaves the filter stays, showing its new state,
  // so a click meant for it never lands on its neighbour; it goes once the pointer leaves the grid.
  await page.getByTestId('phone-filter-free').click();
  await phone.hover();
  expect(pbx.phones.unregister('107')).toBe(true);
  await expect(phone).toHaveAttribute('data-presence', 'unregistered');
  await page.getByTestId('phone-search').hover();
  await expect(phone).toHaveCount(0);
  expect(pbx.phones.register('107')).toBe(true);
  await page.getByTestId('phone-filter-all').click();
  await expect(phone).toHaveAttribute('data-presence', 'free');

  // Search narrows the grid to it; the call button rings the supervisor's own phone (116) first, then 107.
  await page.getByTestId('phone-search').fill('107');
  await expect(page.getByTestId('phone-tile')).toHaveCount(1);
  await expect(tile(page, '116')).toHaveCount(0);
  await phone.getByTestId('phone-call').click();
  await expect(page.getByText('Call to 107 placed')).toBeVisible({ timeout: 30_000 });
  await expect(phone).toHaveAttribute('data-presence', 'in-use', { timeout: 30_000 });
  await expect(phone.getByTestId('phone-call-party')).toContainText('116');
  // The supervisor's own phone has no call button on its tile.
  await page.getByTestId('phone-search').fill('116');
  await expect(tile(page, '116')).toHaveAttribute('data-presence', 'in-use');
  await expect(tile(page, '116').getByTestId('phone-call')).toHaveCount(0);

  // Hang the call up on the calls page; the phone is free again.
  await page.getByRole('link', { name: 'Calls' }).click();
  const row = page.getByTestId('call-row').filter({ hasText: '107' });
  await row.getByRole('button', { name: /Hang up/ }).click();
  await page.getByRole('dialog', { name: 'Hang up this call?' }).getByRole('button', { name: 'Hang up' }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole('link', { name: 'Phones' }).click();
  await expect(tile(page, '107')).toHaveAttribute('data-presence', 'free');
  await page.screenshot({ path: 'test-results/phones-after-call.png' });
});

test("the system page shows Asterisk's versions, a ticking uptime, and a Reload moves the last reload", async ({ page }) => {
  const res = await page.request.post(`${baseURL}/api/login`, { data: { username: 'lead', password: PASSWORD } });
  expect(res.status()).toBe(200);
  await page.goto(`${baseURL}/system`);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('system-version')).toHaveText('22.8.2');
  await expect(page.getByTestId('system-ami-version')).toHaveText('11.0.0');
  await expect(page.getByTestId('system-max-calls')).toHaveText('5,000');
  const uptime = page.getByTestId('system-uptime');
  const first = await uptime.innerText();
  await expect(uptime).not.toHaveText(first);
  const reload = page.getByTestId('system-reload');
  const before = await reload.innerText();

  const ami = await TestAmi.login(pbx.port, pbx.users[0].username, pbx.users[0].secret);
  try {
    expect((await ami.send({ Action: 'Reload' })).fields.Message).toBe('Module Reloaded');
  } finally {
    ami.close();
  }
  // The reload is seconds old now; the uptime is not.
  await expect(reload).not.toHaveText(before);
  await expect(reload).toHaveText(/^0:0\d/);
  await expect(uptime).not.toHaveText(/^0:0\d/);
  await page.screenshot({ path: 'test-results/system-after-reload.png' });
});

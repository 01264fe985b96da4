/**
 * Two PBXs side by side: a private server whose CALLBOARD_CONFIG lists two
 * demo PBXs started here (different seeds), so this test can kill one of
 * them. The "All" view mixes both; the switcher narrows to one; killing one
 * PBX dims only its rows, cards and badge, and the other stays live.
 */
import { test, expect, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoPbx } from '../server/demo-pbx/index';
import { UserStore } from '../server/auth/user-store';
import { E2E_PORT } from './env';
import { startPrivateServer, stopPrivateServer, waitAllLive } from './private-server';

type DemoPbx = Awaited<ReturnType<typeof startDemoPbx>>;

const port = E2E_PORT + 2;
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-two-pbxs-'));
const PASSWORD = 'two-pbxs-e2e-password';

let east: DemoPbx;
let west: DemoPbx | null;
let server: ChildProcess | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  [east, west] = await Promise.all([
    startDemoPbx({ port: 0, seed: 3, warmup: { minutes: 30 } }),
    startDemoPbx({ port: 0, seed: 5, warmup: { minutes: 30 } }),
  ]);
  const entry = (id: string, label: string, pbx: DemoPbx) => ({
    id,
    label,
    host: pbx.host,
    port: pbx.port,
    username: pbx.users[0].username,
    secret: pbx.users[0].secret,
    originate: { context: 'internal' },
  });
  const config = path.join(dataDir, 'callboard.config.json');
  fs.writeFileSync(config, JSON.stringify({ pbxs: [entry('east', 'East office', east), entry('west', 'West office', west)] }));
  const users = new UserStore(dataDir);
  await users.addUser('sup', 'supervisor', PASSWORD);
  server = startPrivateServer(port, { CALLBOARD_DATA: dataDir, CALLBOARD_CONFIG: config });
  await waitAllLive(baseURL);
});

test.afterAll(async () => {
  await stopPrivateServer(server);
  await Promise.all([east?.close(), west?.close()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function openDashboard(page: Page): Promise<void> {
  const res = await page.request.post(`${baseURL}/api/login`, { data: { username: 'sup', password: PASSWORD } });
  expect(res.status()).toBe(200);
  await page.goto(`${baseURL}/`);
}

const rows = (page: Page, pbx: string) => page.locator(`[data-testid="call-row"][data-pbx="${pbx}"]`);
const badge = (page: Page, pbx: string) => page.locator(`[data-testid="link-badge"][data-pbx="${pbx}"]`);

test('"All PBXs" shows both boards in one table, and the switcher narrows to one', async ({ page }) => {
  await openDashboard(page);
  await expect(badge(page, 'east')).toHaveText('East office:Live');
  await expect(badge(page, 'west')).toHaveText('West office:Live');
  await expect(rows(page, 'east').first()).toBeVisible();
  await expect(rows(page, 'west').first()).toBeVisible();
  await expect(page.getByTestId('totals-stale')).toHaveCount(0);
  await expect(page.getByRole('columnheader', { name: 'PBX' })).toBeVisible();
  await expect(page.locator('[data-testid="pbx-queues"][data-pbx="east"]').getByRole('heading', { name: 'East office' })).toBeVisible();
  await expect(page.locator('[data-testid="pbx-queues"][data-pbx="west"]').getByRole('heading', { name: 'West office' })).toBeVisible();

  await page.getByTestId('pbx-switcher').selectOption('west');
  await expect(page).toHaveURL(/\?pbx=west$/);
  await expect(rows(page, 'east')).toHaveCount(0);
  await expect(rows(page, 'west').first()).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'PBX' })).toHaveCount(0);
  // The choice survives a reload: it is in the URL.
  await page.reload();
  await expect(page.getByTestId('pbx-switcher')).toHaveValue('west');
  await expect(rows(page, 'east')).toHaveCount(0);
  await page.getByTestId('pbx-switcher').selectOption('');
  await expect(rows(page, 'east').first()).toBeVisible();
});

test('killing one PBX dims only its rows, cards and badge; the other stays live', async ({ page }) => {
  await openDashboard(page);
  await expect(rows(page, 'west').first()).toBeVisible();
  await west!.close();
  west = null;
  await expect(badge(page, 'west')).toContainText('PBX link down');
  await expect(badge(page, 'west').getByTestId('stale-since')).toBeVisible();
  await expect(badge(page, 'east')).toHaveText('East office:Live');
  // The last known state of West stays, dimmed; East is untouched.
  await expect(rows(page, 'west').first()).toHaveAttribute('data-stale', 'true');
  await expect(page.locator('[data-testid="call-row"][data-pbx="east"][data-stale]')).toHaveCount(0);
  await expect(page.locator('[data-testid="pbx-queues"][data-pbx="west"]')).toHaveAttribute('data-stale', 'true');
  await expect(page.locator('[data-testid="pbx-queues"][data-pbx="east"]')).not.toHaveAttribute('data-stale');
  await expect(page.getByRole('main')).not.toHaveAttribute('data-stale');
  await expect(page.getByTestId('totals-stale')).toHaveText('Includes the last known figures of West office, whose data is stale.');
  // A call can still be placed on the live PBX: it is offered first.
  await page.getByRole('button', { name: 'New call' }).click();
  await expect(page.getByTestId('originate-pbx')).toHaveValue('east');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: test.info().outputPath('two-pbxs-one-down.png') });
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/two-pbxs-one-down.png' });
});

test('a wallboard per PBX: ?pbx= shows that PBX only', async ({ page }) => {
  await openDashboard(page);
  await page.goto(`${baseURL}/wallboard?pbx=east`);
  const panels = page.getByTestId('wallboard-queue');
  await expect(panels.first()).toBeVisible();
  const pbxs = await panels.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-pbx')))]);
  expect(pbxs).toEqual(['east']);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  // Both PBXs on one wall: four tiles, each named by PBX and queue, none cut off.
  await page.goto(`${baseURL}/wallboard`);
  await expect(panels).toHaveCount(4);
  await expect(panels.first().getByRole('heading')).toHaveText('East office · sales');
  const clipped = await panels.evaluateAll((els) => els.map((e) => e.scrollHeight - e.clientHeight));
  expect(clipped).toEqual([0, 0, 0, 0]);
  // A PBX the link names that does not exist is said on the wall, and no badge pretends to connect to it.
  await page.goto(`${baseURL}/wallboard?pbx=nowhere`);
  await expect(page.getByTestId('wallboard-unknown')).toContainText('No PBX “nowhere”');
  await expect(page.getByTestId('link-badge')).toHaveCount(0);
});

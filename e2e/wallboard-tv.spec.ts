/**
 * The wallboard on a TV: three queues chosen by `?queues=`, in the order
 * given, fully on screen with no scrollbar at 720p, 1080p and 4K; and a name
 * in the URL that matches nothing is said on screen, not dropped. Its own
 * server, whose demo PBX has more queues than the suite's two.
 */
import { test, expect, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserStore } from '../server/auth/user-store';
import { E2E_PORT } from './env';
import { startPrivateServer, stopPrivateServer, waitAllLive } from './private-server';
import { rewriteServerPackets } from './ws-route';

const port = E2E_PORT + 8;
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-wall-tv-'));
let server: ChildProcess | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = startPrivateServer(port, { CALLBOARD_DATA: dataDir, CALLBOARD_DEMO_QUEUES: '4', CALLBOARD_SEED: '2' });
  await waitAllLive(baseURL);
});

test.afterAll(async () => {
  await stopPrivateServer(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function wallUrl(query: string, queues?: string[]): string {
  const { token } = new UserStore(dataDir).createToken(`e2e-tv-${Date.now()}-${Math.random()}`, 'wallboard', queues);
  return `${baseURL}/wallboard?token=${encodeURIComponent(token)}&${query}`;
}

async function open(page: Page, query: string, queues?: string[]): Promise<void> {
  await page.goto(wallUrl(query, queues));
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('wallboard-queue').first()).toBeVisible();
}

test('three queues by ?queues=, in that order, fit whole on 720p, 1080p and 4K, with no scrollbar', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, 'queues=billing,sales,support');
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    await page.setViewportSize(viewport);
    const at = `${viewport.width}×${viewport.height}`;
    await expect
      .poll(() => page.getByTestId('wallboard-queue').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.queue)))
      .toEqual(['billing', 'sales', 'support']);
    // The layout follows the resize: wait until the cards' type has settled at this size.
    await expect
      .poll(
        () =>
          page.evaluate(() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth),
        { message: `${at}: no scrollbar` },
      )
      .toBe(true);
    for (const card of await page.getByTestId('wallboard-queue').all()) {
      const fits = await card.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const onScreen = r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight + 0.5;
        // Nothing inside is cut: the card shows all it holds.
        const whole = el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1;
        const figuresWhole = [...el.querySelectorAll('[data-testid^="wallboard-"]')].every((f) => {
          const b = f.getBoundingClientRect();
          return b.left >= r.left - 1 && b.right <= r.right + 1 && b.top >= r.top - 1 && b.bottom <= r.bottom + 1;
        });
        return { onScreen, whole, figuresWhole };
      });
      expect(fits, `${at}: ${await card.getAttribute('data-queue')}`).toEqual({ onScreen: true, whole: true, figuresWhole: true });
    }
    // Labels grow with the screen: never a postage stamp at 4K.
    const label = await page
      .getByTestId('wallboard-queue')
      .first()
      .getByText('Waiting', { exact: true })
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(label, `${at}: label size`).toBeGreaterThanOrEqual(0.028 * viewport.height);
  }
});

test('a TV token made for two queues shows those only, whatever the URL asks', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const frames: string[] = [];
  // Every socket.io packet the server sends, over long-polling (the first snapshot) and the WebSocket.
  await rewriteServerPackets(page, (packet) => {
    frames.push(packet);
    return packet;
  });
  await open(page, 'queues=billing,sales,support', ['sales', 'support']);
  await expect
    .poll(() => page.getByTestId('wallboard-queue').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.queue)))
    .toEqual(['sales', 'support']);
  // Billing is not the token's: the wall says it has no such queue, as for a name that exists nowhere.
  await expect(page.getByTestId('wallboard-unknown')).toContainText('“billing”');
  await page.screenshot({ path: test.info().outputPath('wallboard-scoped.png') });
  // The server never sent it: not in the snapshot, not in a batch.
  expect(frames.some((f) => f.includes('"snapshot"'))).toBe(true);
  expect(frames.filter((f) => f.includes('billing'))).toEqual([]);
});

test('a queue or PBX the wall does not have is said on screen; the others still show', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await open(page, 'queues=sales,nosuchqueue&pbx=demo,mars');
  await expect(page.getByTestId('wallboard-unknown')).toContainText('“nosuchqueue”');
  await expect(page.getByTestId('wallboard-unknown')).toContainText('“mars”');
  await expect(page.getByTestId('wallboard-queue')).toHaveCount(1);
  await expect(page.getByTestId('wallboard-queue')).toHaveAttribute('data-queue', 'sales');
  // The strip holds the agents of the queues shown, by name (the wallboard's view carries members' names).
  await expect(page.getByTestId('wallboard-agent').first()).toBeVisible();
  const names = (await page.getByTestId('wallboard-agent').allTextContents()).map((t) => t.split(' ')[0]);
  expect(names).toEqual(['Alice', 'Bob', 'Carol', 'Dave', 'Heidi']);
});

test('alerts colour their queue card and the figure concerned; acknowledged and snoozed ones say so', async ({ page }) => {
  const now = Date.now();
  const alert = (id: string, fields: Record<string, unknown>) => ({
    id,
    ruleName: id,
    value: 1,
    threshold: 1,
    firedAt: now - 60_000,
    quiet: false,
    ackedBy: null,
    ackedAt: null,
    snoozedUntil: null,
    ...fields,
  });
  // The engine is built beside this wallboard: hand-built alerts in the snapshot stand in for its output.
  await rewriteServerPackets(page, (packet) => {
    if (!packet.startsWith('2["snapshot"')) return packet;
    const [event, snap] = JSON.parse(packet.slice(1)) as [string, { state: { alerts: Record<string, unknown> } }];
    snap.state.alerts = {
      'r1|sales': alert('r1|sales', { kind: 'longest-wait', severity: 'critical', queue: 'sales' }),
      'r2|support': alert('r2|support', { kind: 'sla', severity: 'warning', queue: 'support', ackedBy: 'sam', ackedAt: now }),
      'r3|billing': alert('r3|billing', { kind: 'waiting', severity: 'info', queue: 'billing', snoozedUntil: now + 3_600_000 }),
      'r4|link': alert('r4|link', { kind: 'link', severity: 'critical', queue: null }),
    };
    return `2${JSON.stringify([event, snap])}`;
  });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await open(page, 'queues=sales,support,billing');
  const card = (q: string) => page.locator(`[data-testid="wallboard-queue"][data-queue="${q}"]`);
  await expect(card('sales')).toHaveAttribute('data-alert', 'critical');
  await expect(card('sales').getByTestId('wallboard-longest')).toHaveAttribute('data-alert', 'critical');
  await expect(card('sales').getByTestId('wallboard-waiting')).not.toHaveAttribute('data-alert');
  await expect(card('support').getByTestId('wallboard-sla')).toHaveAttribute('data-alert', 'warning');
  await expect(card('support').getByTestId('wallboard-alert-mark')).toHaveText('✓ Seen by sam');
  await expect(card('billing').getByTestId('wallboard-alert-mark')).toHaveAttribute('data-snoozed', 'true');
  await expect(card('billing').getByTestId('wallboard-alert-mark')).toHaveText('Snoozed');
  // An alert of no queue (the PBX link) belongs to the wall, not to a card.
  await expect(page.getByTestId('wallboard-wall-alert')).toHaveText('Link critical');
  await expect(page.locator('[data-testid="wallboard-queue"][data-alert]')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/wallboard-alerts.png' });
});

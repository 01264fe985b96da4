import { test, expect } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_PORT } from './env';
import { startPrivateServer, stopPrivateServer } from './private-server';
import { expectCountsMatchServer, loggedIn } from './helpers';

const port = E2E_PORT + 1;
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-restart-'));

/** A second, private server (same build), which this test may kill. */
const startServer = () => startPrivateServer(port, { CALLBOARD_DATA: dataDir, CALLBOARD_SEED: '2' });

async function waitHealthy(): Promise<void> {
  await expect
    .poll(
      async () =>
        fetch(`${baseURL}/api/health`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 60_000, intervals: [200] },
    )
    .toBe(200);
}

const stop = stopPrivateServer;

let server: ChildProcess | null = null;

test.afterAll(async () => {
  if (server) await stop(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('after a server restart the page shows Reconnecting, then Live with the right state', async ({ browser }) => {
  test.setTimeout(180_000);
  server = startServer();
  await waitHealthy();
  const context = await loggedIn(browser, 'admin', baseURL);
  const page = await context.newPage();
  await page.goto('/');
  const badge = page.getByTestId('link-badge');
  await expect(badge).toHaveText('Live');
  await expectCountsMatchServer(page, context.request);
  // Today's figures are counted from our own history, so a restart must not take any back.
  const answered = () => page.getByTestId('queue-answered').evaluateAll((els) => els.reduce((n, el) => n + Number(el.textContent), 0));
  await expect.poll(answered, { timeout: 60_000 }).toBeGreaterThan(0);
  const before = await answered();

  await stop(server);
  await expect(badge).toContainText('Reconnecting');
  await expect(page.getByTestId('stale-since')).toBeVisible();
  // The last known state stays, dimmed, and cannot be acted on.
  await expect(page.getByRole('main')).toHaveAttribute('data-stale', 'true');
  await expect(page.getByRole('button', { name: 'New call' })).toBeDisabled();

  server = startServer();
  await waitHealthy();
  await expect(badge).toHaveText('Live', { timeout: 30_000 });
  await expect(page.getByRole('main')).not.toHaveAttribute('data-stale');
  await expect(page.getByRole('button', { name: 'New call' })).toBeEnabled();
  await expectCountsMatchServer(page, context.request);
  await expect.poll(answered).toBeGreaterThanOrEqual(before);
  await context.close();
});

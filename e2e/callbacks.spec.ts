/**
 * The Call back page on a private server whose callbacks are seeded (the
 * demo's own abandoned calls come too, but when they come is up to chance):
 * a supervisor marks one done and undoes it; a viewer sees no buttons.
 */
import { test, expect } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CallbackStore } from '../server/callbacks/store';
import { HistoryStore } from '../server/history/store';
import { replayJournal } from '../test/history/journal-replay';
import { E2E_PORT } from './env';
import { loggedIn } from './helpers';
import { startPrivateServer, stopPrivateServer, waitAllLive } from './private-server';

const port = E2E_PORT + 7;
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-callbacks-'));
let server: ChildProcess | null = null;

/** The busy hour's abandoned calls, moved to the last minutes, as the demo PBX's. */
async function seed(): Promise<string[]> {
  const records = replayJournal('10-sip-busy-hour').records;
  const shift = Date.now() - 60_000 - Math.max(...records.map((r) => r.endedAt));
  const moved = records.map((r) => ({ ...r, pbx: 'demo', startedAt: r.startedAt + shift, endedAt: r.endedAt + shift }));
  const history = await HistoryStore.open({ dataDir });
  try {
    await new CallbackStore(history).apply(moved.sort((a, b) => a.endedAt - b.endedAt));
    return (await new CallbackStore(history).list({ state: 'open' })).callbacks.map((c) => c.number);
  } finally {
    await history.close();
  }
}

let numbers: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  numbers = await seed();
  server = startPrivateServer(port, { CALLBOARD_DATA: dataDir });
  await waitAllLive(baseURL);
});

test.afterAll(async () => {
  await stopPrivateServer(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a supervisor sees the callers oldest first, marks one done, and undoes it', async ({ browser }) => {
  expect(numbers.length).toBeGreaterThan(3);
  const context = await loggedIn(browser, 'supervisor', baseURL);
  const page = await context.newPage();
  await page.goto('/callbacks');
  const rows = page.getByTestId('callback-row');
  await expect(rows.first().getByTestId('callback-number')).toHaveText(numbers[0]);
  const target = rows.filter({ hasText: numbers[1] });
  await target.getByTestId('callback-done').click();
  const done = page.getByTestId('callback-done-row').filter({ hasText: numbers[1] });
  await expect(done.getByTestId('callback-done-by')).toContainText('by you');
  await expect(target).toHaveCount(0);
  await done.getByTestId('callback-undo').click();
  await expect(rows.filter({ hasText: numbers[1] })).toHaveCount(1);
  await expect(done).toHaveCount(0);
  await context.close();
});

test('a viewer sees the list without buttons', async ({ browser }) => {
  const context = await loggedIn(browser, 'viewer', baseURL);
  const page = await context.newPage();
  await page.goto('/callbacks');
  await expect(page.getByTestId('callback-row').first()).toBeVisible();
  await expect(page.getByTestId('callback-call')).toHaveCount(0);
  await expect(page.getByTestId('callback-done')).toHaveCount(0);
  await context.close();
});

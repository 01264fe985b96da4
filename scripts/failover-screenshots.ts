/**
 * The README's failover pictures, as a user would see them: two production
 * nodes on one Redis and a standalone demo PBX, a browser on the node that
 * does not read the PBX, and the reader killed with SIGKILL. Times the
 * board's link badge from the signal (Stale, Syncing, Live) and takes
 * docs/screenshots/cluster/failover-stale.png and failover-live.png.
 *
 *   npm run build && npx tsx scripts/failover-screenshots.ts
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { startPrivateServer, waitAllLive } from '../e2e/private-server';
import { UserStore } from '../server/auth/user-store';
import { startDemoPbx } from '../server/demo-pbx';
import { findRedisServer, startRedis } from '../test/support/redis';
import { freePort } from '../test/support/ports';
import { waitForAsync } from '../test/support/wait-for';
import { isReading } from '../test/cluster/node-process';

const out = path.resolve('docs/screenshots/cluster');
const password = 'failover-screenshots';
const bin = findRedisServer();
if (!bin) throw new Error('needs redis-server (apt-get install redis-server)');

const redis = await startRedis(bin);
// Warmed up, so the board has calls on it from the start and the pictures show that they survive.
const pbx = await startDemoPbx({ warmup: { minutes: 5 } });
const account = pbx.users[0];
const children: ChildProcess[] = [];
/** npx, tsx and the node under them, all at once, as SIGKILL takes a real server. */
const kill9 = (child: ChildProcess) => process.kill(-child.pid!, 'SIGKILL');

async function startNode(name: string, withAdmin: boolean) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `cb-shots-${name}-`));
  if (withAdmin) await new UserStore(data).addUser('admin', 'admin', password);
  const port = await freePort();
  const child = startPrivateServer(port, {
    CALLBOARD_DATA: data,
    CALLBOARD_HISTORY: 'off',
    AMI_HOST: pbx.host,
    AMI_PORT: String(pbx.port),
    AMI_USERNAME: account.username,
    AMI_SECRET: account.secret,
    REDIS_URL: redis.url,
    CALLBOARD_NODE: name,
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitAllLive(url);
  return { name, url, child };
}

const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  const a = await startNode('node-a', true);
  await waitForAsync(() => isReading(a.url), 'node-a to read the PBX', 20_000);
  const b = await startNode('node-b', false);
  const context = await browser.newContext({ baseURL: b.url, viewport: { width: 1440, height: 900 } });
  const login = await context.request.post('/api/login', { data: { username: 'admin', password } });
  if (!login.ok()) throw new Error(`login on node-b: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  await page.goto('/');
  const badge = page.getByTestId('link-badge').first();
  await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2_000);

  kill9(a.child);
  const killedAt = performance.now();
  const steps: { label: string; ms: number }[] = [];
  let shotStale = false;
  while (performance.now() - killedAt < 20_000) {
    const state = await badge.getAttribute('data-state');
    const text = (await badge.textContent()) ?? '';
    const label = text.includes('Syncing') ? 'syncing' : text.includes('Live') ? 'live' : state === 'down' ? 'stale' : (state ?? '?');
    if (steps.at(-1)?.label !== label) steps.push({ label, ms: performance.now() - killedAt });
    if (!shotStale && (label === 'stale' || label === 'syncing') && text.includes('Stale since')) {
      await page.screenshot({ path: path.join(out, 'failover-stale.png') });
      shotStale = true;
    }
    if (label === 'live' && shotStale) break;
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: path.join(out, 'failover-live.png') });
  const reading = await isReading(b.url);
  console.log(`node-b reads the PBX: ${reading}`);
  for (const { label, ms } of steps) console.log(`${label}: ${Math.round(ms)} ms after the SIGKILL`);
} finally {
  await browser.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) kill9(c);
  await pbx.close();
  await redis.stop();
}

/**
 * The wallboard at 1280×720, 1920×1080 and 3840×2160, with 1, 3 and 12 queues
 * (chosen by `?queues=`), into docs/screenshots/wallboard/. Needs a running
 * server on a production build whose demo PBX has 12 queues:
 *
 *   npm run build
 *   CALLBOARD_DEMO_QUEUES=12 PORT=3264 HOST=127.0.0.1 NODE_ENV=production CALLBOARD_DATA=/tmp/tv-data npx tsx server/index.ts &
 *   CALLBOARD_URL=http://127.0.0.1:3264 CALLBOARD_DATA=/tmp/tv-data npx tsx scripts/wallboard-screenshots.ts
 *
 * With CALLBOARD_DATA it opens the wall as a wall does, with a wallboard token
 * (so it shows exactly what a wallboard may see); without, it signs in as admin.
 * One more, wallboard-1920x1080-alerts.png, shows alert colours with
 * hand-built alerts put into the snapshot (a critical one, an acknowledged
 * warning, a snoozed notice), so it needs no alert rule on the server.
 */
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserStore } from '../server/auth/user-store';
import { rewriteServerPackets } from '../e2e/ws-route';

const base = process.env.CALLBOARD_URL ?? 'http://127.0.0.1:3000';
const out = path.resolve('docs/screenshots/wallboard');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];
const QUEUES: Record<number, string> = { 1: 'sales', 3: 'sales,support,billing', 12: '' };

async function signIn(context: BrowserContext): Promise<string> {
  const data = process.env.CALLBOARD_DATA;
  if (data) {
    const { token } = new UserStore(data).createToken(`screenshots-${Date.now()}`, 'wallboard');
    return `token=${encodeURIComponent(token)}&`;
  }
  const user = process.env.CALLBOARD_USER ?? 'admin';
  const login = await context.request.post('/api/login', { data: { username: user, password: process.env.CALLBOARD_PASSWORD ?? user } });
  if (!login.ok()) throw new Error(`login as ${user} failed: ${login.status()} ${await login.text()}`);
  return '';
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    for (const viewport of SIZES) {
      const context = await browser.newContext({ baseURL: base, viewport, deviceScaleFactor: 1 });
      const auth = await signIn(context);
      const page = await context.newPage();
      for (const [count, queues] of Object.entries(QUEUES)) {
        await page.goto(`/wallboard?${auth}${queues ? `queues=${queues}` : ''}`);
        await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
        await page
          .getByTestId('wallboard-queue')
          .nth(Number(count) - 1)
          .waitFor();
        const shown = await page.getByTestId('wallboard-queue').count();
        if (shown !== Number(count)) throw new Error(`${count} queues asked for, ${shown} shown: is CALLBOARD_DEMO_QUEUES=12 set?`);
        await page.waitForTimeout(1100); // one clock tick, so the clock and the waits show
        const overflow = await page.evaluate(
          () => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
        );
        if (overflow) console.warn(`${viewport.width}×${viewport.height}, ${count} queues: the page scrolls`);
        const file = path.join(out, `wallboard-${viewport.width}x${viewport.height}-${count}q.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
      await context.close();
    }
    await alerts(browser);
  } finally {
    await browser.close();
  }
}

async function alerts(browser: Browser): Promise<void> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const auth = await signIn(context);
  const page = await context.newPage();
  const now = Date.now();
  const alert = (queue: string, kind: string, severity: string, more: Record<string, unknown> = {}) => ({
    id: `shot|${queue}`,
    ruleName: 'screenshot',
    kind,
    severity,
    queue,
    value: 1,
    threshold: 1,
    firedAt: now - 90_000,
    quiet: false,
    ackedBy: null,
    ackedAt: null,
    snoozedUntil: null,
    ...more,
  });
  await rewriteServerPackets(page, (packet) => {
    if (!packet.startsWith('2["snapshot"')) return packet;
    const [event, snap] = JSON.parse(packet.slice(1)) as [string, { state: { alerts: Record<string, unknown> } }];
    const list = [
      alert('sales', 'longest-wait', 'critical'),
      alert('support', 'sla', 'warning', { ackedBy: 'sam', ackedAt: now }),
      alert('billing', 'no-free-agent', 'info', { snoozedUntil: now + 3_600_000 }),
    ];
    snap.state.alerts = Object.fromEntries(list.map((a) => [a.id, a]));
    return `2${JSON.stringify([event, snap])}`;
  });
  await page.goto(`/wallboard?${auth}queues=sales,support,billing`);
  await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('wallboard-alert-mark').nth(2).waitFor();
  await page.waitForTimeout(1100);
  const file = path.join(out, 'wallboard-1920x1080-alerts.png');
  await page.screenshot({ path: file });
  console.log(file);
  await context.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

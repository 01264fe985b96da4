/**
 * Screenshots into docs/screenshots/: the dashboard at 1280×800 and on a
 * phone (390×844), the originate dialog and the login page, each in light
 * and dark, the supervisor's tools (a call's menu, Monitored by, a parked
 * call, an agent's panel), the phones, system, today, call back and history pages, and the (always dark) wallboard
 * at 1920×1080 and 1280×720, and alerting (scripts/screenshots-alerts.ts).
 * Needs a running demo server on a production build:
 *
 *   npm run build && PORT=3200 HOST=127.0.0.1 NODE_ENV=production npx tsx server/index.ts &
 *   CALLBOARD_URL=http://127.0.0.1:3200 npx tsx scripts/screenshots.ts
 *
 * CALLBOARD_SHOTS=alerts takes only the alerting ones.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import path from 'node:path';
import { alertShots } from './screenshots-alerts';

const base = process.env.CALLBOARD_URL ?? 'http://127.0.0.1:3000';
const out = path.resolve('docs/screenshots');
const user = process.env.CALLBOARD_USER ?? 'admin';
const password = process.env.CALLBOARD_PASSWORD ?? user;

async function settle(page: Page): Promise<void> {
  await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('call-row').first().waitFor({ timeout: 30_000 });
  await page.getByTestId('agent-tile').first().waitFor();
  // Let the durations tick once so nothing shows a blank.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="call-row"] .tabular').length > 0);
}

async function main(): Promise<void> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    if (process.env.CALLBOARD_SHOTS === 'alerts') return await alertShots(browser, base, out);
    for (const theme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        baseURL: base,
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        colorScheme: theme,
      });
      await context.addInitScript((t) => localStorage.setItem('callboard-theme', t), theme);
      const login = await context.request.post('/api/login', { data: { username: user, password } });
      if (!login.ok()) throw new Error(`login as ${user} failed: ${login.status()} ${await login.text()}`);
      const page = await context.newPage();

      await page.goto('/');
      await settle(page);
      // The viewport, not the full page: it shows what fits on a laptop screen.
      await page.screenshot({ path: path.join(out, `dashboard-${theme}.png`) });

      await page.getByRole('button', { name: 'New call' }).click();
      const dialog = page.getByRole('dialog', { name: 'New call' });
      // From and Caller ID left empty, so their hints show as hints beside a typed value.
      await dialog.getByLabel('To number').fill('00442079460000');
      await page.screenshot({ path: path.join(out, `originate-${theme}.png`), animations: 'disabled' });
      await page.keyboard.press('Escape');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300); // one layout pass at the phone width
      await page.screenshot({ path: path.join(out, `dashboard-phone-${theme}.png`) });

      await page.setViewportSize({ width: 1280, height: 800 });
      await page.context().clearCookies();
      await page.goto('/login');
      await page.getByText('Demo accounts').waitFor();
      await page.screenshot({ path: path.join(out, `login-${theme}.png`) });
      await context.close();
    }

    await supervisorTools(browser);
    await phones(browser);

    // The wallboard's own shots (three sizes, 1, 3 and 12 queues) come from scripts/wallboard-screenshots.ts.
    await alertShots(browser, base, out);
    console.log(`screenshots in ${out}`);
  } finally {
    await browser.close();
  }
}

/**
 * The supervisor's tools on the demo PBX: a call row's menu open, then a
 * listen ("Monitored by") and a park (the parked-calls panel), and an
 * agent's panel. Light theme, 1280×800.
 */
async function supervisorTools(browser: Browser): Promise<void> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.addInitScript(() => localStorage.setItem('callboard-theme', 'light'));
  await context.request.post('/api/login', { data: { username: 'supervisor', password: 'supervisor' } });
  const page = await context.newPage();
  await page.goto('/');
  await settle(page);
  const queued = () => page.locator('[data-testid="call-row"]', { hasText: 'Talking' }).filter({ hasNotText: '—' });
  await queued().first().waitFor();
  await queued().nth(0).getByTestId('call-menu').click();
  await page.getByRole('menu').waitFor();
  await page.screenshot({ path: path.join(out, 'call-menu.png') });
  await page.getByRole('menuitem', { name: 'Listen' }).click();
  await page.getByTestId('monitored-by').first().waitFor({ timeout: 30_000 });
  await queued().nth(1).getByTestId('call-menu').click();
  await page.getByRole('menuitem', { name: 'Park' }).click();
  await page.getByTestId('parked-call').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1100); // the parked time ticks once
  await page.screenshot({ path: path.join(out, 'monitored-and-parked.png') });
  await page.getByTestId('agent-name').first().click();
  await page.getByTestId('agent-panel').waitFor();
  await page.screenshot({ path: path.join(out, 'agent-panel.png') });
  await context.close();
}

/** The switchboard (/phones) in light and dark at 1280×800 and on a phone (390×844), and the system page. */
async function phones(browser: Browser): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, colorScheme: theme });
    await context.addInitScript((t) => localStorage.setItem('callboard-theme', t), theme);
    await context.request.post('/api/login', { data: { username: 'supervisor', password: 'supervisor' } });
    const page = await context.newPage();
    await page.goto('/phones');
    await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('phone-tile').first().waitFor();
    await page.waitForTimeout(1100); // the durations tick once
    await page.screenshot({ path: path.join(out, `phones-${theme}.png`) });
    if (theme === 'light') {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, 'phones-phone.png') });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto('/system');
      await page.getByTestId('system-version').filter({ hasText: '22.' }).waitFor();
      await page.waitForTimeout(1100); // the uptime ticks once
      await page.screenshot({ path: path.join(out, 'system.png') });
      await page.goto('/today');
      await page.getByTestId('chart-calls').locator('canvas').waitFor();
      await page.waitForTimeout(1100);
      await page.screenshot({ path: path.join(out, 'today.png') });
      await page.goto('/callbacks');
      await page.locator('[data-testid="callbacks-list"], [data-testid="callbacks-empty"]').first().waitFor();
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(out, 'callbacks.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto('/history');
      await page.getByTestId('history-row').first().waitFor();
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(out, 'history.png') });
      // A call with a timeline worth reading: a transfer if the day has one.
      const transferred = page.getByTestId('history-row').filter({ hasText: 'Transferred' }).first();
      await ((await transferred.count()) ? transferred : page.getByTestId('history-row').first()).click();
      await page.getByTestId('call-timeline').waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, 'history-call.png') });
    }
    await context.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

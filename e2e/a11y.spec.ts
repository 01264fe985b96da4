/** axe-core in the real pages: no serious or critical violation anywhere a person goes. */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';
import { loggedIn } from './helpers';
import { seriousViolations } from './axe';

async function theme(page: Page, t: 'light' | 'dark'): Promise<void> {
  await page.addInitScript((value) => localStorage.setItem('callboard-theme', value), t);
}

for (const t of ['light', 'dark'] as const) {
  test(`login page (${t}): a main landmark, an h1, and no serious violation`, async ({ page }) => {
    await theme(page, t);
    await page.goto('/login');
    await expect(page.getByText('Demo accounts')).toBeVisible();
    await expect(page.getByRole('main')).toHaveCount(1);
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('dashboard and its dialogs, light and dark: no serious violation', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await loggedIn(browser, 'admin');
  for (const t of ['light', 'dark'] as const) {
    const page = await context.newPage();
    await theme(page, t);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/');
    await expect(page.getByTestId('link-badge')).toHaveText('Live');
    await expect(page.getByTestId('call-row').first()).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('agent-tile').first()).toBeVisible();
    expect(await seriousViolations(page), `dashboard ${t}`).toEqual([]);

    await page
      .getByTestId('call-row')
      .first()
      .getByRole('button', { name: /Hang up/ })
      .click();
    const hangup = page.getByRole('dialog', { name: 'Hang up this call?' });
    await expect(hangup).toBeVisible();
    expect(await seriousViolations(page, 'dialog'), `hang-up dialog ${t}`).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(hangup).toBeHidden();

    await page.getByRole('button', { name: 'New call' }).click();
    const originate = page.getByRole('dialog', { name: 'New call' });
    await expect(originate).toBeVisible();
    await originate.getByRole('button', { name: 'Call' }).click(); // shows the field errors too
    expect(await seriousViolations(page, 'dialog'), `originate dialog ${t}`).toEqual([]);
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page), `phone ${t}`).toEqual([]);
    await page.close();
  }
  await context.close();
});

test('wallboard: a main landmark, an h1, and no serious violation', async ({ page }) => {
  const { token } = new UserStore(E2E_DATA).createToken(`e2e-axe-${Date.now()}`, 'wallboard');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`/wallboard?token=${encodeURIComponent(token)}`);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('wallboard-queue').first()).toBeVisible();
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
});

/** A board page in both themes, on a desktop and on a phone: no serious violation, and nothing wider than the screen. */
async function everyLook(browser: Browser, path: string, ready: (page: Page) => Promise<void>): Promise<void> {
  const context = await loggedIn(browser, 'supervisor');
  // Each theme once and each size once: colours do not change with the width, nor the layout with the theme.
  for (const [t, viewport] of [
    ['light', { width: 1440, height: 900 }],
    ['dark', { width: 390, height: 844 }],
  ] as const) {
    const page = await context.newPage();
    await theme(page, t);
    await page.setViewportSize(viewport);
    await page.goto(path);
    await expect(page.getByTestId('link-badge')).toHaveText('Live');
    await ready(page);
    expect(await seriousViolations(page), `${path} ${t} ${viewport.width}px`).toEqual([]);
    // On a phone the grids go to one column and the section nav scrolls inside the header.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.close();
  }
  await context.close();
}

test('phones page, light and dark, desktop and phone-sized: no serious violation', async ({ browser }) => {
  test.setTimeout(90_000);
  await everyLook(browser, '/phones', (page) => expect(page.getByTestId('phone-tile').first()).toBeVisible());
});

test('today page, light and dark, desktop and phone-sized: no serious violation, nothing wider than the screen', async ({ browser }) => {
  test.setTimeout(90_000);
  await everyLook(browser, '/today', (page) => expect(page.getByTestId('chart-calls').locator('canvas')).toBeVisible({ timeout: 20_000 }));
});

/** The originate dialog: hints that read as hints, suggestions from the board, and a favicon on every page. */
import { test, expect } from '@playwright/test';
import { dialNumberSchema, extensionSchema } from '../lib/actions';
import { fetchSnapshot, loggedIn } from './helpers';
import { contrastOf } from './measure';

test('placeholders are not look-alike values, are dimmer than input (dark), and the fields suggest the board’s extensions', async ({
  browser,
}) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem('callboard-theme', 'dark'));
  await page.goto('/');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('agent-tile').first()).toBeVisible();
  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  const from = dialog.getByLabel('From extension');
  const to = dialog.getByLabel('To number');

  // A hint can never be taken for a value: it would not pass the field's own check.
  for (const [input, schema] of [
    [from, extensionSchema],
    [to, dialNumberSchema],
  ] as const) {
    const hint = (await input.getAttribute('placeholder')) ?? '';
    expect(hint).not.toBe('');
    expect(schema.safeParse(hint).success, `placeholder "${hint}" looks like a value`).toBe(false);
  }

  // Dark mode: the hint is clearly dimmer than what the user types.
  const placeholder = await from.evaluate((el) => getComputedStyle(el, '::placeholder').color);
  await from.fill('201');
  const typed = await contrastOf(from);
  await from.evaluate((el, color) => {
    el.style.color = color;
  }, placeholder);
  const hinted = await contrastOf(from);
  await from.evaluate((el) => el.style.removeProperty('color'));
  expect(typed).toBeGreaterThanOrEqual(12);
  expect(hinted).toBeLessThanOrEqual(typed / 3);

  // Suggestions: every queue member's extension, offered to both fields.
  const members = Object.values((await fetchSnapshot(context.request)).state.members).map((m) => m.interface.replace(/^[A-Za-z]+\//, ''));
  expect(members.length).toBeGreaterThan(0);
  for (const input of [from, to]) {
    const options = await input.evaluate((el: HTMLInputElement) => [...(el.list?.options ?? [])].map((o) => o.value));
    for (const m of members) expect(options).toContain(m);
  }
  await context.close();
});

test('every page has a favicon', async ({ page, request }) => {
  await page.goto('/login');
  const href = await page.locator('link[rel~="icon"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toMatch(/^image\//);
  const ico = await request.get('/favicon.ico');
  expect(ico.status()).toBe(200);
});

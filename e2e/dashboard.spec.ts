import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { expectCountsMatchServer, fetchSnapshot, loggedIn, renderedCallIds } from './helpers';
import { PHONES } from '../server/demo-pbx/directory';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  context = await loggedIn(browser, 'admin');
  page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
});

test.afterAll(async () => {
  await context.close();
});

test('calls from the demo PBX appear within seconds and the counts equal the server', async () => {
  await expect(page.getByTestId('call-row').first()).toBeVisible({ timeout: 20_000 });
  await expectCountsMatchServer(page, context.request);
  await expect(page.getByTestId('queue-card')).toHaveCount(Object.keys((await fetchSnapshot(context.request)).state.queues).length);
  await expect(page.getByTestId('agent-tile').first()).toBeVisible();
});

test('hangup (after its confirm step) removes the call from the page and from the server', async () => {
  // The demo ends calls on its own, so the one picked may end while its dialog is open: the dialog then
  // says so and disables Hang up, which is right for a person and a reason to pick another call here.
  let id: string | null = null;
  await expect(async () => {
    const row = page.getByTestId('call-row').filter({ hasText: 'Talking' }).first();
    await expect(row).toBeVisible({ timeout: 20_000 });
    id = await row.getAttribute('data-call-id');
    await row.getByRole('button', { name: /Hang up/ }).click({ timeout: 5_000 });
    const dialog = page.getByRole('dialog', { name: 'Hang up this call?' });
    await expect(dialog).toBeVisible();
    const confirm = dialog.getByRole('button', { name: 'Hang up' });
    try {
      await confirm.click({ timeout: 2_000 });
    } catch (err) {
      if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Cancel' }).click();
      throw err;
    }
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Call hung up' }).last()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 50_000 });

  expect(id).toBeTruthy();
  await expect(page.locator(`[data-call-id="${id}"]`)).toHaveCount(0);
  await expect.poll(async () => (await fetchSnapshot(context.request)).state.calls[id!]).toBeUndefined();
});

test('the hangup dialog closes on Esc without hanging up', async () => {
  const row = page.getByTestId('call-row').first();
  await row.getByRole('button', { name: /Hang up/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Hang up this call?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toast').filter({ hasText: 'Hanging up' })).toHaveCount(0);
});

test('originate makes a new call appear, and the toast follows it to its outcome', async () => {
  const snapshot = await fetchSnapshot(context.request);
  const inCall = new Set<string>();
  for (const c of Object.values(snapshot.state.calls)) for (const n of [c.from.num, c.to.num]) inCall.add(n);
  const idle = PHONES.map((p) => p.exten).filter((x) => !inCall.has(x));
  expect(idle.length).toBeGreaterThanOrEqual(2);
  const [from, to] = [idle[0], idle[idle.length - 1]];

  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  await expect(dialog.getByLabel('From extension')).toBeFocused();
  // The form refuses what the server would refuse, before sending anything.
  await dialog.getByLabel('From extension').fill('10a');
  await dialog.getByRole('button', { name: 'Call' }).click();
  await expect(dialog.getByText('An extension is 1 to 20 digits, *, # or +')).toBeVisible();

  await dialog.getByLabel('From extension').fill(from);
  await dialog.getByLabel('To number').fill(to);
  await dialog.getByRole('button', { name: 'Call' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('searchbox', { name: 'Search calls' }).fill(to);
  await expect(page.getByTestId('call-row').filter({ hasText: to }).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('toast').filter({ hasText: `Call to ${to} placed` })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('searchbox', { name: 'Search calls' }).fill('');
});

test('two browsers show the same calls', async ({ browser }) => {
  const other = await loggedIn(browser, 'supervisor');
  const page2 = await other.newPage();
  await page2.goto('/');
  await expect(page2.getByTestId('link-badge')).toHaveText('Live');
  await expect(async () => {
    const [a, b] = await Promise.all([renderedCallIds(page), renderedCallIds(page2)]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(await page2.getByTestId('count-active').textContent()).toBe(await page.getByTestId('count-active').textContent());
  }).toPass({ timeout: 20_000 });
  await other.close();
});

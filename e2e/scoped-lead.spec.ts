import { test, expect } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';
import { loggedIn } from './helpers';
import { ACTION_KINDS } from '../lib/grants';

/**
 * A team lead limited to the sales queue sees sales and nothing of support:
 * its queue card, its agents, its calls. The server decides (the fan-out
 * never sends support's data); the page just shows what arrived. An admin
 * narrows the lead on the users page, with the keyboard.
 */
test('a scoped team lead sees only their queues, set on the users page', async ({ browser }) => {
  const name = `lead-${Date.now()}`;
  const store = new UserStore(E2E_DATA);
  await store.addUser(name, 'supervisor', name);

  const admin = await loggedIn(browser, 'admin');
  const page = await admin.newPage();
  await page.goto('/admin');
  const form = page.getByTestId(`user-${name}`);
  await form.getByLabel(/Queues/).fill('sales');
  await form.getByLabel('Everything the role allows').uncheck();
  // A team lead who may pause and listen, and nothing else.
  for (const kind of ACTION_KINDS) {
    const box = form.getByLabel(kind, { exact: true });
    if (kind === 'pause' || kind === 'listen') await box.check();
    else await box.uncheck();
  }
  await form.getByRole('button', { name: `Save ${name}` }).press('Enter');
  await expect(form.getByText('Saved')).toBeVisible();
  // The server's words for a bad value are shown as they are.
  await form.getByLabel(/Own extension/).fill('20x');
  await form.getByRole('button', { name: `Save ${name}` }).click();
  await expect(form.getByRole('alert')).toContainText('An extension is 1 to 20 digits');

  const lead = await loggedIn(browser, name);
  const board = await lead.newPage();
  await board.goto('/');
  await expect(board.getByTestId('queue-card')).toHaveCount(1);
  await expect(board.getByTestId('queue-card')).toContainText('sales');
  // A sales call of its own, so the test does not wait on a lull in the demo's traffic (5[0-4]X enters sales).
  const placed = await admin.request.post('/api/originate', { data: { from: '101', to: '500' } });
  expect(placed.status(), await placed.text()).toBe(200);
  await expect(board.getByTestId('call-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(board.locator('body')).not.toContainText('support');
  // Pause and listen are theirs; hanging up, transfer and queue membership are not, and their buttons are absent.
  await expect(board.getByRole('button', { name: /Hang up/ })).toHaveCount(0);
  await expect(board.getByTestId('queue-add-member')).toHaveCount(0);
  await expect(board.getByTestId('agent-pause').or(board.getByTestId('agent-resume')).first()).toBeVisible();
  const talking = board.getByTestId('call-row').filter({ hasText: 'Talking' }).first();
  await talking.getByTestId('call-menu').click();
  await expect(board.getByRole('menuitem')).toHaveText(['Listen']);
  await board.keyboard.press('Escape');
  await board.screenshot({ path: test.info().outputPath('scoped-lead.png') });
  const snapshot = await lead.request.get('/api/snapshot');
  expect(await snapshot.text()).not.toContain('"support"');
  // Not an admin: the users page sends them back to the board.
  await board.goto('/admin');
  await expect(board).toHaveURL(/\/$/);
});

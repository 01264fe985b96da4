import { test, expect } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';
import { loggedIn } from './helpers';

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
  await form.getByLabel('pause', { exact: true }).check();
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
  await expect(board.getByTestId('call-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(board.locator('body')).not.toContainText('support');
  // Pause is theirs; hanging up is not.
  await expect(board.getByRole('button', { name: /Hang up/ })).toHaveCount(0);
  const snapshot = await lead.request.get('/api/snapshot');
  expect(await snapshot.text()).not.toContain('"support"');
  // Not an admin: the users page sends them back to the board.
  await board.goto('/admin');
  await expect(board).toHaveURL(/\/$/);
});

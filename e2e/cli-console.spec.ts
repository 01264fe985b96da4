import { test, expect } from '@playwright/test';
import { loggedIn } from './helpers';

test('an admin runs core show uptime in the CLI console, and a refused command says why', async ({ browser }) => {
  const context = await loggedIn(browser, 'admin');
  const page = await context.newPage();
  await page.goto('/admin/console');
  // Run is enabled once the page knows its PBX: an Enter before that is dropped (CI saw it once).
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  await expect(page.getByTestId('cli-status')).toHaveCount(0);
  const field = page.getByLabel('Command');
  await field.fill('core show uptime');
  await field.press('Enter');
  const first = page.getByTestId('cli-entry').first();
  await expect(first).toHaveAttribute('data-ok', 'true');
  await expect(first.getByTestId('cli-output')).toContainText('System uptime:');
  await expect(first).toContainText(/Command output follows \(\d+ lines, \d+ bytes\)/);

  await field.fill('core stop now');
  await field.press('Enter');
  const refused = page.getByTestId('cli-entry').first();
  await expect(refused).toHaveAttribute('data-ok', 'false');
  await expect(refused.getByTestId('cli-output')).toContainText('can change or stop the PBX');
  // The history brings the last command back.
  await field.fill('');
  await field.press('ArrowUp');
  await expect(field).toHaveValue('core stop now');
  await page.screenshot({ path: test.info().outputPath('cli-console.png') });
  await context.close();
});

test('without the PBX list the console says why it cannot run a command', async ({ browser }) => {
  const context = await loggedIn(browser, 'admin');
  const page = await context.newPage();
  await page.route('**/api/pbx', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
  await page.goto('/admin/console');
  await expect(page.getByTestId('cli-status')).toContainText('The PBX list did not load (HTTP 503)');
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
  await context.close();
});

test('a supervisor is sent back from the console to the board', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/admin/console');
  await expect(page).toHaveURL(/\/$/);
  await context.close();
});

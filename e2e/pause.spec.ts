import { test, expect } from '@playwright/test';
import { fetchSnapshot, loggedIn } from './helpers';

test('a supervisor pauses an agent with a reason, sees the card change, and resumes them', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/');
  const free = page.locator('[data-testid="agent-tile"][data-status="free"]').first();
  // The demo's agents are all on calls at times: wait for one to come free rather than fail on a busy minute.
  await expect(free).toBeVisible({ timeout: 60_000 });
  const name = (await free.getByTestId('agent-name').textContent())!.trim();
  const tile = page.getByTestId('agent-tile').filter({ has: page.getByText(name, { exact: true }) });

  await tile.getByRole('button', { name: `Pause ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Pause ${name}` });
  await dialog.getByRole('button', { name: 'Coaching' }).click();
  await expect(dialog.getByLabel('Reason', { exact: true })).toHaveValue('Coaching');
  await dialog.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByText('Interface paused successfully')).toBeVisible();
  await expect(tile).toContainText('Coaching');
  await expect(tile.getByRole('button', { name: `Resume ${name}` })).toBeVisible();
  await tile.screenshot({ path: test.info().outputPath('paused-tile.png') });
  // The server holds the same: every membership of the agent is paused for that reason.
  const snapshot = await fetchSnapshot(context.request);
  const memberships = Object.values(snapshot.state.members).filter((m) => (m.name || m.interface) === name);
  expect(memberships.length).toBeGreaterThan(0);
  expect(memberships.every((m) => m.paused && m.pausedReason === 'Coaching')).toBe(true);

  await tile.getByRole('button', { name: `Resume ${name}` }).click();
  await expect(page.getByText('Interface unpaused successfully')).toBeVisible();
  await expect(tile.getByRole('button', { name: `Pause ${name}` })).toBeVisible();
  await expect(tile).not.toContainText('Coaching');
});

test('a viewer gets no pause buttons', async ({ browser }) => {
  const context = await loggedIn(browser, 'viewer');
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('agent-tile').first()).toBeVisible();
  await expect(page.getByTestId('agent-pause')).toHaveCount(0);
  await expect(page.getByTestId('agent-resume')).toHaveCount(0);
});

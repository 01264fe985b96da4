import { test, expect } from '@playwright/test';

test('a wrong password gets a clear error and stays on the login page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toHaveText('Wrong username or password');
  await expect(page).toHaveURL(/\/login/);
});

test('the dashboard sends a visitor without a session to the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a demo account (clicked to fill) reaches the live dashboard, and logs out', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: /^supervisor \/ supervisor/ }).click();
  await expect(page.getByLabel('Password')).toHaveValue('supervisor');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect(page.getByTestId('user-role')).toHaveText('Supervisor');

  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

import { test, expect } from '@playwright/test';

test('the home page loads', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
});

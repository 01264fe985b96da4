import { test, expect } from '@playwright/test';
import { fetchSnapshot, loggedIn } from './helpers';
import { phoneCounts } from '../lib/ui/phones';

test('the header says how many of the PBX’s phones are registered, as the server counts them', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/');
  const count = page.getByTestId('phone-count');
  await expect(count).toBeVisible();
  // Registrations churn on the demo PBX: the page and the server must agree at some moment, within a few polls.
  await expect
    .poll(async () => {
      const c = phoneCounts((await fetchSnapshot(context.request)).state);
      return (await count.innerText()) === `${c.registered} of ${c.total} phones registered` && c.total > 0;
    })
    .toBe(true);
  await context.close();
});

/** The CRM hooks a user sets up alone: the screen-pop of their own phone, and click-to-call through /call?to=. */
import { test, expect } from '@playwright/test';
import { seriousViolations } from './axe';
import { loggedIn } from './helpers';

// The demo's supervisor account has phone 116; the admin's is 115.
const OWN = '116';
const OTHER = '115';

test('/call?to= with a tel: link places the call from the user’s own phone after one confirmation', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  // The number is dialled as the link gives it; the demo's dialplan reaches the trunk with a leading 9.
  await page.goto('/call?to=tel:9-555-0100;phone-context=example.com');
  await expect(page.getByRole('heading', { name: 'Call 95550100' })).toBeVisible();
  await expect(page.getByText(`Your phone, ${OWN}, rings first`)).toBeVisible();
  await page.getByRole('button', { name: `Call from ${OWN}` }).click();
  // Originate answers once the user's phone picks up (the demo's phones answer within seconds).
  await expect(page.getByTestId('call-outcome')).toHaveText(/^Call placed: /, { timeout: 40_000 });

  await page.goto('/call?to=5550100%0D%0AAction:%20Command');
  await expect(page.getByText('"5550100 Action: Command" is not a number Callboard can dial')).toBeVisible();
  await expect(page.getByRole('button', { name: /Call from/ })).toHaveCount(0);

  // The confirmation as a person meets it, checked by axe.
  await page.goto('/call?to=201');
  await expect(page.getByRole('button', { name: `Call from ${OWN}` })).toBeVisible();
  expect(await seriousViolations(page), '/call?to=201').toEqual([]);
  await context.close();
});

test('the screen-pop opens the templated CRM URL when a call rings at the user’s phone', async ({ browser, baseURL }) => {
  const context = await loggedIn(browser, 'supervisor');
  const template = `${baseURL}/robots.txt?phone={callerNum}&call={call}&ext={extension}`;
  const saved = await context.request.put('/api/me/preferences', {
    headers: { origin: baseURL! },
    data: { screenPop: { url: template, on: 'ringing', open: 'tab' } },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');

  // Another phone calls the user's: Asterisk rings 115 first, and once it answers, dials 116.
  const admin = await loggedIn(browser, 'admin');
  const popup = context.waitForEvent('page', { timeout: 45_000 });
  const placed = await admin.request.post('/api/originate', { headers: { origin: baseURL! }, data: { from: OTHER, to: OWN } });
  expect(placed.status(), await placed.text()).toBe(200);
  const crm = await popup;
  const url = new URL(crm.url());
  expect(url.pathname).toBe('/robots.txt');
  expect(url.searchParams.get('ext')).toBe(OWN);
  expect(url.searchParams.get('call')).toMatch(/^[0-9]+\.[0-9]+$/);
  // And the toast keeps the link for when the browser blocks the tab.
  await expect(page.getByTestId('toast').getByRole('link', { name: 'Open in the CRM' })).toHaveAttribute('href', crm.url());

  await context.request.put('/api/me/preferences', { headers: { origin: baseURL! }, data: {} });
  await admin.close();
  await context.close();
});

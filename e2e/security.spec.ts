import { test, expect, type Page } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';
import { loggedIn } from './helpers';

/** Every CSP violation the page reports, from the DOM event and from the console. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(msg.text())) fromConsole.push(msg.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...fromConsole, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))];
}

test('the dashboard runs under its CSP with zero violations, and pages carry the security headers', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  const violations = await watchCsp(page);
  const res = await page.goto('/');
  const headers = res!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  // Open a dialog and reload: more of the UI's code paths run under the policy.
  await page.getByRole('button', { name: 'New call' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  expect(await violations()).toEqual([]);
  await context.close();
});

test('the login page runs its inline theme script under the nonce, with zero violations', async ({ page }) => {
  const violations = await watchCsp(page);
  await page.addInitScript(() => localStorage.setItem('callboard-theme', 'dark'));
  const res = await page.goto('/login');
  expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveClass(/dark/);
  // Loopback over plain HTTP is no risk: no warning.
  await expect(page.getByTestId('insecure-warning')).toHaveCount(0);
  expect(await violations()).toEqual([]);
});

test('a wallboard link trades its token for a cookie: the URL is clean, the board is live, no CSP violations', async ({ page }) => {
  const { token } = new UserStore(E2E_DATA).createToken(`e2e-sec-wall-${Date.now()}`, 'wallboard');
  const violations = await watchCsp(page);
  await page.goto(`/wallboard?token=${encodeURIComponent(token)}`);
  await expect(page).toHaveURL(/\/wallboard$/);
  expect(page.url()).not.toContain(token);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'cb_wallboard');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  // A reload needs no token any more.
  await page.reload();
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  expect(await violations()).toEqual([]);
});

test('a wallboard whose token is revoked says so, instead of landing on the login page', async ({ page }) => {
  const store = new UserStore(E2E_DATA);
  const { id, token } = store.createToken(`e2e-sec-revoked-${Date.now()}`, 'wallboard');
  await page.goto(`/wallboard?token=${encodeURIComponent(token)}`);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  store.revokeToken(id);
  // The server's recheck closes the socket; the board reloads and the gate says why.
  await expect(page).toHaveURL(/\/wallboard\/unavailable\?reason=revoked$/, { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This wallboard’s token was revoked');
});

test('a wallboard with a wrong or missing token gets a page that says why', async ({ page }) => {
  await page.goto('/wallboard?token=cbt_nope.nope');
  await expect(page).toHaveURL(/\/wallboard\/unavailable\?reason=invalid$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This wallboard’s token is not valid');
  await page.goto('/wallboard');
  await expect(page).toHaveURL(/\/wallboard\/unavailable\?reason=missing$/);
  await expect(page.getByTestId('wallboard-unavailable')).toContainText('npm run user -- token');
});

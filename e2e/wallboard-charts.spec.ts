import { test, expect } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';

for (const viewport of [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
]) {
  test(`at ${viewport.width}×${viewport.height} the wallboard's charts fit under the queues, with no scrollbar`, async ({ page }) => {
    const { token } = new UserStore(E2E_DATA).createToken(`e2e-wall-charts-${Date.now()}`, 'wallboard');
    await page.setViewportSize(viewport);
    await page.goto(`/wallboard?token=${encodeURIComponent(token)}&charts=1`);
    await expect(page.getByTestId('link-badge')).toHaveText('Live');
    await expect(page.getByTestId('wallboard-chart-calls').locator('canvas')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('wallboard-chart-waiting').locator('canvas')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('wallboard-queue').first()).toBeVisible();
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - innerWidth,
      y: document.documentElement.scrollHeight - innerHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });
    // The headline figures keep room of their own: each panel shows all it holds.
    for (const panel of await page.getByTestId('wallboard-queue').all())
      expect(await panel.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await page.screenshot({ path: `test-results/wallboard-charts-${viewport.width}.png` });
  });
}

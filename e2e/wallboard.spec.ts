import { test, expect } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { E2E_DATA } from './env';
import { fetchSnapshot } from './helpers';
import { queueStats } from '../lib/ui/queues';

test('the wallboard with a token shows each queue with the server’s numbers', async ({ page, request }) => {
  const { token } = new UserStore(E2E_DATA).createToken(`e2e-wall-${Date.now()}`, 'wallboard');
  const auth = { authorization: `Bearer ${token}` };

  await page.goto(`/wallboard?token=${encodeURIComponent(token)}`);
  await expect(page).toHaveURL(/\/wallboard/);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByRole('button')).toHaveCount(0); // no controls on a wall screen

  await expect(async () => {
    const expected = queueStats((await fetchSnapshot(request, auth)).state).map((q) => ({
      queue: q.id,
      waiting: q.waiting,
      free: q.agents.free,
      busy: q.agents.busy,
      paused: q.agents.paused,
    }));
    expect(expected.length).toBeGreaterThan(0);
    const shown = await page.getByTestId('wallboard-queue').evaluateAll((panels) =>
      panels.map((p) => {
        const n = (id: string) => Number(p.querySelector(`[data-testid="${id}"]`)?.textContent);
        return {
          queue: (p as HTMLElement).dataset.queue,
          waiting: n('wallboard-waiting'),
          free: n('wallboard-free'),
          busy: n('wallboard-busy'),
          paused: n('wallboard-paused'),
        };
      }),
    );
    expect(shown).toEqual(expected);
  }).toPass({ timeout: 20_000, intervals: [100, 250, 500] });
});

test('the wallboard refuses a wrong token, and says so', async ({ page }) => {
  await page.goto('/wallboard?token=cbt_nope.nope');
  await expect(page).toHaveURL(/\/wallboard\/unavailable\?reason=invalid$/);
});

import { test, expect } from '@playwright/test';
import { queueRates } from '../lib/stats/figures';
import { formatPercent } from '../lib/ui/format';
import { fetchSnapshot, loggedIn } from './helpers';

test('the queue cards show today’s own answered, abandoned and SLA, equal to the server’s, with Asterisk’s beside', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('queue-asterisk').first()).toContainText('Asterisk:');
  await expect(async () => {
    const { state } = await fetchSnapshot(context.request);
    const shown = await page.getByTestId('queue-card').evaluateAll((cards) =>
      cards.map((c) => {
        const t = (id: string) => c.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
        return [(c as HTMLElement).dataset.queue, Number(t('queue-answered')), Number(t('queue-abandoned')), t('queue-sla')];
      }),
    );
    expect(shown).toEqual(
      Object.keys(state.queues)
        .sort()
        .map((id) => {
          const d = state.queueDays[id];
          const sla = queueRates(d).slaPercent;
          return [id, d.answered, d.abandoned, sla === null ? '—' : formatPercent(sla)];
        }),
    );
  }).toPass({ timeout: 20_000, intervals: [100, 250, 500] });
  await context.close();
});

test('the Today page: the day’s figures as the server counts them, three charts, and one queue at a time', async ({ browser }) => {
  const context = await loggedIn(browser, 'supervisor');
  const page = await context.newPage();
  await page.goto('/today');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  const offered = async (queue: string | null) => {
    const { state } = await fetchSnapshot(context.request);
    return Object.values(state.queueDays)
      .filter((q) => queue === null || q.id === queue)
      .reduce((n, q) => n + q.offered, 0);
  };
  await expect(async () => expect(Number(await page.getByTestId('today-offered').textContent())).toBe(await offered(null))).toPass({
    timeout: 20_000,
  });
  for (const chart of ['chart-calls', 'chart-sla', 'chart-waiting'])
    await expect(page.getByTestId(chart).locator('canvas')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('today-queue').selectOption('sales');
  await expect(async () => expect(Number(await page.getByTestId('today-offered').textContent())).toBe(await offered('sales'))).toPass({
    timeout: 20_000,
  });
  await page.screenshot({ path: 'test-results/today.png', fullPage: true });
  await context.close();
});

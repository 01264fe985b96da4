/**
 * The wallboard read from across a room: labels big and bright enough, today's
 * figures per queue, a stale board that dims everywhere, and a board that needs
 * nothing but queue-level data.
 */
import { test, expect, type Page } from '@playwright/test';
import { UserStore } from '../server/auth/user-store';
import { queueStats } from '../lib/ui/queues';
import { formatPercent } from '../lib/ui/format';
import { E2E_DATA } from './env';
import { countsOf, fetchSnapshot } from './helpers';
import { contrastOf, effectiveOpacity, isClipped } from './measure';
import { aggregatesOnly, rewriteServerPackets } from './ws-route';

const LABELS = /^(waiting|longest wait|answered|abandoned|sla|free|busy|paused)$/i;

function token(): { token: string; auth: Record<string, string> } {
  const { token } = new UserStore(E2E_DATA).createToken(`e2e-room-${Date.now()}-${Math.random()}`, 'wallboard');
  return { token, auth: { authorization: `Bearer ${token}` } };
}

async function open(page: Page, t: string): Promise<void> {
  await page.goto(`/wallboard?token=${encodeURIComponent(t)}`);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('wallboard-queue').first()).toBeVisible();
}

/** What each queue panel shows, as numbers and text. */
async function shownFigures(page: Page) {
  return page.getByTestId('wallboard-queue').evaluateAll((panels) =>
    panels.map((p) => {
      const t = (id: string) => p.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
      return {
        queue: (p as HTMLElement).dataset.queue,
        waiting: Number(t('wallboard-waiting')),
        answered: Number(t('wallboard-answered')),
        abandoned: Number(t('wallboard-abandoned')),
        sla: t('wallboard-sla'),
        free: Number(t('wallboard-free')),
        busy: Number(t('wallboard-busy')),
        paused: Number(t('wallboard-paused')),
      };
    }),
  );
}

test.describe('at 1920×1080', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('every label is at least 3 % of the screen height, at 7:1 contrast, and not cut off', async ({ page }) => {
    await open(page, token().token);
    const panels = page.getByTestId('wallboard-queue');
    const count = await panels.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const labels = panels.nth(i).getByText(LABELS);
      // Waiting, longest wait, answered, abandoned, SLA, free, busy, paused.
      await expect(labels).toHaveCount(8);
      for (const label of await labels.all()) {
        const name = await label.textContent();
        const size = await label.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
        expect(size, `${name}: font size`).toBeGreaterThanOrEqual(0.03 * 1080);
        expect(await contrastOf(label), `${name}: contrast`).toBeGreaterThanOrEqual(7);
        expect(await isClipped(label), `${name}: clipped`).toBe(false);
      }
    }
    // The header's words too.
    for (const item of await page.getByTestId('wallboard-totals').locator('[data-testid^="wallboard-total-"]').all()) {
      expect(await contrastOf(item.locator('span').last())).toBeGreaterThanOrEqual(7);
    }
  });

  test('each queue shows today’s answered, abandoned and SLA, equal to the server’s', async ({ page, request }) => {
    const t = token();
    await open(page, t.token);
    await expect(async () => {
      const stats = queueStats((await fetchSnapshot(request, t.auth)).state);
      const expected = stats.map((q) => ({
        queue: q.id,
        waiting: q.waiting,
        answered: q.answered,
        abandoned: q.abandoned,
        sla: Number.isFinite(q.sla) ? formatPercent(q.sla) : '—',
        free: q.agents.free,
        busy: q.agents.busy,
        paused: q.agents.paused,
      }));
      expect(await shownFigures(page)).toEqual(expected);
    }).toPass({ timeout: 20_000, intervals: [100, 250, 500] });
  });
});

test('at 1280×720 nothing on the wallboard is cut off or overflows the screen', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, token().token);
  for (const label of await page.getByTestId('wallboard-queue').getByText(LABELS).all()) {
    expect(await isClipped(label), String(await label.textContent())).toBe(false);
  }
  const overflow = await page.evaluate(() => ({
    x: document.documentElement.scrollWidth - innerWidth,
    y: document.documentElement.scrollHeight - innerHeight,
  }));
  expect(overflow).toEqual({ x: 0, y: 0 });
  for (const panel of await page.getByTestId('wallboard-queue').all()) {
    expect(await panel.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  }
});

test('with queue-level data only (no channels, calls or caller names) the wallboard shows every figure', async ({ page, request }) => {
  const t = token();
  await rewriteServerPackets(page, aggregatesOnly);
  await open(page, t.token);
  await expect(async () => {
    const snapshot = await fetchSnapshot(request, t.auth);
    const stats = queueStats(snapshot.state);
    const sum = (f: (q: (typeof stats)[number]) => number) => stats.reduce((n, q) => n + f(q), 0);
    expect((await shownFigures(page)).map((q) => [q.queue, q.waiting, q.answered, q.abandoned, q.free, q.busy, q.paused])).toEqual(
      stats.map((q) => [q.id, q.waiting, q.answered, q.abandoned, q.agents.free, q.agents.busy, q.agents.paused]),
    );
    const totals = await page
      .getByTestId('wallboard-totals')
      .locator('[data-testid^="wallboard-total-"]')
      .evaluateAll((items) =>
        Object.fromEntries(
          items.map((i) => [
            (i as HTMLElement).dataset.testid!.slice('wallboard-total-'.length),
            Number(i.querySelector('span')?.textContent),
          ]),
        ),
      );
    // Agents are people: one in two queues counts once.
    const people = countsOf(snapshot);
    expect(totals).toEqual({
      waiting: sum((q) => q.waiting),
      answered: sum((q) => q.answered),
      abandoned: sum((q) => q.abandoned),
      free: people.free,
      busy: people.busy,
      paused: people.paused,
    });
  }).toPass({ timeout: 20_000, intervals: [100, 250, 500] });
});

test('while stale, the header counts dim like the panels', async ({ page }) => {
  const { sockets } = await rewriteServerPackets(page, (p) => p);
  await open(page, token().token);
  const totals = page.getByRole('banner').getByText('waiting', { exact: true });
  // The dimming is a transition: wait for it to settle.
  await expect.poll(() => effectiveOpacity(totals)).toBe(1);
  // Cut the link and keep it cut: refuse new polls, close the upgraded socket.
  await page.unroute(/\/socket\.io\/.*transport=polling/);
  await page.route(/\/socket\.io\//, (route) => route.abort());
  await expect.poll(() => sockets.length).toBeGreaterThan(0);
  for (const ws of sockets) await ws.close();
  await expect(page.getByRole('main')).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('link-badge')).not.toHaveText('Live');
  // Across the wall, undimmed: a TV must never pass frozen figures off as live.
  await expect(page.getByTestId('wallboard-stale')).toContainText(/Stale since \d\d:\d\d:\d\d/);
  expect(await effectiveOpacity(page.getByTestId('wallboard-stale'))).toBe(1);
  await expect.poll(() => effectiveOpacity(totals)).toBeLessThanOrEqual(0.6);
  await expect.poll(() => effectiveOpacity(page.getByTestId('wallboard-queue').first())).toBeLessThanOrEqual(0.6);
});

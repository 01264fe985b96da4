/**
 * The dashboard's layout measured against the viewport: agents in view on a
 * laptop, a calls panel as tall as its calls, a usable phone toolbar, and a
 * toast that leaves the Hang up buttons alone.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { fetchSnapshot, loggedIn } from './helpers';
import { isClipped } from './measure';
import { PHONES } from '../server/demo-pbx/directory';
import type { Snapshot } from '../lib/protocol';

// Not serial: one failure must not hide the others. A failure restarts the worker, and beforeAll logs in again.
let admin: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  admin = await loggedIn(browser, 'admin');
  page = await admin.newPage();
  await page.goto('/');
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('agent-tile').first()).toBeVisible();
  await expect(page.getByTestId('call-row').first()).toBeVisible({ timeout: 20_000 });
});

test.afterAll(async () => {
  await admin.close();
});

async function tilesInView(p: Page): Promise<{ tiles: number; below: number; scrollY: number }> {
  return p.getByTestId('agent-tile').evaluateAll((tiles) => ({
    tiles: tiles.length,
    below: tiles.filter((t) => t.getBoundingClientRect().bottom > innerHeight || t.getBoundingClientRect().top < 0).length,
    scrollY: scrollY,
  }));
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`at ${viewport.width}×${viewport.height} the whole agent grid is on screen without scrolling`, async () => {
    await page.setViewportSize(viewport);
    await page.evaluate(() => scrollTo(0, 0));
    await expect.poll(() => tilesInView(page)).toMatchObject({ below: 0, scrollY: 0 });
    expect((await tilesInView(page)).tiles).toBeGreaterThan(0);
  });
}

test('the calls panel is as tall as its calls: one matching call, one row of space', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  // A row whose call the server still has (the demo PBX may end one between the two reads): retry, never skip.
  let call: Snapshot['state']['calls'][string] | undefined;
  await expect(async () => {
    const id = await page.getByTestId('call-row').first().getAttribute('data-call-id');
    call = (await fetchSnapshot(admin.request)).state.calls[id!];
    expect(call).toBeDefined();
  }).toPass({ timeout: 20_000, intervals: [250, 500] });
  if (!call) throw new Error('unreachable: toPass checked it');
  const search = page.getByRole('searchbox', { name: 'Search calls' });
  await search.fill(call.from.num || call.to.num);
  const scroller = page.getByTestId('calls-scroller');
  await expect(page.getByTestId('call-row')).not.toHaveCount(0);
  const rows = await page.getByTestId('call-row').count();
  await expect.poll(async () => (await scroller.boundingBox())!.height).toBeLessThanOrEqual(rows * 72 + 2);
  await search.fill('');
});

test('a toast never covers the Hang up buttons', async () => {
  await page.setViewportSize({ width: 1200, height: 800 });
  // Any answer will do: the toast is what is measured. 199 is no phone, so nothing rings.
  const from = '199';
  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  await dialog.getByLabel('From extension').fill(from);
  await dialog.getByLabel('To number').fill('999');
  await dialog.getByRole('button', { name: 'Call' }).click();
  const toast = page.getByTestId('toast').first();
  await expect(toast).toBeVisible();
  const t = (await toast.boundingBox())!;
  const buttons = await page.getByRole('button', { name: /^Hang up call/ }).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right };
    }),
  );
  expect(buttons.length).toBeGreaterThan(0);
  // The table scrolls under a fixed toast, so no button may share its columns.
  for (const b of buttons)
    expect(b.right <= t.x || b.left >= t.x + t.width, `toast ${t.x}–${t.x + t.width}, button ${b.left}–${b.right}`).toBe(true);
  for (const d of await page.getByRole('button', { name: 'Dismiss' }).all()) await d.click();
});

test('the tab title says how many callers wait', async () => {
  // A call into the sales queue (500) waits while its agents ring.
  const snapshot = await fetchSnapshot(admin.request);
  const inCall = new Set<string>();
  for (const c of Object.values(snapshot.state.calls)) for (const n of [c.from.num, c.to.num]) inCall.add(n);
  const idle = PHONES.map((p) => p.exten).filter((x) => !inCall.has(x));
  // Not awaited before the check: an originate answers only with Asterisk's OriginateResponse. But
  // awaited before the test ends, or the request outlives its context and fails whichever test runs next.
  const placed = idle.slice(-2).map((from) => admin.request.post('/api/originate', { data: { from, to: '500' } }).catch(() => null));
  await expect
    .poll(
      async () => {
        const waiting = Number(await page.getByTestId('count-waiting').textContent());
        const title = await page.title();
        return waiting > 0 && title === `(${waiting} waiting) Callboard`;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBe(true);
  await Promise.all(placed);
});

test.describe('on a phone (390×844)', () => {
  test('the filters keep their width, the search hint fits, and no stat label is cut off', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Filter by state', 'Filter by queue']) {
      const box = (await page.getByRole('combobox', { name }).boundingBox())!;
      expect(box.width, name).toBeGreaterThanOrEqual(120);
    }
    const search = page.getByRole('searchbox', { name: 'Search calls' });
    const fits = await search.evaluate((input: HTMLInputElement) => {
      const s = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return { text: ctx.measureText(input.placeholder).width, room };
    });
    expect(fits.text).toBeLessThanOrEqual(fits.room);
    const labels = page.getByRole('region', { name: 'Totals' }).locator(':scope > div > div:first-child');
    await expect(labels).toHaveCount(5);
    for (const label of await labels.all()) expect(await isClipped(label), String(await label.textContent())).toBe(false);
  });
});

test('sorting: a text column sorts A→Z on its first click, with distinct icons and aria-sort', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const header = page.getByRole('columnheader', { name: 'From' });
  const icon = () => header.locator('svg').innerHTML();
  const unsorted = await icon();
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  const names = () =>
    page.getByTestId('call-row').evaluateAll((rows) =>
      rows
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((r) => {
          // The From cell shows a name over its number, or the number alone; the table sorts by the first line.
          const party = r.querySelectorAll('[role="cell"]')[1]?.firstElementChild;
          return (party?.children.length ? party.children[0] : party)?.textContent ?? '';
        }),
    );
  await expect
    .poll(async () => {
      const n = await names();
      return n.length > 1 && n.every((x, i) => i === 0 || n[i - 1].localeCompare(x, undefined, { numeric: true }) <= 0);
    })
    .toBe(true);
  const ascending = await icon();
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  const descending = await icon();
  expect(new Set([unsorted, ascending, descending]).size).toBe(3);
  await page.getByRole('columnheader', { name: 'Duration' }).getByRole('button').click();
});

test('a viewer’s table has no empty actions column', async ({ browser }) => {
  const viewer = await loggedIn(browser, 'viewer');
  const p = await viewer.newPage();
  await p.setViewportSize({ width: 1440, height: 900 });
  await p.goto('/');
  await expect(p.getByTestId('call-row').first()).toBeVisible({ timeout: 20_000 });
  // The header row has the rows' grid and never ends mid-test, as a call row can.
  const row = (await p.getByRole('row', { name: /^Direction From To State Queue Duration$/ }).boundingBox())!;
  const duration = (await p.getByRole('columnheader', { name: 'Duration' }).boundingBox())!;
  // Only the row's own padding (16 px) right of the last column.
  expect(row.x + row.width - (duration.x + duration.width)).toBeLessThanOrEqual(20);
  await viewer.close();
});

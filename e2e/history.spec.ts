/**
 * The /history page against the demo PBX with the history on: the rows are
 * the REST's own first page for the same filters, the search narrows them,
 * a row opens its timeline, the CSV link carries the filters, and axe finds
 * nothing serious in either theme, on a desktop or a phone.
 */
import { test, expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallRecord } from '../lib/history/record';
import { apiQuery, defaultFilters, localDay, type HistoryFilters } from '../lib/ui/history/query';
import { E2E_PORT } from './env';
import { loggedIn } from './helpers';
import { seriousViolations } from './axe';
import { startPrivateServer, stopPrivateServer, waitAllLive } from './private-server';

interface Page1 {
  calls: CallRecord[];
  next: string | null;
}

/** The first page the history page asks for (it reads 100 at a time). */
async function firstPage(request: APIRequestContext, f: HistoryFilters): Promise<Page1> {
  const res = await request.get(`/api/history?${apiQuery(f, { limit: 100 })}`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as Page1;
}

const today = () => defaultFilters(localDay(Date.now()));
const rowIds = (page: Page) =>
  page.$$eval('[data-testid="history-row"]', (rows) => rows.map((r) => (r as HTMLElement).dataset.callId ?? ''));
const countText = (p: Page1) =>
  p.next ? `${p.calls.length} calls loaded, more…` : `${p.calls.length} ${p.calls.length === 1 ? 'call' : 'calls'}`;

/** The page shows what the server answers for `f`; calls keep ending on the demo PBX, so retry until both agree at one moment. */
async function expectRowsMatchServer(page: Page, context: BrowserContext, f: HistoryFilters, url: string): Promise<Page1> {
  let last: Page1 = { calls: [], next: null };
  await expect(async () => {
    await page.goto(url);
    await expect(page.getByTestId('history-row').first()).toBeVisible();
    last = await firstPage(context.request, f);
    await expect(page.getByTestId('history-count')).toHaveText(countText(last), { timeout: 2000 });
    const shown = await rowIds(page);
    // Virtualised: the rows on screen are the first of the page's, in the server's order.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(last.calls.slice(0, shown.length).map((c) => c.id));
  }).toPass({ timeout: 45_000, intervals: [500, 1000, 2000] });
  return last;
}

let context: BrowserContext;

test.beforeAll(async ({ browser }) => {
  context = await loggedIn(browser, 'supervisor');
  // Records appear as the demo's calls end: wait for one rather than sleep.
  await expect
    .poll(async () => (await firstPage(context.request, today())).calls.length, { timeout: 90_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(1);
});

test.afterAll(async () => {
  await context.close();
});

test('the rows are the server’s first page; the search narrows them and lands in the URL', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  const all = await expectRowsMatchServer(page, context, today(), '/history');

  // A number of a call that ended: searching for it keeps that call and drops what does not match.
  const target = all.calls.find((c) => c.from.num.length >= 3) ?? all.calls[0];
  const q = target.from.num || target.from.name;
  await page.getByTestId('history-search').fill(q);
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(q);
  const narrowed = { ...today(), q };
  const found = await firstPage(context.request, narrowed);
  expect(found.calls.map((c) => c.id)).toContain(target.id);
  await expect(async () => {
    const shown = await rowIds(page);
    expect(shown).toContain(target.id);
    const allowed = new Set((await firstPage(context.request, narrowed)).calls.map((c) => c.id));
    for (const id of shown) expect(allowed.has(id), id).toBe(true);
  }).toPass({ timeout: 15_000 });

  // A reload keeps the search: the filters are the URL.
  await page.reload();
  await expect(page.getByTestId('history-search')).toHaveValue(q);
  await expect(page.getByTestId('history-row').first()).toBeVisible();
  await expect.poll(() => rowIds(page)).toContain(target.id);
  await page.close();
});

test('an outcome chip filters, and the rows match the server for it', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/history');
  await page.getByTestId('history-outcome-answered').click();
  await expect(page).toHaveURL(/[?&]outcome=answered/);
  await expect(page.getByTestId('history-outcome-answered')).toHaveAttribute('aria-pressed', 'true');
  await expectRowsMatchServer(page, context, { ...today(), outcomes: ['answered'] }, '/history?outcome=answered');
  for (const chip of await page.getByTestId('history-table').getByTestId('history-outcome').allInnerTexts()) expect(chip).toBe('Answered');
  await page.close();
});

test('a row opens the call’s record with its timeline, ended by who hung up; Esc closes it', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/history');
  const row = page.getByTestId('history-row').first();
  await expect(row).toBeVisible();
  const id = await row.getAttribute('data-call-id');
  await row.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  const timeline = dialog.getByTestId('call-timeline');
  await expect(timeline.locator('li[data-kind="start"]')).toHaveCount(1);
  await expect(timeline.locator('li[data-kind="hangup"]')).toContainText('Hung up');
  await expect(timeline.locator('li').last()).toContainText('Ended');
  await expect(dialog).toContainText(id ?? '');
  const pbx = await row.getAttribute('data-pbx');
  await expect.poll(() => new URL(page.url()).searchParams.get('call')).toBe(`${pbx}/${id}`);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // Focus is back on the row, so the keyboard goes on from where it was.
  await expect(row).toBeFocused();
  expect(new URL(page.url()).searchParams.has('call')).toBe(false);

  // A link names a call: it opens over any filters, read from the server when not among the rows.
  await page.goto(`/history?outcome=voicemail&from=2000-01-01&to=2000-01-01&call=${pbx}/${id}`);
  await expect(page.getByRole('dialog').getByTestId('call-timeline').locator('li[data-kind="hangup"]')).toContainText('Hung up');
  await page.goto(`/history?call=${pbx}/no-such-call`);
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('No call no-such-call');
  await page.close();
});

test('the CSV link carries the filters and answers CSV', async () => {
  const page = await context.newPage();
  await page.goto('/history?outcome=answered,missed&direction=inbound&q=a');
  const link = page.getByTestId('history-export');
  await expect(link).toHaveAttribute('download', 'calls.csv');
  const href = (await link.getAttribute('href')) ?? '';
  const params = new URL(href, 'http://x').searchParams;
  expect(params.get('format')).toBe('csv');
  // No limit: the whole selection, streamed.
  expect(params.get('limit')).toBeNull();
  expect(params.get('outcome')).toBe('answered,missed');
  expect(params.get('direction')).toBe('inbound');
  expect(params.get('q')).toBe('a');
  expect(Number(params.get('from'))).toBeGreaterThan(0);
  expect(Number(params.get('to'))).toBeGreaterThan(Number(params.get('from')));
  const res = await context.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^text\/csv/);
  expect((await res.text()).split('\n')[0]).toMatch(/,/);
  await page.close();
});

test('scrolling to the end loads the next pages by the cursor, up to the oldest call', async () => {
  test.setTimeout(120_000);
  // Pages of 5 instead of 100, so the demo's first minutes of calls make several pages.
  await expect
    .poll(async () => (await firstPage(context.request, today())).calls.length, { timeout: 90_000, intervals: [2000] })
    .toBeGreaterThanOrEqual(12);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1024, height: 500 });
  const cursors: string[] = [];
  await page.route('**/api/history?*', (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.get('format') === 'csv') return route.continue();
    url.searchParams.set('limit', '5');
    const cursor = url.searchParams.get('cursor');
    if (cursor) cursors.push(cursor);
    return route.continue({ url: url.toString() });
  });
  await page.goto('/history');
  await expect(page.getByTestId('history-row').first()).toBeVisible();
  const more = page.getByTestId('history-more');
  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(more).toContainText('matching calls are shown', { timeout: 1000 });
  }).toPass({ timeout: 60_000, intervals: [200, 500] });
  expect(new Set(cursors).size).toBeGreaterThanOrEqual(2);
  const n = Number((await more.innerText()).match(/All ([\d,]+)/)?.[1].replace(/,/g, ''));
  expect(n).toBeGreaterThanOrEqual(12);
  // The oldest calls do not move while new ones end: at the bottom, the rows are the server's last, in order.
  // (The last page grew the list after the last scroll: scroll again until the window has caught up.)
  const whole = await context.request.get(`/api/history?${apiQuery(today(), { limit: 1000 })}`);
  const ids = ((await whole.json()) as Page1).calls.map((c) => c.id);
  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const shown = await rowIds(page);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(ids.slice(ids.length - shown.length));
  }).toPass({ timeout: 10_000, intervals: [200, 500] });
  await page.close();
});

test('history page and a call’s record, light and dark, desktop and phone-sized: no serious violation', async () => {
  test.setTimeout(120_000);
  // Each theme once and each size once: colours do not change with the width, nor the layout with the theme.
  for (const [t, viewport] of [
    ['light', { width: 1440, height: 900 }],
    ['dark', { width: 390, height: 844 }],
  ] as const) {
    const page = await context.newPage();
    await page.addInitScript((value) => localStorage.setItem('callboard-theme', value), t);
    await page.setViewportSize(viewport);
    await page.goto('/history');
    await expect(page.getByTestId('link-badge')).toHaveText('Live');
    await expect(page.getByTestId('history-row').first()).toBeVisible();
    await expect(page.getByRole('main')).toHaveCount(1);
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    expect(await seriousViolations(page), `history ${t} ${viewport.width}px`).toEqual([]);
    // The table stacks on a phone: nothing of the page's own is wider than the screen (the shared header's
    // section nav scrolls inside it; e2e/a11y.spec.ts measures the whole page).
    expect(
      await page.evaluate(() => {
        const main = document.querySelector('main');
        const table = document.querySelector('[data-testid="history-table"]');
        return !!main && main.scrollWidth <= window.innerWidth && !!table && table.getBoundingClientRect().right <= window.innerWidth;
      }),
    ).toBe(true);
    await page.getByTestId('history-row').first().click();
    await expect(page.getByTestId('call-timeline')).toBeVisible();
    expect(await seriousViolations(page, 'dialog'), `call record ${t} ${viewport.width}px`).toEqual([]);
    await page.close();
  }
});

test('with the history off, the page says so in the server’s words and offers no export', async ({ browser }) => {
  test.setTimeout(120_000);
  const port = E2E_PORT + 4;
  const baseURL = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-history-off-'));
  const server = startPrivateServer(port, { CALLBOARD_DATA: dataDir, CALLBOARD_HISTORY: 'off', CALLBOARD_SEED: '1' });
  try {
    await waitAllLive(baseURL);
    const off = await loggedIn(browser, 'supervisor', baseURL);
    const page = await off.newPage();
    await page.goto('/history');
    await expect(page.getByTestId('history-error')).toContainText('The call history is off');
    await expect(page.getByTestId('history-export')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await off.close();
  } finally {
    await stopPrivateServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

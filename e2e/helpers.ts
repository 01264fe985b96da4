import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Snapshot } from '../lib/protocol';
import { agentsFromMembers, countAgents } from '../lib/ui/agents';
import { countCalls } from '../lib/ui/calls';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
const sessions = new Map<string, StorageState>();

/**
 * A browser context logged in through the real login API (demo accounts: password = user name).
 *
 * Each user logs in once per server and the cookie is reused: the server limits logins per
 * address, and a suite that logged in for every test would sooner or later hit that limit
 * and fail on whichever test came next. Tests that log out must log in on their own.
 */
export async function loggedIn(browser: Browser, user: string, baseURL?: string): Promise<BrowserContext> {
  const key = `${baseURL ?? ''} ${user}`;
  const known = sessions.get(key);
  if (known) return browser.newContext({ ...(baseURL ? { baseURL } : {}), storageState: known });
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const res = await context.request.post('/api/login', { data: { username: user, password: user } });
  expect(res.status(), await res.text()).toBe(200);
  sessions.set(key, await context.storageState());
  return context;
}

export async function fetchSnapshot(request: APIRequestContext, headers?: Record<string, string>): Promise<Snapshot> {
  const res = await request.get('/api/snapshot', { headers });
  expect(res.status()).toBe(200);
  return (await res.json()) as Snapshot;
}

export interface Counts {
  active: number;
  waiting: number;
  free: number;
  busy: number;
  paused: number;
}

/** The header counts the server's state implies. */
export function countsOf(snapshot: Snapshot): Counts {
  const agents = countAgents(agentsFromMembers(snapshot.state.members).map((a) => a.status));
  return {
    active: countCalls(snapshot.state.calls).active,
    waiting: Object.keys(snapshot.state.callers).length,
    free: agents.free,
    busy: agents.busy,
    paused: agents.paused,
  };
}

export async function countsOnPage(page: Page): Promise<Counts> {
  const read = async (id: string) => Number(await page.getByTestId(id).textContent());
  return {
    active: await read('count-active'),
    waiting: await read('count-waiting'),
    free: await read('count-free'),
    busy: await read('count-busy'),
    paused: await read('count-paused'),
  };
}

/** The page's counts equal the server's at some moment (the PBX keeps moving, so retry). */
export async function expectCountsMatchServer(page: Page, request: APIRequestContext): Promise<void> {
  await expect(async () => {
    const expected = countsOf(await fetchSnapshot(request));
    expect(await countsOnPage(page)).toEqual(expected);
  }).toPass({ timeout: 20_000, intervals: [100, 250, 500] });
}

/** Ids of the call rows rendered (the table is virtualised: the ones in view). */
export function renderedCallIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="call-row"]', (rows) => rows.map((r) => (r as HTMLElement).dataset.callId ?? ''));
}

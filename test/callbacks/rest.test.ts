/**
 * /api/callbacks on the running server over real HTTP: who may read and
 * mark, queue scopes, masked numbers, Done once (audited), ringing back
 * through the runner's originate, and every bad input a clear 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from '../../lib/history/callbacks';
import type { CallRecord } from '../../lib/history/record';
import { json, login, startStack, type Stack } from '../server/harness';
import { waitFor } from '../support/wait-for';
import { replayJournal } from '../history/journal-replay';

let stack: Stack;
const cookies = { admin: '', lead: '', deskless: '' };
const tokens = { viewer: '', wallboard: '' };
// The transcript's calls, on the demo PBX; one caller given a long number so masking shows.
const RECORDS: CallRecord[] = replayJournal('10-sip-busy-hour').records.map((r) => ({ ...r, pbx: 'demo' }));
// A sales caller whose number the demo PBX can ring (its phones are 1xx).
const firstSales = RECORDS.filter((r) => r.outcome === 'abandoned' && r.queues.at(-1) === 'sales').sort((a, b) => a.endedAt - b.endedAt)[0];
RECORDS.push({ ...firstSales, id: 'callable.1', from: { name: 'Pat Desk', num: '102' }, endedAt: firstSales.endedAt + 1 });
const OWED = RECORDS.filter((r) => r.outcome === 'abandoned').sort((a, b) => a.endedAt - b.endedAt);
const BILLING = OWED.find((r) => r.queues.at(-1) === 'billing')!;
const SALES = OWED.find((r) => r.id === 'callable.1')!;
const LONG = RECORDS.findIndex((r) => r.id === BILLING.id);
RECORDS[LONG] = { ...RECORDS[LONG], from: { name: 'Ann Long', num: '+15551234567' } };
const SEEDED = new Set(OWED.map((r) => r.id));

beforeAll(async () => {
  stack = await startStack({ env: { CALLBOARD_MASK_NUMBERS: 'viewer' } });
  await stack.app.history!.callbacks.apply(RECORDS);
  await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
  stack.app.auth.store.updateUser('lead', { queues: ['sales'], extension: '101' });
  await stack.app.auth.store.addUser('deskless', 'supervisor', 'deskless-password');
  cookies.admin = await login(stack.url, 'admin', 'admin');
  cookies.lead = await login(stack.url, 'lead', 'lead-password');
  cookies.deskless = await login(stack.url, 'deskless', 'deskless-password');
  tokens.viewer = stack.app.auth.store.createToken('reader', 'viewer').token;
  tokens.wallboard = stack.app.auth.store.createToken('lobby', 'wallboard').token;
});
afterAll(async () => {
  await stack?.close();
});

type Auth = { cookie?: string; token?: string };
const headers = (auth: Auth) => ({
  ...(auth.cookie ? { cookie: auth.cookie } : {}),
  ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
});
const get = (path: string, auth: Auth = {}) => fetch(`${stack.url}${path}`, { headers: headers(auth) });
const post = (path: string, auth: Auth = {}) => fetch(`${stack.url}${path}`, { method: 'POST', headers: headers(auth) });
const page = async (res: Response) => (await json(res)) as unknown as { callbacks: Callback[]; next: string | null };
// The demo's own traffic may owe callbacks meanwhile: only the seeded ones are compared.
const seeded = (list: Callback[]) => list.filter((c) => SEEDED.has(c.id));

describe('GET /api/callbacks', () => {
  it('wants a login, and is not for a wallboard', async () => {
    expect((await get('/api/callbacks')).status).toBe(401);
    const wall = await get('/api/callbacks', { token: tokens.wallboard });
    expect(wall.status).toBe(403);
    expect(await json(wall)).toMatchObject({ code: 'forbidden' });
  });

  it('lists the open callbacks oldest first, and filters by queue', async () => {
    const all = seeded((await page(await get('/api/callbacks?limit=500', { cookie: cookies.admin }))).callbacks);
    expect(all.map((c) => c.id)).toEqual(OWED.filter((r, i, a) => a.findIndex((o) => o.from.num === r.from.num) === i).map((r) => r.id));
    const billing = seeded((await page(await get('/api/callbacks?queue=billing', { cookie: cookies.admin }))).callbacks);
    expect(billing.length).toBeGreaterThan(0);
    expect(billing.every((c) => c.queue === 'billing')).toBe(true);
  });

  it('a user limited to sales sees only sales', async () => {
    const mine = seeded((await page(await get('/api/callbacks', { cookie: cookies.lead }))).callbacks);
    expect(mine.map((c) => c.id)).toContain(SALES.id);
    expect(mine.every((c) => c.queue === 'sales')).toBe(true);
  });

  it('a masked role gets masked numbers', async () => {
    const viewer = (await page(await get('/api/callbacks?queue=billing', { token: tokens.viewer }))).callbacks;
    expect(viewer.find((c) => c.id === BILLING.id)).toMatchObject({ number: '+1555•••••67', name: 'Ann Long' });
    const admin = (await page(await get('/api/callbacks?queue=billing', { cookie: cookies.admin }))).callbacks;
    expect(admin.find((c) => c.id === BILLING.id)).toMatchObject({ number: '+15551234567' });
  });

  it('refuses a bad query with a message that names it', async () => {
    for (const [query, field] of [
      ['state=lost', /^state/],
      ['limit=0', /^limit/],
      ['limit=x', /^limit/],
      ['state=done&since=-1', /^since/],
      ['since=5', /^since: only with state=done/],
      ['pbx=a%20b', /^pbx/],
      ['cursor=xyz', /^cursor/],
      ['color=red', /Unknown parameter color/],
    ] as const) {
      const res = await get(`/api/callbacks?${query}`, { cookie: cookies.admin });
      expect(res.status, query).toBe(400);
      expect(await json(res)).toMatchObject({ error: expect.stringMatching(field), code: 'invalid' });
    }
  });
});

describe('POST /api/callbacks/{pbx}/{id}/done', () => {
  it('is refused to a viewer (403, audited) and to a wallboard', async () => {
    const res = await post(`/api/callbacks/demo/${BILLING.id}/done`, { token: tokens.viewer });
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ code: 'forbidden', error: expect.stringMatching(/supervisor or an admin/) });
    expect((await post(`/api/callbacks/demo/${BILLING.id}/done`, { token: tokens.wallboard })).status).toBe(403);
    const audit = (await json(await get('/api/audit?action=callback-done&result=forbidden', { cookie: cookies.admin }))) as {
      entries: { who: string }[];
    };
    expect(audit.entries.map((e) => e.who)).toContain('token:reader');
  });

  it('another queue’s callback does not exist for a scoped user', async () => {
    expect((await post(`/api/callbacks/demo/${BILLING.id}/done`, { cookie: cookies.lead })).status).toBe(404);
    expect((await post('/api/callbacks/demo/no-such-call/done', { cookie: cookies.admin })).status).toBe(404);
    expect((await post('/api/callbacks/a%20b/x/done', { cookie: cookies.admin })).status).toBe(400);
  });

  it('marks it done once, names who did it, audits it; a second Done is a 409 that says who', async () => {
    const res = await post(`/api/callbacks/demo/${BILLING.id}/done`, { cookie: cookies.admin });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, callback: { state: 'done', doneBy: 'admin', doneHow: 'user' } });
    const again = await post(`/api/callbacks/demo/${BILLING.id}/done`, { cookie: cookies.admin });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: expect.stringMatching(/^Already done by admin/) });
    const audit = (await json(await get('/api/audit?action=callback-done&result=ok', { cookie: cookies.admin }))) as {
      entries: { who: string; pbx: string; params: { id: string; number: string } }[];
    };
    expect(audit.entries.at(-1)).toMatchObject({ who: 'admin', pbx: 'demo', params: { id: BILLING.id, number: '+15551234567' } });
    const done = seeded(
      (await page(await get(`/api/callbacks?state=done&since=${Date.now() - 60_000}`, { cookie: cookies.admin }))).callbacks,
    );
    expect(done.map((c) => [c.id, c.doneBy])).toEqual([[BILLING.id, 'admin']]);
    const openBilling = (await page(await get('/api/callbacks?queue=billing&limit=500', { cookie: cookies.admin }))).callbacks;
    expect((await stack.app.history!.callbacks.owedByQueue('demo')).get('billing')).toBe(openBilling.length);
  });
});

describe('POST /api/callbacks/{pbx}/{id}/reopen (Undo)', () => {
  it('opens a Done again for whoever marked it, audited; another supervisor may not, and twice is a 409', async () => {
    const mine = seeded((await page(await get('/api/callbacks', { cookie: cookies.lead }))).callbacks);
    const target = mine.find((c) => c.id !== SALES.id)!;
    expect((await post(`/api/callbacks/demo/${target.id}/done`, { cookie: cookies.lead })).status).toBe(200);
    const other = await post(`/api/callbacks/demo/${target.id}/reopen`, { cookie: cookies.deskless });
    expect(other.status).toBe(403);
    expect(await json(other)).toMatchObject({ error: expect.stringMatching(/^Only lead or an admin/) });
    expect((await post(`/api/callbacks/demo/${target.id}/reopen`, { token: tokens.viewer })).status).toBe(403);
    const undo = await post(`/api/callbacks/demo/${target.id}/reopen`, { cookie: cookies.lead });
    expect(undo.status).toBe(200);
    expect(await json(undo)).toMatchObject({ callback: { state: 'open', doneBy: null } });
    const again = await post(`/api/callbacks/demo/${target.id}/reopen`, { cookie: cookies.lead });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: 'It is open already' });
    const audit = (await json(await get('/api/audit?action=callback-reopen&result=ok', { cookie: cookies.admin }))) as {
      entries: { who: string; params: { id: string } }[];
    };
    expect(audit.entries.at(-1)).toMatchObject({ who: 'lead', params: { id: target.id } });
  });
});

describe('POST /api/callbacks/{pbx}/{id}/call', () => {
  it('rings the caller from the user’s own phone through originate, and notes who called back', async () => {
    const res = await post(`/api/callbacks/demo/${SALES.id}/call`, { cookie: cookies.lead });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ ok: true, callback: { calledBy: 'lead', calls: 1, state: 'open' } });
    await waitFor(async () => {
      const audit = (await json(await get('/api/audit?action=originate&actor=lead', { cookie: cookies.admin }))) as {
        entries: { params: { from: string; to: string }; result: string }[];
      };
      return audit.entries.some((e) => e.params.from === '101' && e.params.to === SALES.from.num && e.result === 'ok');
    }, 'the originate audited');
  });

  it('without a phone of one’s own it is a 400 that says what to do; a viewer may not call at all', async () => {
    const res = await post(`/api/callbacks/demo/${SALES.id}/call`, { cookie: cookies.deskless });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: expect.stringMatching(/no phone of your own/) });
    const viewer = await post(`/api/callbacks/demo/${SALES.id}/call`, { token: tokens.viewer });
    expect(viewer.status).toBe(403);
    expect(await json(viewer)).toMatchObject({ code: 'forbidden' });
  });
});

describe('the wiring', () => {
  it('a call the history stores becomes a callback, and listeners hear of it', async () => {
    const heard: string[] = [];
    const stop = stack.app.history!.callbacks.onChange((c) => heard.push(c.pbx));
    const record: CallRecord = { ...firstSales, id: 'wired.1', from: { name: 'Wired', num: '5550199' }, endedAt: firstSales.endedAt + 2 };
    stack.app.history!.recorder.writer.add([record]);
    await waitFor(() => heard.includes('demo'), 'the change heard');
    expect(await stack.app.history!.callbacks.get('demo', 'wired.1')).toMatchObject({ state: 'open', number: '5550199' });
    stop();
  });
});

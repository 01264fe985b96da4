/**
 * GET /api/history and /api/history/{id} on the running server: who may
 * read, filters, cursor pages, CSV, queue scopes and masked numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { json, login, startStack, type Stack } from '../server/harness';
import { replayJournal } from './journal-replay';

let stack: Stack;
const cookies = { admin: '', lead: '' };
const tokens = { viewer: '', wallboard: '' };
const RECORDS: CallRecord[] = [
  ...replayJournal('02-queue-answered-and-abandoned').records,
  ...replayJournal('09-supervisor-tools').records,
].map((r) => ({ ...r, pbx: 'demo' }));
const LONG = RECORDS.findIndex((r) => r.id === '1795664569.98');
RECORDS[LONG] = { ...RECORDS[LONG], from: { name: 'Ann Long', num: '+15551234567' } };
// The transcripts' hours: the demo's own calls, written meanwhile, start later.
const RANGE = `from=${Math.min(...RECORDS.map((r) => r.startedAt))}&to=${Math.max(...RECORDS.map((r) => r.startedAt)) + 1}`;

beforeAll(async () => {
  stack = await startStack({ env: { CALLBOARD_MASK_NUMBERS: 'viewer' } });
  await stack.app.history!.store.insert(RECORDS);
  await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
  stack.app.auth.store.updateUser('lead', { queues: ['sales'] });
  cookies.admin = await login(stack.url, 'admin', 'admin');
  cookies.lead = await login(stack.url, 'lead', 'lead-password');
  tokens.viewer = stack.app.auth.store.createToken('reader', 'viewer').token;
  tokens.wallboard = stack.app.auth.store.createToken('lobby', 'wallboard').token;
});
afterAll(async () => {
  await stack?.close();
});

const get = (path: string, auth: { cookie?: string; token?: string } = {}) =>
  fetch(`${stack.url}${path}`, {
    headers: { ...(auth.cookie ? { cookie: auth.cookie } : {}), ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}) },
  });
const calls = async (res: Response) => (await json(res)) as unknown as { calls: CallRecord[]; next: string | null };
const ids = (records: CallRecord[]) => records.map((r) => r.id);
const newest = (records: CallRecord[]) => ids([...records].sort((a, b) => b.startedAt - a.startedAt));

describe('GET /api/history', () => {
  it('wants a login, and is not for a wallboard', async () => {
    expect((await get(`/api/history?${RANGE}`)).status).toBe(401);
    const wall = await get(`/api/history?${RANGE}`, { token: tokens.wallboard });
    expect(wall.status).toBe(403);
    expect(await json(wall)).toMatchObject({ code: 'forbidden' });
  });

  it('lists the calls newest first, filtered, and pages by cursor', async () => {
    const all = await calls(await get(`/api/history?${RANGE}`, { cookie: cookies.admin }));
    expect(ids(all.calls)).toEqual(newest(RECORDS));
    expect(all.next).toBeNull();
    const abandoned = await calls(await get(`/api/history?${RANGE}&outcome=abandoned`, { cookie: cookies.admin }));
    expect(ids(abandoned.calls)).toEqual(['1795664570.104']);
    const billing = await calls(await get(`/api/history?${RANGE}&queue=billing,nowhere`, { cookie: cookies.admin }));
    expect(ids(billing.calls)).toEqual(['1796114697.41']);
    const paged: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const page = await calls(await get(`/api/history?${RANGE}&limit=2${next ? `&cursor=${next}` : ''}`, { cookie: cookies.admin }));
      expect(page.calls.length).toBeLessThanOrEqual(2);
      paged.push(...ids(page.calls));
      next = page.next;
    }
    expect(paged).toEqual(newest(RECORDS));
  });

  it('answers CSV with ?format=csv, a formula-looking cell defused', async () => {
    const res = await get(`/api/history?${RANGE}&format=csv`, { cookie: cookies.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['id', 'pbx', 'started']);
    expect(lines).toHaveLength(RECORDS.length + 1);
    expect(lines.find((l) => l.startsWith('1795664569.98,'))).toContain(`"'+15551234567"`);
  });

  it('a CSV without a limit is the whole selection, streamed past one page; with one, a page and its cursor', async () => {
    const base = RECORDS[0];
    // A day far from every other call: 2,500 calls, more than two of the export's pages.
    const day = Date.parse('2020-01-01T00:00:00Z');
    const many = Array.from({ length: 2_500 }, (_, k) => ({ ...base, id: `export-${k}`, startedAt: day + k * 1000 }));
    await stack.app.history!.store.insert(many);
    const range = `from=${day}&to=${day + 86_400_000}`;
    const all = await get(`/api/history?${range}&format=csv`, { cookie: cookies.admin });
    expect(all.status).toBe(200);
    const rows = (await all.text()).trimEnd().split('\r\n');
    expect(rows).toHaveLength(2_500 + 1);
    expect(new Set(rows.slice(1).map((r) => r.split(',')[0])).size).toBe(2_500);
    const one = await get(`/api/history?${range}&format=csv&limit=1000`, { cookie: cookies.admin });
    expect((await one.text()).trimEnd().split('\r\n')).toHaveLength(1_001);
    expect(one.headers.get('x-next-cursor')).toBeTruthy();
    // A bad cursor is still a clear 400, before any CSV is sent.
    const bad = await get(`/api/history?${range}&format=csv&cursor=xyz`, { cookie: cookies.admin });
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, expect.stringMatching(/json/)]);
  });

  it('refuses a bad query or cursor with a message that names it', async () => {
    const bad = await get(`/api/history?outcome=lost`, { cookie: cookies.admin });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: expect.stringMatching(/^outcome/), code: 'invalid' });
    const cursor = await get(`/api/history?cursor=xyz`, { cookie: cookies.admin });
    expect(cursor.status).toBe(400);
    expect(await json(cursor)).toMatchObject({ error: expect.stringMatching(/^cursor/) });
  });

  it('a user limited to sales sees only the calls counted in sales; another queue’s call does not exist for them', async () => {
    const mine = await calls(await get(`/api/history?${RANGE}`, { cookie: cookies.lead }));
    expect(ids(mine.calls)).toEqual(['1795664569.98']);
    expect((await get('/api/history/1795664570.104', { cookie: cookies.lead })).status).toBe(404);
    expect((await get('/api/history/1795664569.98', { cookie: cookies.lead })).status).toBe(200);
  });

  it('a masked role gets masked numbers, and cannot find a number by searching for it', async () => {
    const admin = await calls(await get(`/api/history?${RANGE}&q=5551234`, { cookie: cookies.admin }));
    expect(ids(admin.calls)).toEqual(['1795664569.98']);
    const viewer = await calls(await get(`/api/history?${RANGE}&q=5551234`, { token: tokens.viewer }));
    expect(viewer.calls).toEqual([]);
    const one = (await json(await get('/api/history/1795664569.98', { token: tokens.viewer }))) as unknown as CallRecord;
    expect(one.from).toEqual({ name: 'Ann Long', num: '+1555•••••67' });
  });
});

describe('GET /api/history/{id}', () => {
  it('gives the whole record, by the default PBX or by /api/pbx/{id}/…, and 404 for an unknown call', async () => {
    const want = RECORDS.find((r) => r.id === '1796114697.41')!;
    expect(await json(await get('/api/history/1796114697.41', { cookie: cookies.admin }))).toEqual(want);
    expect(await json(await get('/api/pbx/demo/history/1796114697.41', { cookie: cookies.admin }))).toEqual(want);
    const missing = await get('/api/history/no-such-call', { cookie: cookies.admin });
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ code: 'not-found' });
  });
});

/**
 * GET /api/stats on the running server: who may read it, a past day
 * counted from the history, today's equal to the board's own figures, queue
 * scopes, and clear answers to bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { dayAt } from '../../lib/stats/day';
import { queueRates } from '../../lib/stats/figures';
import { DayTally } from '../../lib/stats/tally';
import { json, login, startStack, waitFor, type Stack } from '../server/harness';
import { replayJournal } from '../history/journal-replay';

let stack: Stack;
const cookies = { admin: '', lead: '' };
let wallboard = '';
const RECORDS: CallRecord[] = [
  ...replayJournal('02-queue-answered-and-abandoned').records,
  ...replayJournal('09-supervisor-tools').records,
].map((r) => ({ ...r, pbx: 'demo' }));
const DAY = dayAt(RECORDS[0].startedAt, { timeZone: 'UTC', startMinutes: 0 });

beforeAll(async () => {
  stack = await startStack({ env: { CALLBOARD_TIME_ZONE: 'UTC' } });
  await stack.app.history!.store.insert(RECORDS);
  await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
  stack.app.auth.store.updateUser('lead', { queues: ['sales'] });
  cookies.admin = await login(stack.url, 'admin', 'admin');
  cookies.lead = await login(stack.url, 'lead', 'lead-password');
  wallboard = stack.app.auth.store.createToken('lobby', 'wallboard').token;
});
afterAll(async () => {
  await stack?.close();
});

const get = (path: string, auth: { cookie?: string; token?: string } = {}) =>
  fetch(`${stack.url}${path}`, {
    headers: { ...(auth.cookie ? { cookie: auth.cookie } : {}), ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}) },
  });

interface StatsBody {
  date: string;
  live: boolean;
  queues: { queue: string; offered: number; answered: number; abandoned: number; slaPercent: number | null }[];
  agents: { interface: string; queues: string[]; handled: number }[];
  hours: { offered: number }[];
  all: { offered: number };
}

describe('GET /api/stats', () => {
  it('wants a login; a wallboard gets the queues but no agent', async () => {
    expect((await get('/api/stats')).status).toBe(401);
    const wall = await get('/api/stats', { token: wallboard });
    expect(wall.status).toBe(200);
    const body = (await json(wall)) as Record<string, unknown>;
    expect(body.queues).toBeInstanceOf(Array);
    expect(body.hours).toBeInstanceOf(Array);
    expect(body).not.toHaveProperty('agents');
  });

  it('a past day: counted from the history, per queue, per agent and per hour', async () => {
    const res = await get(`/api/stats?date=${DAY.date}`, { cookie: cookies.admin });
    expect(res.status).toBe(200);
    const body = (await json(res)) as unknown as StatsBody;
    const expected = new DayTally(DAY);
    for (const r of RECORDS) expected.addRecord(r);
    expect(body.live).toBe(false);
    expect(body.queues.map((q) => [q.queue, q.offered, q.answered, q.abandoned, q.slaPercent])).toEqual(
      [...expected.queues.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((q) => [q.id, q.offered, q.answered, q.abandoned, queueRates(q).slaPercent]),
    );
    expect(body.all.offered).toBe([...expected.queues.values()].reduce((n, q) => n + q.offered, 0));
    expect(body.hours).toHaveLength(24);
    for (const [id, m] of expected.members) {
      const agent = body.agents.find((a) => a.interface === m.interface);
      expect([id, agent?.queues.includes(m.queue)]).toEqual([id, true]);
    }
  });

  it("today: the board's own figures, the ones the cards show", async () => {
    await waitFor(() => Object.values(stack.app.session.state.queueDays).some((q) => q.answered > 0), 'an answered call today', 30_000);
    const body = (await json(await get('/api/stats', { cookie: cookies.admin }))) as unknown as StatsBody;
    expect(body.live).toBe(true);
    const state = stack.app.session.state;
    // The day only grows while traffic runs: what the answer said is at most what the board holds a moment later.
    for (const q of body.queues) expect(q.answered).toBeLessThanOrEqual(state.queueDays[q.queue]?.answered ?? 0);
    expect(body.queues.map((q) => q.queue).sort()).toEqual(Object.keys(state.queues).sort());
  });

  it('a lead limited to sales sees sales and its members only', async () => {
    const body = (await json(await get(`/api/stats?date=${DAY.date}`, { cookie: cookies.lead }))) as unknown as StatsBody;
    expect(body.queues.map((q) => q.queue)).toEqual(['sales']);
    for (const a of body.agents) expect(a.queues).toEqual(['sales']);
    const today = (await json(await get('/api/stats', { cookie: cookies.lead }))) as unknown as StatsBody;
    expect(today.queues.map((q) => q.queue)).toEqual(['sales']);
  });

  it('bad input gets a clear 400 or 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/stats?date=2026-02-30', 400, /not a day/],
      ['/api/stats?date=tomorrow', 400, /not a day/],
      ['/api/stats?date=2999-01-01', 400, /has not begun/],
      ['/api/stats?when=today', 400, /Unrecognized key/],
      ['/api/stats?pbx=nowhere', 404, /No PBX/],
    ];
    for (const [path, status, message] of cases) {
      const res = await get(path, { cookie: cookies.admin });
      expect([path, res.status]).toEqual([path, status]);
      expect(((await json(res)) as { error: string }).error).toMatch(message);
    }
  });
});

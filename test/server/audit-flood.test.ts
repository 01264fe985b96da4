/**
 * The audit log under a flood of refusals: one throttle for every route
 * (socket actions, REST actions, REST resync), counts instead of lines past
 * it, and a paged, filtered view in which real entries stay findable.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@/server/actions/audit';
import { json, login, startStack, type Stack } from './harness';

let stack: Stack;
let admin: string;
let viewer: string;
beforeAll(async () => {
  stack = await startStack({ app: { actionRateLimit: { limit: 1000, windowMs: 60_000 } } });
  [admin, viewer] = await Promise.all([login(stack.url, 'admin', 'admin'), login(stack.url, 'viewer', 'viewer')]);
});
afterAll(async () => {
  await stack?.close();
});

const lines = () => fs.readFileSync(stack.app.audit.file, 'utf8').split('\n').filter(Boolean).length;
const post = (path: string, cookie: string) =>
  fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
const page = async (query: string) =>
  (await json(await fetch(`${stack.url}/api/audit?${query}`, { headers: { cookie: admin } }))) as {
    entries: AuditEntry[];
    next: number | null;
  };

describe('a flood of refused resyncs', () => {
  it('writes a bounded number of lines, counts the rest, and real entries stay visible', async () => {
    // A real entry from before the flood.
    const ok = await post('/api/resync', admin);
    expect(ok.status).toBe(200);
    const before = lines();

    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => post('/api/resync', viewer)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses).toHaveLength(2000);
    expect(statuses.every((s) => s === 403)).toBe(true);

    // A burst is written, then about one line per second per actor.
    const written = lines() - before;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(40);

    // The count of what was not written goes with the actor's next entry or, when none comes, a summary line.
    stack.app.audit.flushSuppressed();
    const mine = (await page('actor=viewer&action=resync&limit=1000')).entries;
    // An entry stands for itself plus the refusals before it that were not written; a summary line only for those.
    const summary = (e: AuditEntry) => /similar refusals? suppressed/.test(e.message);
    const accounted = mine.filter((e) => e.result === 'forbidden').reduce((n, e) => n + (summary(e) ? 0 : 1) + (e.unwritten ?? 0), 0);
    expect(accounted).toBe(2000);
    expect(mine.at(-1)?.message).toMatch(/^\d+ similar refusals suppressed/);

    // The admin's own resync is still there, found by filter.
    const real = (await page('actor=admin&action=resync')).entries;
    expect(real).toContainEqual(expect.objectContaining({ who: 'admin', action: 'resync', result: 'ok' }));
  });

  it('shares the throttle with socket and REST actions of the same actor', async () => {
    const before = lines();
    const results = await Promise.all([
      ...Array.from({ length: 200 }, () => post('/api/calls/1.2/hangup', viewer)),
      ...Array.from({ length: 200 }, () => post('/api/resync', viewer)),
    ]);
    expect(results.every((r) => r.status === 403)).toBe(true);
    // The viewer's bucket was emptied by the flood above: only a trickle is written.
    expect(lines() - before).toBeLessThanOrEqual(10);
  });
});

describe('GET /api/audit', () => {
  it('pages backwards with before= and filters by actor, action and result', async () => {
    const first = await page('limit=5');
    expect(first.entries).toHaveLength(5);
    expect(first.next).toEqual(expect.any(Number));
    const second = await page(`limit=5&before=${first.next}`);
    expect(second.entries).toHaveLength(5);
    // No overlap, and the second page is older: together they are the file's last ten lines, in order. (Two lines
    // of one flood can be equal to the millisecond, so entries are compared by place, not by looking for twins.)
    const tail = fs.readFileSync(stack.app.audit.file, 'utf8').split('\n').filter(Boolean).slice(-10);
    expect([...second.entries, ...first.entries]).toEqual(tail.map((line) => JSON.parse(line) as AuditEntry));
    expect(second.entries.at(-1)!.time <= first.entries[0].time).toBe(true);

    // Walking the whole log page by page gives every line once.
    let all: AuditEntry[] = [];
    let cursor: number | null = null;
    do {
      const p = await page(`limit=7${cursor === null ? '' : `&before=${cursor}`}`);
      all = [...p.entries, ...all];
      cursor = p.next;
    } while (cursor !== null);
    expect(all.length).toBe(lines());

    const forbidden = await page('result=forbidden&actor=viewer&limit=1000');
    expect(forbidden.entries.length).toBeGreaterThan(0);
    expect(forbidden.entries.every((e) => e.who === 'viewer' && e.result === 'forbidden')).toBe(true);
  });

  it('answers bad parameters with a clear 400', async () => {
    for (const [query, message] of [
      ['limit=0', /limit is at least 1/],
      ['limit=5000', /limit is at most 1000/],
      ['before=-3', /never negative/],
      ['before=abc', /before must be a number/],
      ['who=admin', /Unknown parameter who/],
    ] as const) {
      const res = await fetch(`${stack.url}/api/audit?${query}`, { headers: { cookie: admin } });
      expect(res.status, query).toBe(400);
      expect(await json(res)).toEqual({ error: expect.stringMatching(message), code: 'invalid' });
    }
  });
});

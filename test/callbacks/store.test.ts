/**
 * The callbacks table on SQLite and on PostgreSQL alike: batches folded in,
 * one open row per caller, Done once, the per-queue count and the listeners.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { CallbackCursorError, CallbackStore } from '../../server/callbacks/store';
import type { HistoryStore } from '../../server/history/store';
import { DIALECTS, historyDatabase } from '../support/history-db';
import { replayJournal } from '../history/journal-replay';

const RECORDS = replayJournal('10-sip-busy-hour').records;
const ABANDONED = RECORDS.filter((r) => r.outcome === 'abandoned').sort((a, b) => a.endedAt - b.endedAt);
const FIRST = ABANDONED[0];
const ANSWERED = RECORDS.find((r) => r.outcome === 'answered' && r.queues.length > 0)!;

const shifted = (r: CallRecord, ms: number, id: string): CallRecord => ({ ...r, id, startedAt: r.startedAt + ms, endedAt: r.endedAt + ms });

describe.each(DIALECTS)('callback store on %s', (dialect) => {
  const db = historyDatabase(dialect, 'callbacks');
  let history: HistoryStore;
  let store: CallbackStore;
  const skip = db.skip;

  beforeAll(() => {
    if (skip) return;
    history = db.store;
    store = new CallbackStore(history);
  });

  beforeEach(async (ctx) => {
    if (skip) ctx.skip(skip);
    await history.db.withTables<{ callbacks: { pbx: string } }>().deleteFrom('callbacks').execute();
  });

  it('folds the busy hour in: one open callback per abandoned caller, oldest first, counted per queue', async () => {
    expect(await store.apply(RECORDS)).toBeGreaterThan(0);
    const { callbacks, next } = await store.list({ state: 'open' });
    expect(next).toBeNull();
    const numbers = callbacks.map((c) => c.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual(expect.arrayContaining(ABANDONED.map((r) => r.from.num)));
    expect(callbacks.map((c) => c.firstAt)).toEqual([...callbacks.map((c) => c.firstAt)].sort((a, b) => a - b));
    expect(callbacks[0]).toMatchObject({ id: FIRST.id, number: FIRST.from.num, queue: 'billing', attempts: 1, state: 'open' });
    const owed = await store.owedByQueue('main');
    expect(owed.get('billing')).toBe(callbacks.filter((c) => c.queue === 'billing').length);
    expect([...owed.values()].reduce((a, b) => a + b, 0)).toBe(callbacks.length);
    expect((await store.owedByQueue('elsewhere')).size).toBe(0);
    // Applied again (the writer may hand a batch twice): nothing changes.
    await store.apply(RECORDS);
    expect((await store.list({ state: 'open' })).callbacks).toEqual(callbacks);
  });

  it('a repeat attempt in a later batch bumps the row; an answered call back closes it as auto', async () => {
    await store.apply([FIRST]);
    await store.apply([shifted(FIRST, 60_000, 'again.1')]);
    expect(await store.get('main', FIRST.id)).toMatchObject({ attempts: 2, lastCallId: 'again.1', state: 'open' });
    const back: CallRecord = {
      ...shifted(ANSWERED, FIRST.endedAt + 120_000 - ANSWERED.startedAt, 'back.1'),
      direction: 'outbound',
      queues: [],
      agent: null,
      from: { name: 'Alice', num: '2001' },
      to: { name: '', num: FIRST.from.num },
    };
    await store.apply([back]);
    expect(await store.get('main', FIRST.id)).toMatchObject({ state: 'done', doneHow: 'auto', doneBy: 'auto', doneCallId: 'back.1' });
    // Owed again afterwards: a new row, the old one stays done.
    await store.apply([shifted(FIRST, 300_000, 'later.1')]);
    const open = (await store.list({ state: 'open' })).callbacks;
    expect(open.map((c) => c.id)).toEqual(['later.1']);
  });

  it('marks done once, with who and when; a second Done says who got there first', async () => {
    await store.apply([FIRST]);
    const changes: string[] = [];
    const stop = store.onChange((c) => changes.push(c.pbx));
    const ok = await store.markDone('main', FIRST.id, 'lead', 1_000_000);
    expect(ok).toMatchObject({ ok: true, callback: { state: 'done', doneBy: 'lead', doneHow: 'user', doneAt: 1_000_000 } });
    expect(await store.markDone('main', FIRST.id, 'admin', 2_000_000)).toMatchObject({
      ok: false,
      reason: 'done',
      callback: { doneBy: 'lead' },
    });
    expect(await store.markDone('main', 'nope', 'admin', 2_000_000)).toEqual({ ok: false, reason: 'absent' });
    expect(changes).toEqual(['main']);
    stop();
    const done = await store.list({ state: 'done', since: 999_999 });
    expect(done.callbacks.map((c) => c.id)).toEqual([FIRST.id]);
    expect((await store.list({ state: 'done', since: 1_000_001 })).callbacks).toEqual([]);
    expect((await store.owedByQueue('main')).get('billing')).toBeUndefined();
  });

  it('reopens a Done by a person; not an automatic close, nor when the caller is owed a newer one', async () => {
    await store.apply([FIRST]);
    await store.markDone('main', FIRST.id, 'lead', 1_000);
    expect(await store.reopen('main', FIRST.id)).toMatchObject({ ok: true, callback: { state: 'open', doneBy: null } });
    expect(await store.get('main', FIRST.id)).toMatchObject({ state: 'open', doneBy: null, doneHow: null, doneAt: null });
    expect(await store.reopen('main', FIRST.id)).toMatchObject({ ok: false, reason: 'open' });
    await store.markDone('main', FIRST.id, 'lead', 2_000);
    await store.apply([shifted(FIRST, 60_000, 'newer.1')]);
    expect(await store.reopen('main', FIRST.id)).toMatchObject({ ok: false, reason: 'owed-again' });
    const back: CallRecord = { ...shifted(ANSWERED, FIRST.endedAt + 120_000 - ANSWERED.startedAt, 'back.2'), from: FIRST.from };
    await store.apply([back]);
    expect(await store.reopen('main', 'newer.1')).toMatchObject({ ok: false, reason: 'auto' });
    expect(await store.reopen('main', 'nope')).toEqual({ ok: false, reason: 'absent' });
  });

  it('notes who called back; filters by queue and scope; pages by cursor; refuses a foreign cursor', async () => {
    await store.apply(RECORDS);
    const noted = await store.noteCall('main', FIRST.id, 'lead', 5);
    expect(noted).toMatchObject({ calledBy: 'lead', calledAt: 5, calls: 1, state: 'open' });
    const all = (await store.list({ state: 'open' })).callbacks;
    const sales = (await store.list({ state: 'open', queues: ['sales'] })).callbacks;
    expect(sales.every((c) => c.queue === 'sales')).toBe(true);
    expect((await store.list({ state: 'open', scope: ['sales'] })).callbacks).toEqual(sales);
    expect((await store.list({ state: 'open', scope: [] })).callbacks).toEqual([]);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await store.list({ state: 'open', limit: 3, cursor });
      paged.push(...page.callbacks.map((c) => c.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(paged).toEqual(all.map((c) => c.id));
    await expect(store.list({ state: 'open', cursor: 'xyz' })).rejects.toBeInstanceOf(CallbackCursorError);
  });
});

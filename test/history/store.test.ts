/**
 * The history store and writer, on SQLite and on PostgreSQL alike: the
 * records are the journal's own, from transcripts 02, 09 and 10.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { HistoryCursorError, HistoryStore, type HistoryQuery } from '../../server/history/store';
import { HistoryWriter } from '../../server/history/writer';
import { DIALECTS, historyDatabase } from '../support/history-db';
import { waitFor } from '../support/wait-for';
import { replayJournal } from './journal-replay';

const RECORDS: CallRecord[] = [
  ...replayJournal('10-sip-busy-hour').records,
  ...replayJournal('02-queue-answered-and-abandoned').records,
  ...replayJournal('09-supervisor-tools').records.map((r) => ({ ...r, pbx: 'branch' })),
];

async function all(store: HistoryStore, q: HistoryQuery): Promise<CallRecord[]> {
  const out: CallRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.query({ ...q, cursor });
    out.push(...page.records);
    if (page.next === null) return out;
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

const newestFirst = (records: CallRecord[]) =>
  [...records].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => `${r.pbx}/${r.id}`);
const keys = (records: CallRecord[]) => records.map((r) => `${r.pbx}/${r.id}`);

describe.each(DIALECTS)('history store on %s', (dialect) => {
  const db = historyDatabase(dialect, 'history');
  let store: HistoryStore;
  const skip = db.skip;

  beforeAll(() => {
    if (!skip) store = db.store;
  });

  beforeEach(async (ctx) => {
    if (skip) ctx.skip(skip);
    await store.db.deleteFrom('calls').execute();
  });

  it('migrates on open, once: opening again finds the schema and keeps the rows', async () => {
    await store.insert(RECORDS.slice(0, 3));
    const again = await HistoryStore.open({ dataDir: db.dir, databaseUrl: db.url });
    try {
      expect(again.dialect).toBe(dialect);
      expect(await again.count()).toBe(3);
    } finally {
      await again.close();
    }
  });

  it('stores every record whole, and a record written twice once', async () => {
    await store.insert(RECORDS);
    await store.insert(RECORDS.slice(0, 10));
    expect(await store.count()).toBe(RECORDS.length);
    for (const r of RECORDS) expect(await store.get(r.pbx, r.id)).toEqual(r);
    expect(await store.get('main', 'no-such-call')).toBeUndefined();
  });

  it('pages newest first by (started_at, id), every record exactly once', async () => {
    await store.insert(RECORDS);
    const got = await all(store, { limit: 7 });
    expect(keys(got)).toEqual(newestFirst(RECORDS));
    const first = await store.query({ limit: 1000 });
    expect(first.next).toBeNull();
    await expect(store.query({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(HistoryCursorError);
  });

  it('filters by outcome, queue, direction, PBX, date range and scope', async () => {
    await store.insert(RECORDS);
    const expectFilter = async (q: HistoryQuery, keep: (r: CallRecord) => boolean) => {
      const want = RECORDS.filter(keep);
      expect(want.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(keys(await all(store, { ...q, limit: 10 })), JSON.stringify(q)).toEqual(newestFirst(want));
    };
    const queueOf = (r: CallRecord) => r.agent?.queue ?? r.queues[r.queues.length - 1] ?? '';
    await expectFilter({ outcomes: ['abandoned'] }, (r) => r.outcome === 'abandoned');
    await expectFilter({ outcomes: ['answered', 'transferred'] }, (r) => r.outcome === 'answered' || r.outcome === 'transferred');
    await expectFilter({ queues: ['billing'] }, (r) => queueOf(r) === 'billing');
    await expectFilter({ queues: ['sales'], outcomes: ['answered'] }, (r) => queueOf(r) === 'sales' && r.outcome === 'answered');
    await expectFilter({ pbx: 'branch' }, (r) => r.pbx === 'branch');
    await expectFilter({ direction: 'internal' }, (r) => r.direction === 'internal');
    const mid = RECORDS[Math.floor(RECORDS.length / 2)].startedAt;
    await expectFilter({ from: mid, to: mid + 10_000 }, (r) => r.startedAt >= mid && r.startedAt < mid + 10_000);
    await expectFilter({ scope: ['support', 'sales'] }, (r) => ['support', 'sales'].includes(queueOf(r)));
    expect((await store.query({ scope: [] })).records).toEqual([]);
  });

  it('searches numbers, names and agents in any case, with % and _ taken literally', async () => {
    await store.insert(RECORDS);
    const search = async (text: string) => keys(await all(store, { text, limit: 50 }));
    const has = (r: CallRecord, t: string) =>
      [r.from.num, r.from.name, r.to.num, r.to.name, r.agent?.name ?? '', r.did].some((v) => v.toLowerCase().includes(t.toLowerCase()));
    for (const text of ['jon park', 'ACCOUNT 601', '2900', 'Bob', '205']) {
      const want = newestFirst(RECORDS.filter((r) => has(r, text)));
      expect(want.length, text).toBeGreaterThan(0);
      expect(await search(text), text).toEqual(want);
    }
    expect(await search('%')).toEqual([]);
    expect(await search('2_0')).toEqual([]);
  });

  it('prunes what started before the retention bound', async () => {
    await store.insert(RECORDS);
    const cut = RECORDS[Math.floor(RECORDS.length / 3)].startedAt;
    const old = RECORDS.filter((r) => r.startedAt < cut).length;
    expect(await store.prune(cut)).toBe(old);
    expect(await store.count()).toBe(RECORDS.length - old);
  });

  it('the writer batches a burst into a few transactions, and close() writes what it still holds', async () => {
    let transactions = 0;
    const counting = Object.create(store) as HistoryStore;
    counting.insert = (records) => {
      transactions++;
      return store.insert(records);
    };
    const writer = new HistoryWriter(counting, { intervalMs: 200, batchSize: 100 });
    writer.add(RECORDS.slice(0, 60));
    expect(await store.count()).toBe(0); // held for the window
    await waitFor(() => writer.written === 60, 'the timed flush');
    const burst = Array.from({ length: 250 }, (_, i) => ({ ...RECORDS[i % RECORDS.length], id: `burst-${i}` }));
    writer.add(burst);
    const late = { ...RECORDS[0], id: 'at-shutdown' };
    writer.add([late]);
    await writer.close();
    expect(writer.written).toBe(311);
    // 60 on the timer; 251 more as 100 + 100 at the batch size and the rest at close, give or take one split.
    expect(transactions).toBeLessThanOrEqual(5);
    expect(await store.count()).toBe(311);
    expect(await store.get(late.pbx, late.id)).toEqual(late);
  });
});

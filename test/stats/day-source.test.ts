/**
 * What today's figures read back after a restart, on SQLite and on
 * PostgreSQL alike: a day's calls (by the day they started in) and the
 * membership spans that overlap it, written and read through the store.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { dayAt } from '../../lib/stats/day';
import { insertSpans, recordsOfDay, spansOfDay } from '../../server/stats/day-source';
import { DIALECTS, historyDatabase } from '../support/history-db';
import { replayJournal } from '../history/journal-replay';

const SOURCE = replayJournal('10-sip-busy-hour').records;
const DAY = dayAt(SOURCE[0].startedAt, { timeZone: 'UTC', startMinutes: 0 });
// 1,500 calls (more than one page of the reader) on the day, and some the day before and after.
const RECORDS: CallRecord[] = Array.from({ length: 1_500 }, (_, k) => ({
  ...SOURCE[k % SOURCE.length],
  id: `d-${k}`,
  startedAt: DAY.start + k * 1000,
}));
const OUTSIDE: CallRecord[] = [
  { ...SOURCE[0], id: 'before', startedAt: DAY.start - 1 },
  { ...SOURCE[0], id: 'after', startedAt: DAY.end },
  { ...SOURCE[0], id: 'other-pbx', pbx: 'branch', startedAt: DAY.start + 5 },
];

describe.each(DIALECTS)("a day's calls and spans on %s", (dialect) => {
  const db = historyDatabase(dialect, 'day');

  it('reads every call of the PBX that started in the day, across pages, and nothing else', async (ctx) => {
    if (db.skip) ctx.skip(db.skip);
    const { store } = db;
    await store.insert([...RECORDS, ...OUTSIDE]);
    const ids: string[] = [];
    for await (const page of recordsOfDay(store, 'main', DAY)) for (const r of page) ids.push(r.id);
    expect(ids.sort()).toEqual(RECORDS.map((r) => r.id).sort());
  });

  it('keeps finished spans, and reads back those that overlap the day, times intact', async (ctx) => {
    if (db.skip) ctx.skip(db.skip);
    const { store } = db;
    const spans = [
      {
        queue: 'sales',
        interface: 'PJSIP/201',
        kind: 'pause' as const,
        reason: 'Lunch',
        startedAt: DAY.start - 600_000,
        endedAt: DAY.start + 60_000,
      },
      {
        queue: 'sales',
        interface: 'PJSIP/201',
        kind: 'login' as const,
        reason: '',
        startedAt: DAY.start + 1,
        endedAt: DAY.start + 7_200_000,
      },
      {
        queue: 'sales',
        interface: 'PJSIP/202',
        kind: 'pause' as const,
        reason: '',
        startedAt: DAY.start - 7_200_000,
        endedAt: DAY.start - 1,
      },
    ];
    await insertSpans(store, 'main', spans);
    await insertSpans(store, 'branch', [spans[1]]);
    expect(await spansOfDay(store, 'main', DAY)).toEqual(expect.arrayContaining([spans[0], spans[1]]));
    expect(await spansOfDay(store, 'main', DAY)).toHaveLength(2);
    // Retention takes the spans that ended before the cut with the calls.
    await store.prune(DAY.start);
    expect(await spansOfDay(store, 'main', { ...DAY, start: 0 })).toHaveLength(2);
  });
});

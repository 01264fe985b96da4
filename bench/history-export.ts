/**
 * The CSV export of one busy day: 50,000 calls on one day (among 10,000 on
 * the day before, so the filter does work), exported whole as
 * `GET /api/history?format=csv` streams it (server/history/csv-export.ts, a
 * page of 1,000 at a time), beside the naive export that reads the whole
 * day in one query and builds one string. Time, bytes, and the process's
 * heap growth, on SQLite and on PostgreSQL (a throwaway cluster, skipped
 * when not installed).
 *
 *   npx tsx bench/history-export.ts [--calls 50000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CallRecord } from '../lib/history/record';
import { csvHeader, csvRows } from '../server/history/csv';
import { csvExport } from '../server/history/csv-export';
import { HistoryStore } from '../server/history/store';
import { findPostgresBin, startPostgres } from '../test/support/postgres';
import { replayJournal } from '../test/history/journal-replay';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '50000' } } });
const N = Number(values.calls);
const DAY = Date.parse('2026-11-30T00:00:00Z');
const source = replayJournal('10-sip-busy-hour').records;
const make = (k: number, start: number, span: number): CallRecord => {
  const r = source[k % source.length];
  const startedAt = start + Math.floor((k / N) * span);
  return {
    ...r,
    id: `x-${start}-${k}`,
    startedAt,
    endedAt: startedAt + (r.endedAt - r.startedAt),
    from: { ...r.from, num: `+1555${String(k).padStart(7, '0')}` },
  };
};

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heap = () => process.memoryUsage().heapUsed;

async function run(label: string, store: HistoryStore) {
  for (let k = 0; k < N; k += 5000)
    await store.insert(Array.from({ length: Math.min(5000, N - k) }, (_, i) => make(k + i, DAY, 86_000_000)));
  for (let k = 0; k < 10_000; k += 5000)
    await store.insert(Array.from({ length: 5000 }, (_, i) => make(k + i, DAY - 86_400_000, 86_000_000)));
  const filters = { from: DAY, to: DAY + 86_400_000, textIn: 'all' as const, scope: null };

  gc();
  let base = heap();
  let peak = base;
  let t = performance.now();
  let bytes = 0;
  let rows = -1;
  for await (const chunk of csvExport(store, filters, { mask: false })) {
    bytes += Buffer.byteLength(chunk);
    rows += chunk.split('\r\n').length - 1;
    peak = Math.max(peak, heap());
  }
  const streamed = { ms: performance.now() - t, bytes, rows, heapGrowthMB: (peak - base) / 1048576 };

  gc();
  base = heap();
  t = performance.now();
  const all = await store.query({ ...filters, limit: 1000 });
  // The naive export: every row of the day in one read (no page limit), one string.
  const whole: CallRecord[] = [];
  for (let cursor: string | null = all.next, page = all; ;) {
    whole.push(...page.records);
    if (!cursor) break;
    page = await store.query({ ...filters, limit: 1000, cursor });
    cursor = page.next;
  }
  const text = csvHeader() + csvRows(whole);
  const naive = { ms: performance.now() - t, bytes: Buffer.byteLength(text), rows: whole.length, heapGrowthMB: (heap() - base) / 1048576 };

  console.log(
    `${label.padEnd(10)} streamed: ${streamed.rows.toLocaleString('en')} calls, ${(streamed.bytes / 1048576).toFixed(1)} MB in ${(streamed.ms / 1000).toFixed(2)} s ` +
      `(${Math.round(streamed.rows / (streamed.ms / 1000)).toLocaleString('en')} calls/s), heap +${streamed.heapGrowthMB.toFixed(0)} MB at most; ` +
      `whole day in memory first: ${(naive.ms / 1000).toFixed(2)} s, heap +${naive.heapGrowthMB.toFixed(0)} MB (×${(naive.heapGrowthMB / Math.max(1, streamed.heapGrowthMB)).toFixed(0)})`,
  );
  return { streamed, naive };
}

const results: Record<string, unknown> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-export-'));
try {
  const sqlite = await HistoryStore.open({ dataDir: dir });
  results.sqlite = await run('SQLite', sqlite);
  await sqlite.close();
  const bin = findPostgresBin();
  if (bin) {
    const pg = await startPostgres(bin);
    try {
      const store = await HistoryStore.open({ dataDir: dir, databaseUrl: pg.url });
      results.postgres = await run('PostgreSQL', store);
      await store.close();
    } finally {
      await pg.stop();
    }
  } else console.log('PostgreSQL: not installed, skipped');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(results));

/**
 * Call records written per second through the history writer, on SQLite and
 * on PostgreSQL, how long the event loop stalled meanwhile (the writer's
 * promise is that a burst never blocks it), and the bytes a stored call
 * takes. The records are the journal's own from transcript 10, copied under
 * new ids; they arrive in bursts of 50, a macrotask apart.
 *
 *   npx tsx bench/history-write.ts [--records 20000]
 *
 * PostgreSQL is a throwaway cluster (test/support/postgres.ts: fsync off, so
 * this is the database's CPU cost, not a disk's), skipped when not installed.
 * The naive design beside ours: one INSERT per record as each call ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { CallRecord } from '../lib/history/record';
import { HistoryStore } from '../server/history/store';
import { HistoryWriter } from '../server/history/writer';
import { findPostgresBin, startPostgres } from '../test/support/postgres';
import { replayJournal } from '../test/history/journal-replay';

const i = process.argv.indexOf('--records');
const N = i === -1 ? 20_000 : Number(process.argv[i + 1]);
const base = replayJournal('10-sip-busy-hour').records;
const records: CallRecord[] = Array.from({ length: N }, (_, k) => ({
  ...base[k % base.length],
  id: `bench-${k}`,
  startedAt: 1_800_000_000_000 + k,
}));

async function bytesPerCall(store: HistoryStore): Promise<number> {
  if (store.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const { rows } = await sql<{
      bytes: number;
    }>`select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(store.db);
    return Math.round(rows[0].bytes / N);
  }
  const { rows } = await sql<{ bytes: string }>`select pg_total_relation_size('calls') as bytes`.execute(store.db);
  return Math.round(Number(rows[0].bytes) / N);
}

async function run(label: string, store: HistoryStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await store.db.deleteFrom('calls').execute();
  const writer = new HistoryWriter(store);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let t = performance.now();
  for (let k = 0; k < N; k += 50) {
    writer.add(records.slice(k, k + 50));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.close();
  let s = (performance.now() - t) / 1000;
  delay.disable();
  out.batched = Math.round(N / s);
  out.loopDelayP99Ms = Math.round(delay.percentile(99) / 1e5) / 10;
  out.loopDelayMaxMs = Math.round(delay.max / 1e5) / 10;
  out.bytesPerCall = await bytesPerCall(store);
  await store.db.deleteFrom('calls').execute();
  const naive = Math.min(N, 5_000);
  t = performance.now();
  for (let k = 0; k < naive; k++) await store.insert([records[k]]);
  s = (performance.now() - t) / 1000;
  out.onePerRecord = Math.round(naive / s);
  console.log(
    `${label.padEnd(10)} batched ${out.batched.toLocaleString('en')} records/s, event loop delay p99 ${out.loopDelayP99Ms} ms, max ${out.loopDelayMaxMs} ms; ${out.bytesPerCall.toLocaleString('en')} bytes per stored call; one INSERT per record: ${out.onePerRecord.toLocaleString('en')} records/s`,
  );
  return out;
}

const results: Record<string, Record<string, number>> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-bench-'));
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
  } else console.log('PostgreSQL not installed: skipped');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ records: N, ...results }));

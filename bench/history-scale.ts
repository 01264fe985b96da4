/**
 * The call history at a million stored calls: how long the fill takes, what
 * a call costs on disk, and how fast each read the REST route and the day's
 * figures make stays once 90 days of a busy call centre are in it. Every
 * read goes through `HistoryStore` exactly as its caller makes it; beside the
 * cursor page stands the naive design, OFFSET paging, from the same run.
 *
 *   npx tsx bench/history-scale.ts [--calls 1000000] [--pg] [--runs 25]
 *
 * The records are transcript 10's (its queues and outcomes), copied under
 * new ids, spread evenly over the 90 days that end now, with callers drawn
 * from a pool of 200,000 numbers and names so a number search finds a few
 * calls, as a real one does. `--pg` runs the same on a throwaway PostgreSQL
 * cluster (test/support/postgres.ts: fsync off) instead of SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import type { CallRecord } from '../lib/history/record';
import { dayAt, type DayWindow } from '../lib/stats/day';
import { DayTally } from '../lib/stats/tally';
import { csvHeader, csvRows } from '../server/history/csv';
import { fromRow } from '../server/history/rows';
import { HistoryStore, type HistoryQuery } from '../server/history/store';
import { recordsOfDay } from '../server/stats/day-source';
import { findPostgresBin, startPostgres, type TestPostgres } from '../test/support/postgres';
import { replayJournal } from '../test/history/journal-replay';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const N = arg('--calls', 1_000_000);
const RUNS = arg('--runs', 25);
const PG = process.argv.includes('--pg');
const FILL_CHUNK = 5_000;
const DAY_MS = 86_400_000;
const SPAN_MS = 90 * DAY_MS;
const CALLERS = 200_000;
const PAGE = 50;
const PBX = 'main';

const base = replayJournal('10-sip-busy-hour').records;
const now = Date.now();
const first = now - SPAN_MS;

const FIRST_NAMES = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emil', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kofi', 'Lena', 'Mateo'];
const LAST_NAMES = ['Okafor', 'Stone', 'Kim', 'Novak', 'Silva', 'Müller', 'Rossi', 'Haddad', 'Tanaka', 'Dubois', 'Larsen'];

/** A caller of the pool: one number and one name each, so a caller's calls share both. */
function caller(n: number): { num: string; name: string } {
  // A multiplier prime to 9e9 spreads the pool's numbers over the whole range, each distinct.
  const num = `0${1_000_000_000 + ((n * 7_919_731) % 9_000_000_000)}`;
  const name = n % 5 === 0 ? '' : `${FIRST_NAMES[n % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(n / 13) % LAST_NAMES.length]} ${n % 97}`;
  return { num, name };
}

/** Deterministic, so two runs store the same calls. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(14);

const shift = (ms: number, by: number) => (ms > 0 ? ms + by : 0);

function record(k: number): CallRecord {
  const src = base[k % base.length];
  const startedAt = first + Math.floor((k * SPAN_MS) / N);
  const by = startedAt - src.startedAt;
  const from = caller(Math.floor(random() * CALLERS));
  return {
    ...src,
    id: `scale-${k}`,
    pbx: PBX,
    from: src.direction === 'outbound' ? src.from : from,
    to: src.direction === 'outbound' ? from : src.to,
    startedAt,
    queuedAt: shift(src.queuedAt, by),
    answeredAt: shift(src.answeredAt, by),
    endedAt: shift(src.endedAt, by),
    legs: src.legs.map((l) => ({ ...l, startedAt: shift(l.startedAt, by), endedAt: shift(l.endedAt, by) })),
  };
}

interface Timing {
  medianMs: number;
  p95Ms: number;
  runs: number;
}

/** better-sqlite3 never leaves the microtask queue: without a macrotask now and then, Ctrl-C's clean-up never runs. */
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function timed(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  // Two runs first: the first read of a page pays for the OS cache and Kysely's compile, which no later one does.
  for (let i = 0; i < 2; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
    await yieldToLoop();
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)] * 100) / 100;
  return { medianMs: at(0.5), p95Ms: at(0.95), runs };
}

/** As `GET /api/history` asks it, for a user with every queue and no masking. */
const asRoute = (q: HistoryQuery): HistoryQuery => ({ textIn: 'all', scope: null, ...q });

async function databaseBytes(store: HistoryStore): Promise<number> {
  if (store.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const { rows } = await sql<{
      bytes: number;
    }>`select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(store.db);
    return Number(rows[0].bytes);
  }
  const { rows } = await sql<{ bytes: string }>`select pg_total_relation_size('calls') as bytes`.execute(store.db);
  return Number(rows[0].bytes);
}

async function plan(store: HistoryStore, label: string, query: RawBuilder<unknown>): Promise<void> {
  const { rows } = await (
    store.dialect === 'sqlite' ? sql<Record<string, unknown>>`explain query plan ${query}` : sql<Record<string, unknown>>`explain ${query}`
  ).execute(store.db);
  const lines = rows.map((r) => String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r)));
  console.log(`  plan, ${label}: ${lines.join(' | ')}`);
}

async function run(store: HistoryStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { calls: N, dialect: store.dialect };
  const log = (label: string, t: Timing | string) =>
    console.log(`  ${label.padEnd(44)} ${typeof t === 'string' ? t : `median ${t.medianMs} ms, p95 ${t.p95Ms} ms (${t.runs} runs)`}`);

  // Fill, oldest first, as the writer stores them.
  let t = performance.now();
  for (let k = 0; k < N; k += FILL_CHUNK) {
    const chunk: CallRecord[] = [];
    for (let j = k; j < Math.min(N, k + FILL_CHUNK); j++) chunk.push(record(j));
    await store.insert(chunk);
    await yieldToLoop();
    if ((k + FILL_CHUNK) % 200_000 === 0)
      console.error(`  … ${(k + FILL_CHUNK).toLocaleString('en')} stored, ${Math.round(performance.now() - t) / 1000} s`);
  }
  const fillS = (performance.now() - t) / 1000;
  if (store.dialect === 'postgres') {
    // A database that has run for 90 days has been vacuumed and analysed by autovacuum; a fresh bulk load has not.
    await sql`vacuum analyze calls`.execute(store.db);
  }
  const bytes = await databaseBytes(store);
  out.fill = { seconds: Math.round(fillS * 10) / 10, rowsPerS: Math.round(N / fillS), bytes, bytesPerCall: Math.round(bytes / N) };
  log(
    'fill',
    `${fillS.toFixed(1)} s, ${Math.round(N / fillS).toLocaleString('en')} rows/s; ${(bytes / 1e6).toFixed(0)} MB, ${Math.round(bytes / N).toLocaleString('en')} bytes per call`,
  );

  const lastDay: DayWindow = dayAt(now - DAY_MS, { timeZone: 'UTC', startMinutes: 0 });
  const q: Record<string, Timing> = {};

  q.firstPage = await timed(RUNS, () => store.query(asRoute({ limit: PAGE })));
  log('first page (50), no filter', q.firstPage);

  const dayFilter = asRoute({ from: lastDay.start, to: lastDay.end, outcomes: ['abandoned'], queues: ['billing'], limit: PAGE });
  let dayHits = 0;
  for (let c: string | null | undefined; c !== null;) {
    const page = await store.query({ ...dayFilter, limit: 1000, cursor: c });
    dayHits += page.records.length;
    c = page.next;
  }
  q.dayAbandonedQueue = await timed(RUNS, () => store.query(dayFilter));
  log(`${lastDay.date}, abandoned, billing (${dayHits} calls)`, q.dayAbandonedQueue);

  // Seven digits of a stored caller's number, as typed from a note: a few calls in the 90 days, so the scan finds fewer than a page.
  const sample = await store.get(PBX, `scale-${Math.floor(N / 2) - (Math.floor(N / 2) % base.length)}`);
  const wanted = (sample?.direction === 'outbound' ? sample.to.num : (sample?.from.num ?? '')).slice(-7);
  const textHits = (await store.query(asRoute({ text: wanted, limit: 1000 }))).records.length;
  const textRuns = Math.max(20, Math.min(RUNS, 20));
  q.numberSearch = await timed(textRuns, () => store.query(asRoute({ text: wanted, limit: PAGE })));
  log(`number search "${wanted}" (${textHits} calls), 90 days`, q.numberSearch);
  q.numberSearch7Days = await timed(textRuns, () => store.query(asRoute({ text: wanted, from: now - 7 * DAY_MS, limit: PAGE })));
  log('the same, last 7 days (from=)', q.numberSearch7Days);
  q.numberSearchLastDay = await timed(textRuns, () =>
    store.query(asRoute({ text: wanted, from: lastDay.start, to: lastDay.end, limit: PAGE })),
  );
  log('the same, one day', q.numberSearchLastDay);

  // Deep pages: the cursor the route hands out after n−1 pages, beside OFFSET to the same depth.
  const deep: Record<string, unknown> = {};
  for (const pageNo of [100, 1000].filter((p) => p * PAGE < N)) {
    let cursor: string | undefined;
    for (let p = 1; p < pageNo; p++) cursor = (await store.query(asRoute({ limit: PAGE, cursor }))).next ?? undefined;
    const byCursor = await store.query(asRoute({ limit: PAGE, cursor }));
    const offsetPage = () =>
      store.db
        .selectFrom('calls')
        .select(['detail', 'started_at', 'id'])
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(PAGE + 1)
        .offset((pageNo - 1) * PAGE)
        .execute()
        .then((rows) => rows.slice(0, PAGE).map(fromRow));
    const byOffset = await offsetPage();
    if (byOffset[0]?.id !== byCursor.records[0]?.id) throw new Error(`page ${pageNo}: OFFSET and cursor disagree`);
    // The cursor's condition as a row value, which both databases read as one index range (store.ts spells it as an OR).
    const [afterAt, afterId] = JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString('utf8')) as [number, string];
    const rowValuePage = () =>
      store.db
        .selectFrom('calls')
        .select(['detail', 'started_at', 'id'])
        .where((eb) => eb(eb.refTuple('started_at', 'id'), '<', eb.tuple(afterAt, afterId)))
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(PAGE + 1)
        .execute()
        .then((rows) => rows.slice(0, PAGE).map(fromRow));
    if ((await rowValuePage())[0]?.id !== byCursor.records[0]?.id) throw new Error(`page ${pageNo}: row value and cursor disagree`);
    const c = await timed(RUNS, () => store.query(asRoute({ limit: PAGE, cursor })));
    const o = await timed(RUNS, offsetPage);
    const rv = await timed(RUNS, rowValuePage);
    const ratio = Math.round((o.medianMs / c.medianMs) * 10) / 10;
    const rvRatio = Math.round((o.medianMs / rv.medianMs) * 10) / 10;
    deep[`page${pageNo}`] = { cursor: c, offset: o, rowValueCursor: rv, offsetOverCursor: ratio, offsetOverRowValue: rvRatio };
    log(`page ${pageNo} by cursor`, c);
    log(`page ${pageNo} by OFFSET ${(pageNo - 1) * PAGE} (naive)`, o);
    log(`page ${pageNo} by cursor as a row value`, rv);
    log(`  OFFSET ÷ cursor, OFFSET ÷ row value, p. ${pageNo}`, `${ratio}×, ${rvRatio}×`);
  }
  out.deepPages = deep;

  q.get = await timed(RUNS, () => store.get(PBX, `scale-${Math.floor(random() * N)}`));
  log('get(pbx, id), a random call', q.get);

  let csvBytes = 0;
  q.csv1000 = await timed(RUNS, async () => {
    const page = await store.query(asRoute({ limit: 1000 }));
    csvBytes = (csvHeader() + csvRows(page.records)).length;
  });
  const pageOnly = await timed(RUNS, () => store.query(asRoute({ limit: 1000 })));
  q.page1000 = pageOnly;
  log('page of 1,000 (the CSV export\u2019s query alone)', pageOnly);
  log(`CSV export, 1,000 rows (${Math.round(csvBytes / 1024)} KB)`, q.csv1000);

  // A restart's "today so far", and /api/stats?date= for a past day: every call of the day, counted.
  const rssBefore = process.memoryUsage().rss;
  let dayCalls = 0;
  q.dayRead = await timed(Math.min(RUNS, 20), async () => {
    const tally = new DayTally(lastDay);
    dayCalls = 0;
    for await (const page of recordsOfDay(store, PBX, lastDay)) {
      for (const r of page) tally.addRecord(r);
      dayCalls += page.length;
    }
  });
  log(
    `one day (${dayCalls.toLocaleString('en')} calls) read + DayTally`,
    `median ${q.dayRead.medianMs} ms (${Math.round(dayCalls / (q.dayRead.medianMs / 1000)).toLocaleString('en')} calls/s), p95 ${q.dayRead.p95Ms} ms`,
  );
  const rssAfter = process.memoryUsage().rss;
  out.dayRead = { calls: dayCalls, callsPerS: Math.round(dayCalls / (q.dayRead.medianMs / 1000)) };
  out.rss = {
    beforeDayReadsMB: Math.round(rssBefore / 1e6),
    afterQueriesMB: Math.round(rssAfter / 1e6),
    peakMB: Math.round(process.resourceUsage().maxRSS / 1e3),
  };
  log(
    'RSS before / after the day reads, peak',
    `${Math.round(rssBefore / 1e6)} / ${Math.round(rssAfter / 1e6)} MB, peak ${Math.round(process.resourceUsage().maxRSS / 1e3)} MB`,
  );

  // The same day without 0004's (pbx, started_at, id): the design as it was, then the index built again, as an upgrade builds it.
  await sql`drop index calls_pbx_started`.execute(store.db);
  const dayPage = { pbx: PBX, from: lastDay.start, to: lastDay.end, limit: 1000 };
  const without = await timed(3, () => store.query(dayPage));
  log('without 0004: first page of the day (1,000)', without);
  t = performance.now();
  let without0004Calls = 0;
  for await (const page of recordsOfDay(store, PBX, lastDay)) without0004Calls += page.length;
  const withoutDayMs = Math.round(performance.now() - t);
  log(`without 0004: the whole day (${without0004Calls.toLocaleString('en')} calls), once`, `${withoutDayMs} ms`);
  await plan(
    store,
    'one day of a PBX without 0004',
    sql`select detail from calls where started_at >= ${lastDay.start} and started_at < ${lastDay.end} and pbx = ${PBX} order by started_at desc, id desc limit 1001`,
  );
  t = performance.now();
  await sql`create index calls_pbx_started on calls (pbx, started_at, id)`.execute(store.db);
  const buildMs = Math.round(performance.now() - t);
  log("building 0004's index on the full table", `${buildMs} ms`);
  const withPage = await timed(RUNS, () => store.query(dayPage));
  log('with 0004: first page of the day (1,000)', withPage);
  out.without0004 = { firstDayPage: without, wholeDayMs: withoutDayMs, withFirstDayPage: withPage, indexBuildMs: buildMs };

  q.count = await timed(Math.min(RUNS, 20), () => store.count());
  log(`count() (${(await store.count()).toLocaleString('en')})`, q.count);

  // Retention: each run drops the oldest day left, as the daily prune does.
  const prunes: number[] = [];
  let pruned = 0;
  for (let d = 1; d <= 3; d++) {
    t = performance.now();
    pruned += await store.prune(first + d * DAY_MS);
    prunes.push(Math.round((performance.now() - t) * 10) / 10);
  }
  out.prune = { msEachOfThreeDays: prunes, calls: pruned };
  log('prune of the oldest day, three days in turn', `${prunes.join(' / ')} ms (${pruned.toLocaleString('en')} calls)`);
  q.countAfterPrune = await timed(Math.min(RUNS, 20), () => store.count());
  log('count() after the prune', q.countAfterPrune);

  // Why a slow one is slow: the planner's own account, for the queries above.
  const textSql = (col: string) => sql`lower(${sql.ref(col)}) like ${`%${wanted}%`} escape '\\'`;
  const anyText = sql.join(['from_num', 'from_name', 'to_num', 'to_name', 'agent', 'did'].map(textSql), sql` or `);
  await plan(store, 'number search', sql`select detail from calls where (${anyText}) order by started_at desc, id desc limit 51`);
  await plan(
    store,
    'day + abandoned + queue',
    sql`select detail from calls where started_at >= ${lastDay.start} and started_at < ${lastDay.end} and outcome in ('abandoned') and queue in ('billing') order by started_at desc, id desc limit 51`,
  );
  await plan(
    store,
    'one day of a PBX (recordsOfDay)',
    sql`select detail from calls where started_at >= ${lastDay.start} and started_at < ${lastDay.end} and pbx = ${PBX} order by started_at desc, id desc limit 1001`,
  );
  const edge = (await store.query(asRoute({ limit: 4950 }))).records.at(-1);
  if (edge)
    await plan(
      store,
      'cursor page',
      sql`select detail from calls where (started_at < ${edge.startedAt} or (started_at = ${edge.startedAt} and id < ${edge.id})) order by started_at desc, id desc limit 51`,
    );
  await plan(store, 'count()', sql`select count(*) from calls`);

  out.queries = q;
  return out;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-scale-'));
let pg: TestPostgres | undefined;
const cleanUp = () => {
  fs.rmSync(dir, { recursive: true, force: true });
};
// Ctrl-C during a long fill must not leave a gigabyte in /tmp (nor a PostgreSQL running).
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    cleanUp();
    void (pg ? pg.stop() : Promise.resolve()).finally(() => process.exit(130));
  });

let result: Record<string, unknown>;
try {
  let store: HistoryStore;
  if (PG) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('PostgreSQL is not installed (no initdb/pg_ctl): --pg needs it');
    pg = await startPostgres(bin);
    store = await HistoryStore.open({ dataDir: dir, databaseUrl: pg.url });
    console.log(`PostgreSQL (throwaway cluster, fsync off), ${N.toLocaleString('en')} calls`);
  } else {
    store = await HistoryStore.open({ dataDir: dir });
    console.log(`SQLite (WAL, synchronous=NORMAL) in ${dir}, ${N.toLocaleString('en')} calls`);
  }
  try {
    result = await run(store);
  } finally {
    await store.close();
  }
} finally {
  if (pg) await pg.stop();
  cleanUp();
}
console.log(JSON.stringify(result));

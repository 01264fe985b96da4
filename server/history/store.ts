/**
 * The call history's database: SQLite in the data directory (WAL), or
 * PostgreSQL when DATABASE_URL is set, both through one Kysely layer.
 * Migrations run on open. Writes come in batches from the writer
 * (writer.ts); reads are `query` (filters, cursor pages) and `get`.
 */
import { readCursor as readKey, writeCursor } from './cursor';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqlBool } from 'kysely';
import pg from 'pg';
import type { CallOutcome, CallRecord } from '@/lib/history/record';
import { migrationProvider, type HistoryDialect } from './migrations';
import { fromRow, toRow } from './rows';
import type { HistoryDb } from './schema';

export const HISTORY_FILE = 'history.sqlite';
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 50;
/** Rows per INSERT: far below SQLite's 32,766 parameters at 17 a row. */
const INSERT_CHUNK = 200;

const TEXT_COLUMNS = ['from_num', 'from_name', 'to_num', 'to_name', 'agent', 'did', 'queue'] as const;
const NAME_COLUMNS = ['from_name', 'to_name', 'agent', 'queue'] as const;

export interface HistoryQuery {
  /** Started at or after, ms. */
  from?: number;
  /** Started before, ms. */
  to?: number;
  outcomes?: readonly CallOutcome[];
  queues?: readonly string[];
  direction?: string;
  pbx?: string;
  /** Part of a number, a name, an agent's name or a queue's, any case. */
  text?: string;
  /** `names`: the text is searched in names and agents only (a masked role must not find a number by trying it). */
  textIn?: 'all' | 'names';
  /** A scoped user's queues: only calls through one of them. null or absent: every call. */
  scope?: readonly string[] | null;
  limit?: number;
  /** `next` of the previous page. */
  cursor?: string;
}

export interface HistoryPage {
  /** Newest first. */
  records: CallRecord[];
  /** For the next (older) page; null after the last. */
  next: string | null;
}

export class HistoryCursorError extends Error {
  override name = 'HistoryCursorError';
}

export interface HistoryStoreOptions {
  dataDir: string;
  /** postgres://…; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
}

export class HistoryStore {
  private constructor(
    readonly db: Kysely<HistoryDb>,
    readonly dialect: HistoryDialect,
    /** Where the data is, for the log: the SQLite file, or the PostgreSQL host and database (never the password). */
    readonly where: string,
  ) {}

  static async open(opts: HistoryStoreOptions): Promise<HistoryStore> {
    let store: HistoryStore;
    if (opts.databaseUrl) {
      const url = new URL(opts.databaseUrl);
      const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
      store = new HistoryStore(new Kysely({ dialect: new PostgresDialect({ pool }) }), 'postgres', `${url.host}${url.pathname}`);
    } else {
      fs.mkdirSync(opts.dataDir, { recursive: true });
      const file = path.join(opts.dataDir, HISTORY_FILE);
      const database = new Database(file);
      // WAL: readers (REST) never wait for the writer; NORMAL is durable across a process crash, which is what we face.
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('busy_timeout = 5000');
      store = new HistoryStore(new Kysely({ dialect: new SqliteDialect({ database }) }), 'sqlite', file);
    }
    try {
      await store.migrate();
    } catch (err) {
      await store.db.destroy();
      throw err;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    // Unordered: migrations made on two branches at once (each its own table) may have run in either order somewhere.
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect), allowUnorderedMigrations: true });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`history migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  /** Writes records in one transaction; one already stored (same PBX and id) is kept as it was. */
  async insert(records: readonly CallRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('calls')
          .values(records.slice(i, i + INSERT_CHUNK).map(toRow))
          .onConflict((oc) => oc.columns(['pbx', 'id']).doNothing())
          .execute();
      }
    });
  }

  async get(pbx: string, id: string): Promise<CallRecord | undefined> {
    const row = await this.db.selectFrom('calls').select('detail').where('pbx', '=', pbx).where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async query(q: HistoryQuery): Promise<HistoryPage> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit ?? DEFAULT_PAGE)));
    const after = q.cursor === undefined ? undefined : readCursor(q.cursor);
    let query = this.db.selectFrom('calls').select(['detail', 'started_at', 'id']);
    if (q.from !== undefined) query = query.where('started_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('started_at', '<', q.to);
    if (q.outcomes?.length) query = query.where('outcome', 'in', [...q.outcomes]);
    if (q.queues?.length) query = query.where('queue', 'in', [...q.queues]);
    if (q.scope) query = q.scope.length ? query.where('queue', 'in', [...q.scope]) : query.where(sql<SqlBool>`1 = 0`);
    if (q.direction) query = query.where('direction', '=', q.direction);
    if (q.pbx) query = query.where('pbx', '=', q.pbx);
    if (q.text?.trim()) {
      const pattern = `%${q.text
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or(
          (q.textIn === 'names' ? NAME_COLUMNS : TEXT_COLUMNS).map(
            (col) => sql<SqlBool>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`,
          ),
        ),
      );
    }
    if (after) {
      // A row value, which both databases read as a range of the (started_at, id) index; the OR form walked it from
      // the newest call down, like OFFSET (docs/performance.md §12).
      query = query.where((eb) => eb(eb.refTuple('started_at', 'id'), '<', eb.tuple(after.at, after.id)));
    }
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { records: page.map(fromRow), next: more && last ? writeCursor(Number(last.started_at), last.id) : null };
  }

  /** Removes calls that started before `before` (ms), and membership spans that ended before it; returns how many calls. */
  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('calls').where('started_at', '<', before).executeTakeFirst();
    await this.db.deleteFrom('member_spans').where('ended_at', '<', before).execute();
    return Number(result.numDeletedRows);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('calls')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function readCursor(cursor: string): { at: number; id: string } {
  const key = readKey(cursor);
  if (!key) throw new HistoryCursorError('not a cursor this server gave');
  return key;
}

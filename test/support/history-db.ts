/**
 * A throwaway history database for one `describe` block, on SQLite or on a
 * throwaway PostgreSQL cluster, so each store test runs on both alike.
 * Registers its own beforeAll and afterAll; a PostgreSQL block is skipped
 * (with the reason) where no PostgreSQL is installed, and fails under CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { HistoryStore } from '../../server/history/store';
import { postgresAvailability, startPostgres, type TestPostgres } from './postgres';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

const pgSetup = postgresAvailability();

export interface HistoryDatabase {
  /** Why this block is skipped; null when it runs. */
  readonly skip: string | null;
  readonly store: HistoryStore;
  /** Where it is, to open it a second time. */
  readonly dir: string;
  readonly url: string | undefined;
}

export function historyDatabase(dialect: Dialect, prefix: string): HistoryDatabase {
  let dir = '';
  let postgres: TestPostgres | undefined;
  let store: HistoryStore | undefined;
  const skip = dialect === 'postgres' && 'skip' in pgSetup ? pgSetup.skip : null;
  beforeAll(async () => {
    if (skip) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `callboard-${prefix}-`));
    if (dialect === 'postgres' && 'bin' in pgSetup) postgres = await startPostgres(pgSetup.bin);
    store = await HistoryStore.open({ dataDir: dir, databaseUrl: postgres?.url });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await postgres?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    skip,
    get store() {
      if (!store) throw new Error('the history database is not open (skipped, or before beforeAll)');
      return store;
    },
    get dir() {
      return dir;
    },
    get url() {
      return postgres?.url;
    },
  };
}

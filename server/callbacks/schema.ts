/**
 * The callbacks table as Kysely sees it (migration 0002_callbacks). Times
 * are ms; PostgreSQL hands bigint back as a string, so rows.ts reads them
 * through Number().
 */
export interface CallbacksTable {
  pbx: string;
  id: string;
  number: string;
  name: string;
  queue: string;
  first_at: number | string;
  last_at: number | string;
  attempts: number;
  last_call_id: string;
  state: string;
  done_by: string | null;
  done_at: number | string | null;
  done_how: string | null;
  done_call_id: string | null;
  called_by: string | null;
  called_at: number | string | null;
  calls: number;
}

/** A type, not an interface: Kysely's `withTables` wants an index signature, which only a type alias has implicitly. */
export type CallbacksDb = { callbacks: CallbacksTable };

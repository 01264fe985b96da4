/**
 * The history tables as Kysely sees them. What a search filters or sorts on
 * has its own column; the rest of the record is one JSON text (`detail`), so
 * a field added to CallRecord needs no migration.
 */
import type { Generated } from 'kysely';

export interface CallsTable {
  pbx: string;
  id: string;
  /** ms since the epoch; bigint in PostgreSQL (pg hands int8 back as a string: see rows.ts). */
  started_at: number | string;
  ended_at: number | string;
  direction: string;
  outcome: string;
  /** The queue it was answered or abandoned in, else the last it joined; '' when none. */
  queue: string;
  /** The member who answered; '' when none. */
  agent: string;
  from_num: string;
  from_name: string;
  to_num: string;
  to_name: string;
  did: string;
  wait_s: number;
  talk_s: number;
  partial: number;
  detail: string;
  /** Insertion order, so an operator's tools can follow new rows; not the paging key. */
  seq: Generated<number>;
}

export interface MemberSpansTable {
  pbx: string;
  queue: string;
  interface: string;
  kind: string;
  reason: string;
  started_at: number | string;
  ended_at: number | string;
}

export interface HistoryDb {
  calls: CallsTable;
  member_spans: MemberSpansTable;
}

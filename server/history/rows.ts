/** A CallRecord to its row and back. */
import type { CallRecord } from '@/lib/history/record';
import type { CallsTable } from './schema';

export type CallRow = Omit<CallsTable, 'seq'>;

/** The queue a report counts the call in: where it was answered or abandoned, else the last it joined. */
export function primaryQueue(r: CallRecord): string {
  if (r.agent) return r.agent.queue;
  return r.queues[r.queues.length - 1] ?? '';
}

export function toRow(r: CallRecord): CallRow {
  return {
    pbx: r.pbx,
    id: r.id,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    direction: r.direction,
    outcome: r.outcome,
    queue: primaryQueue(r),
    agent: r.agent?.name ?? '',
    from_num: r.from.num,
    from_name: r.from.name,
    to_num: r.to.num,
    to_name: r.to.name,
    did: r.did,
    wait_s: r.waitSeconds,
    talk_s: r.talkSeconds,
    partial: r.partial ? 1 : 0,
    detail: JSON.stringify(r),
  };
}

/** The record as written: `detail` holds all of it (pg returns int8 columns as strings, so nothing is read from them). */
export function fromRow(row: Pick<CallsTable, 'detail'>): CallRecord {
  return JSON.parse(row.detail) as CallRecord;
}

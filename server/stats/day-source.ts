/**
 * A day's calls and membership spans, read back from the call history's
 * database: what today's figures start from after a restart, and what
 * `/api/stats` counts for any day.
 */
import type { CallRecord } from '@/lib/history/record';
import type { DayWindow } from '@/lib/stats/day';
import type { HistoryStore } from '../history/store';
import type { MemberSpan } from './member-spans';

const PAGE = 1000;

/** Every call of `pbx` that started in the day, a page at a time (newest first). */
export async function* recordsOfDay(store: HistoryStore, pbx: string, day: DayWindow): AsyncGenerator<CallRecord[]> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ pbx, from: day.start, to: day.end, limit: PAGE, ...(cursor ? { cursor } : {}) });
    yield page.records;
    cursor = page.next ?? undefined;
  } while (cursor);
}

/** The spans of `pbx` that overlap the day. */
export async function spansOfDay(store: HistoryStore, pbx: string, day: DayWindow): Promise<MemberSpan[]> {
  const rows = await store.db
    .selectFrom('member_spans')
    .selectAll()
    .where('pbx', '=', pbx)
    .where('ended_at', '>', day.start)
    .where('started_at', '<', day.end)
    .execute();
  return rows.map((r) => ({
    queue: r.queue,
    interface: r.interface,
    kind: r.kind === 'pause' ? 'pause' : 'login',
    reason: r.reason,
    startedAt: Number(r.started_at),
    endedAt: Number(r.ended_at),
  }));
}

export async function insertSpans(store: HistoryStore, pbx: string, spans: readonly MemberSpan[]): Promise<void> {
  if (spans.length === 0) return;
  await store.db
    .insertInto('member_spans')
    .values(
      spans.map((s) => ({
        pbx,
        queue: s.queue,
        interface: s.interface,
        kind: s.kind,
        reason: s.reason,
        started_at: s.startedAt,
        ended_at: s.endedAt,
      })),
    )
    .execute();
}

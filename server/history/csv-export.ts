/**
 * A whole selection of the history as CSV chunks, a page of calls each:
 * what `GET /api/history?format=csv` without a `limit` streams. Memory holds
 * one page whatever the export's size.
 */
import { csvHeader, csvRows } from './csv';
import { maskRecord } from './mask';
import type { HistoryQuery, HistoryStore } from './store';

/** Rows one export may hold: about 2 GB of CSV, and far past any spreadsheet. */
export const MAX_EXPORT_ROWS = 5_000_000;
const PAGE = 1000;

export async function* csvExport(
  store: HistoryStore,
  filters: Omit<HistoryQuery, 'limit' | 'cursor'>,
  opts: { cursor?: string; mask: boolean },
): AsyncGenerator<string> {
  let page = await store.query({ ...filters, limit: PAGE, cursor: opts.cursor });
  yield csvHeader();
  for (let rows = 0; ;) {
    yield csvRows(opts.mask ? page.records.map(maskRecord) : page.records);
    rows += page.records.length;
    if (page.next === null || rows >= MAX_EXPORT_ROWS) return;
    page = await store.query({ ...filters, limit: PAGE, cursor: page.next });
  }
}

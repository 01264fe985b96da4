'use client';
/**
 * The call history: finished calls from `GET /api/history`, searched and
 * filtered, newest first, a page at a time as the table scrolls; a row opens
 * the call's record and timeline. The filters are the URL's query, so a link
 * or a reload shows the same calls. Only REST: the frame's socket gives the
 * header and the board's PBXs and queues, which the filters offer. The
 * list does not grow by itself as calls end: Refresh starts it over.
 */
import { useMemo } from 'react';
import type { CallRecord } from '@/lib/history/record';
import { usePbx } from '@/lib/store';
import { shownQueue } from '@/lib/ui/history/format';
import { apiQuery, defaultFilters, filtersToUrl, rangeProblem, type HistoryFilters } from '@/lib/ui/history/query';
import { useMeInFrame } from '@/lib/ui/session';
import { BoardFrame } from '../BoardFrame';
import { buttonStyles } from '../Dialog';
import { IconAlert, IconSpinner } from '../icons';
import { CallDetail } from './CallDetail';
import { HistoryFilterBar } from './HistoryFilters';
import { HistoryTable } from './HistoryTable';
import { useHistoryPages } from './use-history-pages';
import { useOpenCall } from './use-open-call';
import { useUrlState } from './use-url-state';

export function HistoryView() {
  return (
    <BoardFrame heading="Call history" title="History · Callboard">
      <History />
    </BoardFrame>
  );
}

function History() {
  const { state, today, change } = useUrlState();
  const filters = state?.filters ?? null;
  const problem = filters ? rangeProblem(filters) : '';
  const query = filters && !problem ? apiQuery(filters).toString() : null;
  const pages = useHistoryPages(query);
  const open = useOpenCall(state?.call ?? null, pages.calls);
  const me = useMeInFrame();
  const boards = usePbx((s) => s.boards);

  const pbxs = useMemo(() => new Map(boards.map((b) => [b.id, b.label])), [boards]);
  const queues = useMemo(() => {
    const seen = new Set<string>();
    for (const b of boards) for (const q of Object.values(b.state.queues)) seen.add(q.id);
    for (const c of pages.calls) {
      const q = shownQueue(c);
      if (q) seen.add(q);
    }
    return [...seen];
  }, [boards, pages.calls]);

  if (!state || !filters) return <p className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>;
  const exportHref = `/api/history?${apiQuery(filters, { format: 'csv' })}`;
  const changed = filtersToUrl(filters, today).toString() !== '';
  const setFilters = (f: HistoryFilters) => change({ ...state, filters: f });
  const openCall = (c: CallRecord | null) => change({ ...state, call: c && { pbx: c.pbx, id: c.id } });

  return (
    <section aria-label="Call history" className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">
          Call history{' '}
          <span className="ml-1 font-normal text-zinc-600 tabular dark:text-zinc-400" data-testid="history-count" aria-live="polite">
            {countText(pages.calls.length, pages.more, pages.loaded)}
          </span>
        </h2>
        <div className="ml-auto flex items-center gap-2">
          {changed && (
            <button type="button" className={`${buttonStyles.ghost} h-8`} onClick={() => setFilters(defaultFilters(today))}>
              Reset filters
            </button>
          )}
          <button type="button" className={`${buttonStyles.secondary} h-8`} onClick={pages.refresh} data-testid="history-refresh">
            Refresh
          </button>
          {/* Where the list itself did not load, the export would only download the same error. */}
          {!(pages.error && !pages.loaded) && (
            <a
              href={exportHref}
              download="calls.csv"
              className={`${buttonStyles.secondary} h-8`}
              title="Downloads every call matching these filters, as the server streams them"
              data-testid="history-export"
            >
              Export CSV
            </a>
          )}
        </div>
      </div>
      <HistoryFilterBar filters={filters} onChange={setFilters} queues={queues} pbxs={pbxs} />
      {problem ? (
        <Notice>{problem}</Notice>
      ) : pages.calls.length === 0 && pages.error ? (
        <ErrorNotice message={pages.error} onRetry={pages.retry} />
      ) : pages.calls.length === 0 ? (
        <p
          className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
          data-testid="history-empty"
        >
          {pages.loaded ? (changed ? 'No call matches these filters.' : 'No call has ended today yet.') : 'Loading calls…'}
        </p>
      ) : (
        <>
          <HistoryTable calls={pages.calls} more={pages.more} onNearEnd={pages.loadMore} onOpen={openCall} showPbx={pbxs.size > 1} />
          <div
            className="flex min-h-9 items-center justify-center gap-2 text-sm text-zinc-600 dark:text-zinc-400"
            data-testid="history-more"
          >
            {pages.error ? (
              <ErrorNotice message={pages.error} onRetry={pages.retry} />
            ) : pages.loading ? (
              <>
                <IconSpinner className="animate-spin" width={14} height={14} aria-hidden /> Loading more…
              </>
            ) : pages.more ? (
              <button type="button" className={buttonStyles.secondary} onClick={pages.loadMore}>
                More…
              </button>
            ) : (
              <span>All {pages.calls.length.toLocaleString('en')} matching calls are shown.</span>
            )}
          </div>
        </>
      )}
      <CallDetail
        open={state.call !== null}
        call={open.call}
        error={open.error}
        onClose={() => openCall(null)}
        admin={me?.role === 'admin'}
      />
    </section>
  );
}

function countText(n: number, more: boolean, loaded: boolean): string {
  if (!loaded) return '';
  const calls = `${n.toLocaleString('en')} ${n === 1 ? 'call' : 'calls'}`;
  return more ? `${calls} loaded, more…` : calls;
}

function Notice({ children }: { children: React.ReactNode }) {
  return (
    <p className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200">
      {children}
    </p>
  );
}

function ErrorNotice({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div
      role="alert"
      data-testid="history-error"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-200"
    >
      <IconAlert width={16} height={16} aria-hidden />
      <span className="flex-1">{message}</span>
      <button type="button" className={`${buttonStyles.secondary} h-8`} onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

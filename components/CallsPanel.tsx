'use client';
/**
 * The live calls table. Virtualised: only the rows in view exist. Each row
 * selects its own call by id, so an update to one call re-renders one row,
 * and only the duration cells tick.
 */
import { memo, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { usePbx } from '@/lib/store';
import type { CallState } from '@/lib/pbx/model';
import { STATE_LABEL, defaultCallView, nextSort, splitRowKey, visibleCallRows, type CallView, type SortKey } from '@/lib/ui/calls';
import { useMediaQuery } from '@/lib/ui/media';
import { useAnyLive, useBoardLive, useSeveralShown, useShownBoards } from '@/lib/ui/selectors';
import { monitorNames, monitoredBy } from '@/lib/ui/spies';
import { useCan } from '@/lib/ui/grants';
import { CallActions } from './CallActions';
import { CallStateChip, DirectionIcon } from './CallState';
import { LiveDuration } from './LiveDuration';
import { OriginateDialog } from './OriginateDialog';
import { buttonStyles, inputStyles } from './Dialog';
import { IconArrowSort, IconHeadset, IconPhoneCall, IconSearch, IconSortAsc, IconSortDesc } from './icons';
import { callSeverity } from '@/lib/ui/alerts';
import type { Severity } from '@/lib/alerts/model';

// A viewer has no actions, so no column is kept for them; the PBX column only when several PBXs share the table.
const COLS = {
  act: 'grid grid-cols-[2rem_minmax(0,1.3fr)_minmax(0,1.1fr)_7.5rem_minmax(0,0.8fr)_4.5rem_8.5rem] items-center gap-x-3',
  view: 'grid grid-cols-[2rem_minmax(0,1.3fr)_minmax(0,1.1fr)_7.5rem_minmax(0,0.8fr)_4.5rem] items-center gap-x-3',
  actPbx: 'grid grid-cols-[2rem_minmax(0,0.7fr)_minmax(0,1.3fr)_minmax(0,1.1fr)_7.5rem_minmax(0,0.8fr)_4.5rem_8.5rem] items-center gap-x-3',
  viewPbx: 'grid grid-cols-[2rem_minmax(0,0.7fr)_minmax(0,1.3fr)_minmax(0,1.1fr)_7.5rem_minmax(0,0.8fr)_4.5rem] items-center gap-x-3',
};
const colsFor = (canAct: boolean, several: boolean) => COLS[`${canAct ? 'act' : 'view'}${several ? 'Pbx' : ''}`];
const ROW_WIDE = 48;
const ROW_NARROW = 72;

const STATES: CallState[] = ['ringing', 'dialing', 'queued', 'talking', 'hold'];

function Party({ name, num }: { name: string; num: string }) {
  if (!name || name === num) return <span className="truncate font-medium tabular">{num || '—'}</span>;
  return (
    <span className="flex min-w-0 flex-col leading-tight">
      <span className="truncate font-medium">{name}</span>
      <span className="truncate text-xs text-zinc-600 tabular dark:text-zinc-400">{num}</span>
    </span>
  );
}

/** A bar down the row's left edge: a ring would be cut by the rows above and below. */
const ROW_ALERT: Readonly<Record<Severity, string>> = {
  info: 'shadow-[inset_3px_0_0_var(--color-sky-500)]',
  warning: 'shadow-[inset_3px_0_0_var(--color-amber-500)]',
  critical: 'shadow-[inset_3px_0_0_var(--color-rose-600)]',
};

const CallRow = memo(function CallRow({
  rowKey,
  pbxLabel,
  start,
  height,
  wide,
  canAct,
}: {
  rowKey: string;
  /** The PBX's name, when several PBXs share the table. */
  pbxLabel: string | null;
  start: number;
  height: number;
  wide: boolean;
  canAct: boolean;
}) {
  const { pbx, id } = splitRowKey(rowKey);
  const call = usePbx((s) => {
    const calls = s.boards.find((b) => b.id === pbx)?.state.calls;
    return calls && Object.hasOwn(calls, id) ? calls[id] : undefined;
  });
  const live = useBoardLive(pbx);
  const monitors = usePbx((s) => monitoredBy(s.boards.find((b) => b.id === pbx)?.state.spies, id));
  const monitorsShort = usePbx((s) => monitorNames(s.boards.find((b) => b.id === pbx)?.state.spies, id));
  // Snooze ends are read at the next change of the board: a row is not worth a ticking clock.
  const severity = usePbx((s) => {
    const alerts = s.boards.find((b) => b.id === pbx)?.state.alerts;
    return alerts ? callSeverity(alerts, id, Date.now()) : null;
  });
  if (!call) return null;
  const actions = canAct && <CallActions pbx={pbx} call={call} live={live} />;
  // The cell is narrow: a headset and the names show, the whole sentence is in the title and read out.
  const monitored = monitors && (
    <span
      className="flex min-w-0 items-center gap-1 text-xs font-medium text-violet-700 dark:text-violet-400"
      data-testid="monitored-by"
      title={monitors}
    >
      <IconHeadset width={12} height={12} className="shrink-0" />
      <span className="sr-only">{monitors}</span>
      <span aria-hidden="true" className="truncate">
        {monitorsShort}
      </span>
    </span>
  );
  const style = { height, transform: `translateY(${start}px)` };
  // A PBX whose data is stale dims its own rows only; the other PBXs' rows stay as they are.
  const stale = `${!live && pbxLabel !== null ? 'opacity-50 grayscale' : ''} ${severity ? ROW_ALERT[severity] : ''}`;
  if (wide) {
    return (
      <div
        role="row"
        data-call-id={id}
        data-pbx={pbx}
        data-stale={!live || undefined}
        data-testid="call-row"
        data-alert={severity ?? undefined}
        style={style}
        className={`${colsFor(canAct, pbxLabel !== null)} absolute inset-x-0 top-0 [contain:layout_style] border-b border-zinc-100 px-4 text-sm hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40 ${stale}`}
      >
        <span role="cell">
          <DirectionIcon direction={call.direction} />
        </span>
        {pbxLabel !== null && (
          <span role="cell" className="truncate text-xs text-zinc-600 dark:text-zinc-400" data-testid="call-pbx">
            {pbxLabel}
          </span>
        )}
        <span role="cell" className="min-w-0">
          <Party name={call.from.name} num={call.from.num} />
        </span>
        <span role="cell" className="min-w-0">
          <Party name={call.to.name} num={call.to.num || call.did} />
        </span>
        <span role="cell">
          <CallStateChip state={call.state} />
        </span>
        <span role="cell" className="min-w-0 truncate text-zinc-600 dark:text-zinc-300">
          {call.queue || <span className="text-zinc-500 dark:text-zinc-400">—</span>}
          {monitored}
        </span>
        <span role="cell" className="text-right font-medium">
          <LiveDuration since={call.startedAt} />
        </span>
        {canAct && (
          <span role="cell" className="flex justify-end">
            {actions}
          </span>
        )}
      </div>
    );
  }
  return (
    <div
      role="row"
      data-call-id={id}
      data-pbx={pbx}
      data-stale={!live || undefined}
      data-testid="call-row"
      data-alert={severity ?? undefined}
      style={style}
      className={`absolute inset-x-0 top-0 flex [contain:layout_style] border-b border-zinc-100 px-4 text-sm dark:border-zinc-800/70 ${stale}`}
    >
      {/* One cell holds the whole card: a row may contain only cells. */}
      <div role="cell" className="flex min-w-0 flex-1 flex-col justify-center gap-1.5">
        <div className="flex items-center gap-2">
          <DirectionIcon direction={call.direction} />
          <span className="min-w-0 truncate font-medium">
            {call.from.name || call.from.num}
            <span className="mx-1.5 text-zinc-500 dark:text-zinc-400" aria-hidden="true">
              →
            </span>
            <span className="sr-only"> to </span>
            {call.to.name || call.to.num || call.did}
          </span>
          <LiveDuration since={call.startedAt} className="ml-auto font-medium" />
        </div>
        <div className="flex items-center gap-2">
          <CallStateChip state={call.state} />
          {call.queue && <span className="truncate text-xs text-zinc-600 dark:text-zinc-400">{call.queue}</span>}
          {pbxLabel !== null && <span className="truncate text-xs text-zinc-500 dark:text-zinc-400">· {pbxLabel}</span>}
          {canAct && <span className="ml-auto">{actions}</span>}
        </div>
        {monitored}
      </div>
    </div>
  );
});

function SortHeader({
  label,
  k,
  view,
  onSort,
  align = 'left',
}: {
  label: string;
  k: SortKey;
  view: CallView;
  onSort: (k: SortKey) => void;
  align?: 'left' | 'right';
}) {
  const active = view.sort === k;
  const Icon = !active ? IconArrowSort : view.dir === 'asc' ? IconSortAsc : IconSortDesc;
  return (
    <span
      role="columnheader"
      aria-sort={active ? (view.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      className={align === 'right' ? 'text-right' : ''}
    >
      <button
        type="button"
        onClick={() => onSort(k)}
        className={`inline-flex items-center gap-1 rounded hover:text-zinc-900 dark:hover:text-zinc-100 ${active ? 'text-zinc-900 dark:text-zinc-100' : ''}`}
      >
        {label}
        <Icon width={12} height={12} className={active ? '' : 'opacity-60'} aria-hidden="true" />
      </button>
    </span>
  );
}

/** The actions of a call row; without any of them the table keeps no actions column. */
const ROW_ACTIONS = ['hangup', 'transfer', 'redirect', 'park', 'listen', 'whisper', 'barge'] as const;

export function CallsPanel() {
  const can = useCan();
  const canAct = ROW_ACTIONS.some((a) => can.has(a));
  const live = useAnyLive();
  const boards = useShownBoards();
  const several = useSeveralShown();
  const ready = usePbx((s) => s.ready);
  const [view, setView] = useState<CallView>(defaultCallView);
  const search = useDeferredValue(view.search);
  const ids = useMemo(() => visibleCallRows(boards, { ...view, search }), [boards, view, search]);
  const queueKey = boards.map((b) => Object.keys(b.state.queues).join('\n')).join('\n');
  const queueNames = useMemo(() => [...new Set(queueKey.split('\n').filter(Boolean))].sort(), [queueKey]);
  const labels = useMemo(() => new Map(boards.map((b) => [b.id, b.label])), [boards]);
  const wide = useMediaQuery('(min-width: 768px)');
  const rowHeight = wide ? ROW_WIDE : ROW_NARROW;

  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual hands out fresh functions by design, so React's compiler leaves this
  // component unmemoised; the rows select their own calls and memoise themselves.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (i) => ids[i],
    // Let React batch scroll renders with the store's per-frame updates instead of rendering inside each scroll event.
    useFlushSync: false,
  });

  const [originateOpen, setOriginateOpen] = useState(false);
  const onSort = useCallback((k: SortKey) => setView((v) => nextSort(v, k)), []);
  const filtered = view.search !== '' || view.state !== 'all' || view.queue !== '';
  const total = useMemo(() => boards.reduce((n, b) => n + Object.keys(b.state.calls).length, 0), [boards]);

  return (
    <section
      aria-label="Calls"
      className="flex min-h-0 min-w-0 flex-col rounded-xl xl:max-h-full border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
        <h2 className="mr-auto text-sm font-semibold sm:mr-1">
          Calls{' '}
          <span className="ml-1 font-normal text-zinc-600 dark:text-zinc-400 tabular" data-testid="calls-shown">
            {ids.length}
          </span>
        </h2>
        <label className="relative order-last basis-full sm:order-none sm:min-w-[10rem] sm:flex-1 sm:basis-auto">
          <span className="sr-only">Search calls</span>
          <IconSearch className="pointer-events-none absolute left-2.5 top-1/2 -translate-y-1/2 text-zinc-400" width={14} height={14} />
          <input
            type="search"
            placeholder="Search name, number, queue"
            value={view.search}
            onChange={(e) => setView((v) => ({ ...v, search: e.target.value }))}
            className={`${inputStyles} h-8 pl-8`}
          />
        </label>
        <label className="order-last min-w-0 flex-1 sm:order-none sm:flex-none">
          <span className="sr-only">Filter by state</span>
          <select
            value={view.state}
            onChange={(e) => setView((v) => ({ ...v, state: e.target.value as CallView['state'] }))}
            className={`${inputStyles} h-8 pr-7 sm:w-auto`}
          >
            <option value="all">All states</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="order-last min-w-0 flex-1 sm:order-none sm:flex-none">
          <span className="sr-only">Filter by queue</span>
          <select
            value={view.queue}
            onChange={(e) => setView((v) => ({ ...v, queue: e.target.value }))}
            className={`${inputStyles} h-8 pr-7 sm:w-auto`}
          >
            <option value="">All queues</option>
            {queueNames.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        {can.has('originate') && (
          <button
            type="button"
            onClick={() => setOriginateOpen(true)}
            disabled={!live}
            title={live ? undefined : 'Not while the data is stale'}
            className={`${buttonStyles.primary} h-8`}
          >
            <IconPhoneCall width={14} height={14} /> New call
          </button>
        )}
      </div>

      <div role="table" aria-label="Active calls" aria-rowcount={ids.length} className="flex min-h-0 flex-auto flex-col">
        {wide && (
          <div role="rowgroup">
            <div
              role="row"
              className={`${colsFor(canAct, several)} border-b border-zinc-200 px-4 py-2 text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:text-zinc-400`}
            >
              <span role="columnheader">
                <span className="sr-only">Direction</span>
              </span>
              {several && <span role="columnheader">PBX</span>}
              <SortHeader label="From" k="from" view={view} onSort={onSort} />
              <SortHeader label="To" k="to" view={view} onSort={onSort} />
              <SortHeader label="State" k="state" view={view} onSort={onSort} />
              <SortHeader label="Queue" k="queue" view={view} onSort={onSort} />
              <SortHeader label="Duration" k="duration" view={view} onSort={onSort} align="right" />
              {canAct && (
                <span role="columnheader">
                  <span className="sr-only">Actions</span>
                </span>
              )}
            </div>
          </div>
        )}
        <div
          ref={scroller}
          role="rowgroup"
          data-testid="calls-scroller"
          className="relative max-h-[min(65vh,640px)] min-h-0 flex-auto overflow-auto overscroll-contain rounded-b-xl bg-white [contain:content] xl:max-h-none dark:bg-zinc-900"
        >
          {ids.length === 0 ? (
            <EmptyCalls ready={ready} filtered={filtered && total > 0} onClear={() => setView(defaultCallView)} />
          ) : (
            <div style={{ height: virtualizer.getTotalSize() }} className="relative">
              {virtualizer.getVirtualItems().map((item) => (
                <CallRow
                  key={item.key}
                  rowKey={ids[item.index]}
                  pbxLabel={several ? (labels.get(splitRowKey(ids[item.index]).pbx) ?? '') : null}
                  start={item.start}
                  height={rowHeight}
                  wide={wide}
                  canAct={canAct}
                />
              ))}
            </div>
          )}
        </div>
      </div>

      {canAct && <OriginateDialog open={originateOpen} onClose={() => setOriginateOpen(false)} />}
    </section>
  );
}

function EmptyCalls({ ready, filtered, onClear }: { ready: boolean; filtered: boolean; onClear: () => void }) {
  return (
    <div className="grid h-full place-items-center p-8 text-center" data-testid="calls-empty">
      <div>
        <div className="mx-auto grid size-10 place-items-center rounded-full bg-zinc-100 text-zinc-400 dark:bg-zinc-800">
          <IconPhoneCall />
        </div>
        {!ready ? (
          <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">Loading live calls…</p>
        ) : filtered ? (
          <>
            <p className="mt-3 text-sm font-medium">No calls match these filters</p>
            <button type="button" onClick={onClear} className={`${buttonStyles.ghost} mt-2 h-8`}>
              Clear filters
            </button>
          </>
        ) : (
          <>
            <p className="mt-3 text-sm font-medium">No active calls</p>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Calls appear here the moment they start ringing.</p>
          </>
        )}
      </div>
    </div>
  );
}

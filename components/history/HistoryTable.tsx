'use client';
/**
 * The calls found, newest first, virtualised against the window's scroll
 * like the phones grid: only the rows on screen exist in the DOM. From lg up
 * a row is a table line under column headings; below it the same row stacks
 * into a card, so a phone never scrolls sideways. Rows are buttons: Enter or
 * a click opens the call. Nearing the end asks for the next page.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { CallRecord } from '@/lib/history/record';
import { formatMoment } from '@/lib/ui/format';
import { directionLabel, formatSeconds, hungUpLabel, partyLabel, recordKey, shownQueue } from '@/lib/ui/history/format';
import { IconInbound, IconInternal, IconOutbound, IconUnknown } from '../icons';
import { OutcomeChip } from './OutcomeChip';

/** Start, direction, from, to, queue, agent, wait, talk, outcome, hung up by. */
const COLUMNS = 'lg:grid-cols-[9.5rem_5.5rem_minmax(0,1.4fr)_minmax(0,1.2fr)_minmax(0,0.8fr)_minmax(0,0.9fr)_3.5rem_3.5rem_9rem_5rem]';
const HEADINGS = ['Start', 'Direction', 'From', 'To', 'Queue', 'Agent', 'Wait', 'Talk', 'Outcome', 'Hung up by'];
/** Rows left below the screen when the next page is asked for: enough to arrive before the user does. */
const AHEAD = 20;

function DirectionIcon({ direction }: { direction: CallRecord['direction'] }) {
  const props = { width: 14, height: 14, 'aria-hidden': true } as const;
  if (direction === 'inbound') return <IconInbound {...props} />;
  if (direction === 'outbound') return <IconOutbound {...props} />;
  if (direction === 'internal') return <IconInternal {...props} />;
  return <IconUnknown {...props} />;
}

export function HistoryTable({
  calls,
  more,
  onNearEnd,
  onOpen,
  showPbx,
}: {
  calls: readonly CallRecord[];
  more: boolean;
  onNearEnd: () => void;
  onOpen: (call: CallRecord) => void;
  /** Several PBXs: each row names its own. */
  showPbx: boolean;
}) {
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => setMargin((list.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  });
  const virtualizer = useWindowVirtualizer({
    count: calls.length,
    estimateSize: () => 44,
    overscan: 8,
    scrollMargin: margin,
    useFlushSync: false,
    getItemKey: (i) => recordKey(calls[i]),
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (more && last >= calls.length - AHEAD) onNearEnd();
  }, [more, last, calls.length, onNearEnd]);

  return (
    <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div
        aria-hidden
        className={`hidden gap-3 border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs font-medium text-zinc-600 lg:grid dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400 ${COLUMNS}`}
      >
        {HEADINGS.map((h) => (
          <span key={h} className={h === 'Wait' || h === 'Talk' ? 'text-right' : ''}>
            {h}
          </span>
        ))}
      </div>
      <div ref={list} data-testid="history-table" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        <ul aria-label="Calls">
          {items.map((item) => {
            const call = calls[item.index];
            return (
              <li
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-posinset={item.index + 1}
                aria-setsize={calls.length}
                className="absolute inset-x-0 top-0"
                style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              >
                <Row call={call} onOpen={onOpen} showPbx={showPbx} />
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

function Row({ call, onOpen, showPbx }: { call: CallRecord; onOpen: (call: CallRecord) => void; showPbx: boolean }) {
  const queue = shownQueue(call);
  return (
    <button
      type="button"
      data-testid="history-row"
      data-call-id={call.id}
      data-pbx={call.pbx}
      onClick={() => onOpen(call)}
      className={`grid w-full grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-0.5 border-b border-zinc-100 px-3 py-2 text-left text-sm hover:bg-zinc-50 focus-visible:bg-sky-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500 lg:items-center lg:gap-y-0 dark:border-zinc-800 dark:hover:bg-zinc-800/60 dark:focus-visible:bg-sky-950 ${COLUMNS}`}
    >
      <span className="tabular text-zinc-600 lg:order-none dark:text-zinc-400">
        {formatMoment(call.startedAt)}
        {showPbx && <span className="ml-1 text-xs">· {call.pbx}</span>}
      </span>
      {/* Stacked, the outcome sits at the first line's end; in the table it has its own column further on. */}
      <span className="justify-self-end lg:hidden">
        <OutcomeChip outcome={call.outcome} withinSla={call.withinSla} />
      </span>
      <span className="hidden items-center gap-1 text-zinc-600 lg:flex dark:text-zinc-400">
        <DirectionIcon direction={call.direction} />
        {directionLabel(call.direction)}
      </span>
      <span className="col-span-2 truncate font-medium lg:col-span-1">
        <span className="sr-only lg:hidden">From </span>
        {partyLabel(call.from)}
        <span className="text-zinc-500 lg:hidden" aria-hidden>
          {' → '}
        </span>
        <span className="sr-only">to </span>
        <span className="font-normal lg:hidden">{partyLabel(call.to)}</span>
      </span>
      <span className="hidden truncate lg:block">{partyLabel(call.to)}</span>
      <span className="col-span-2 truncate text-xs text-zinc-600 lg:col-span-1 lg:text-sm dark:text-zinc-400">
        <span className="lg:hidden">
          {[directionLabel(call.direction), queue && `queue ${queue}`, call.agent && `agent ${call.agent.name}`]
            .filter(Boolean)
            .join(' · ')}
        </span>
        <span className="hidden lg:inline">{queue || '—'}</span>
      </span>
      <span className="hidden truncate lg:block">{call.agent?.name ?? '—'}</span>
      <span className="tabular col-span-2 text-xs text-zinc-600 lg:col-span-1 lg:text-right lg:text-sm lg:text-inherit dark:text-zinc-400 lg:dark:text-inherit">
        <span className="lg:hidden">Wait </span>
        {formatSeconds(call.waitSeconds)}
        <span className="lg:hidden">
          {` · talk ${formatSeconds(call.talkSeconds)}`}
          {call.hungUpBy !== 'unknown' && ` · ${hungUpLabel(call).toLowerCase()} hung up`}
        </span>
      </span>
      <span className="tabular hidden text-right lg:block">{formatSeconds(call.talkSeconds)}</span>
      <span className="hidden lg:block">
        <OutcomeChip outcome={call.outcome} withinSla={call.withinSla} />
      </span>
      <span className="hidden text-zinc-600 lg:block dark:text-zinc-400">{hungUpLabel(call)}</span>
    </button>
  );
}

'use client';
/**
 * The history's filters: a search (sent ~300 ms after the typing stops, not
 * per key), the days, the outcomes as chips, the queues, the direction and,
 * with several PBXs, the PBX. Every change is the caller's new filters.
 * The search is the server's `q`: numbers, names, the agent and the DID, not
 * the queue (the queue picker is for that).
 */
import { useEffect, useRef, useState } from 'react';
import type { CallOutcome } from '@/lib/history/record';
import { directionLabel, outcomeLabel } from '@/lib/ui/history/format';
import { DIRECTIONS, OUTCOMES, type HistoryFilters } from '@/lib/ui/history/query';
import { inputStyles } from '../Dialog';
import { IconChevron, IconSearch } from '../icons';

const SEARCH_DELAY_MS = 300;

export function HistoryFilterBar({
  filters,
  onChange,
  queues,
  pbxs,
}: {
  filters: HistoryFilters;
  onChange: (next: HistoryFilters) => void;
  /** The queues to offer: the board's and those seen in the results. */
  queues: readonly string[];
  /** id → label; the PBX filter shows only with more than one. */
  pbxs: ReadonlyMap<string, string>;
}) {
  const set = <K extends keyof HistoryFilters>(key: K, value: HistoryFilters[K]) => onChange({ ...filters, [key]: value });
  return (
    <div className="flex flex-col gap-2">
      <div className="grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap">
        <SearchBox value={filters.q} onSearch={(q) => set('q', q)} />
        <label className="flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          From
          <input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => set('from', e.target.value)}
            className={`${inputStyles} h-8 sm:w-[9.5rem]`}
            data-testid="history-from"
          />
        </label>
        <label className="flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          To
          <input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => set('to', e.target.value)}
            className={`${inputStyles} h-8 sm:w-[9.5rem]`}
            data-testid="history-to"
          />
        </label>
        <label className="flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          Direction
          <select
            value={filters.direction}
            onChange={(e) => set('direction', DIRECTIONS.find((d) => d === e.target.value) ?? '')}
            className={`${inputStyles} h-8 px-2 sm:w-[8.5rem]`}
            data-testid="history-direction"
          >
            <option value="">Any</option>
            {DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {directionLabel(d)}
              </option>
            ))}
          </select>
        </label>
        <QueuePicker chosen={filters.queues} queues={queues} onChange={(q) => set('queues', q)} />
        {pbxs.size > 1 && (
          <label className="flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
            PBX
            <select
              value={filters.pbx}
              onChange={(e) => set('pbx', e.target.value)}
              className={`${inputStyles} h-8 px-2 sm:w-[9rem]`}
              data-testid="history-pbx"
            >
              <option value="">All PBXs</option>
              {[...pbxs].map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <OutcomeChips chosen={filters.outcomes} onChange={(o) => set('outcomes', o)} />
    </div>
  );
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  // The filters may change from outside (a reset): the box follows, unless it is what the user typed.
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });
  useEffect(() => {
    if (text === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = text;
      latest.current(text);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <label className="relative col-span-2 min-w-[12rem] flex-1 sm:max-w-sm">
      <span className="sr-only">Search calls</span>
      <IconSearch className="pointer-events-none absolute left-2.5 top-1/2 -translate-y-1/2 text-zinc-400" width={14} height={14} />
      <input
        type="search"
        placeholder="Search number, name, agent, queue"
        value={text}
        maxLength={100}
        onChange={(e) => setText(e.target.value)}
        className={`${inputStyles} h-8 pl-8`}
        data-testid="history-search"
      />
    </label>
  );
}

function OutcomeChips({ chosen, onChange }: { chosen: readonly CallOutcome[]; onChange: (next: CallOutcome[]) => void }) {
  const on = new Set(chosen);
  return (
    <div role="group" aria-label="Outcomes" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1 text-xs">
      <button
        type="button"
        aria-pressed={on.size === 0}
        onClick={() => onChange([])}
        className={chipStyle(on.size === 0)}
        data-testid="history-outcome-all"
      >
        Any outcome
      </button>
      {OUTCOMES.map((o) => (
        <button
          key={o}
          type="button"
          aria-pressed={on.has(o)}
          data-testid={`history-outcome-${o}`}
          // Kept in the page's order, whatever the order of the clicks: the URL stays the same for the same choice.
          onClick={() => onChange(OUTCOMES.filter((x) => (x === o ? !on.has(x) : on.has(x))))}
          className={chipStyle(on.has(o))}
        >
          {outcomeLabel(o)}
        </button>
      ))}
    </div>
  );
}

const chipStyle = (on: boolean) =>
  `shrink-0 rounded-full px-2.5 py-1 font-medium ring-1 ring-inset ${
    on
      ? 'bg-zinc-900 text-white ring-zinc-900 dark:bg-white dark:text-zinc-900 dark:ring-white'
      : 'text-zinc-700 ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800'
  }`;

/** Several queues at once, as checkboxes in a disclosure: a multiple <select> is unusable on a phone. */
function QueuePicker({
  chosen,
  queues,
  onChange,
}: {
  chosen: readonly string[];
  queues: readonly string[];
  onChange: (next: string[]) => void;
}) {
  const on = new Set(chosen);
  const all = [...new Set([...queues, ...chosen])].sort((a, b) => a.localeCompare(b));
  const summary = chosen.length === 0 ? 'Any queue' : chosen.length === 1 ? chosen[0] : `${chosen.length} queues`;
  return (
    <div className="flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span id="history-queue-label">Queue</span>
      <details className="relative" data-testid="history-queues">
        <summary
          aria-labelledby="history-queue-label history-queue-summary"
          className={`${inputStyles} flex h-8 cursor-pointer gap-1 sm:w-[10rem] list-none items-center justify-between px-2 [&::-webkit-details-marker]:hidden`}
        >
          <span id="history-queue-summary" className="truncate">
            {summary}
          </span>
          <IconChevron width={14} height={14} aria-hidden />
        </summary>
        <div className="absolute right-0 z-10 mt-1 sm:left-0 sm:right-auto max-h-64 w-56 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-1 text-sm text-zinc-800 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200">
          {all.length === 0 && <p className="px-2 py-1.5 text-zinc-600 dark:text-zinc-400">No queue seen yet</p>}
          {all.map((q) => (
            <label
              key={q}
              className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800"
            >
              <input
                type="checkbox"
                checked={on.has(q)}
                onChange={() => onChange(all.filter((x) => (x === q ? !on.has(x) : on.has(x))))}
                className="accent-sky-600"
              />
              <span className="truncate">{q}</span>
            </label>
          ))}
          {chosen.length > 0 && (
            <button
              type="button"
              onClick={() => onChange([])}
              className="mt-1 w-full rounded-md px-2 py-1.5 text-left text-zinc-600 hover:bg-zinc-50 dark:text-zinc-400 dark:hover:bg-zinc-800"
            >
              Any queue
            </button>
          )}
        </div>
      </details>
    </div>
  );
}

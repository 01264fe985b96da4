'use client';
/**
 * The switchboard: every phone of the shown PBXs as a tile coloured by its
 * presence, with its registration and whoever it is talking to; searchable,
 * filtered by presence, and one click from calling it from your own phone.
 */
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { usePbx } from '@/lib/store';
import { act } from '@/lib/ui/act';
import { openDialog } from '@/lib/ui/dialogs';
import { useCan } from '@/lib/ui/grants';
import { useShownPhones, type BoardPhone } from '@/lib/ui/phone-selectors';
import { useAnyLive, useShownBoards } from '@/lib/ui/selectors';
import { useMeInFrame } from '@/lib/ui/session';
import { filterPhones, PRESENCES, presenceCounts, type Phone, type PresenceFilter } from '@/lib/ui/switchboard';
import { BoardFrame } from './BoardFrame';
import { inputStyles } from './Dialog';
import { IconSearch } from './icons';
import { PhoneGrid } from './PhoneGrid';
import { PhoneNotices } from './PhoneNotices';
import { PRESENCE } from './PhoneTile';

export function PhonesView() {
  return (
    <BoardFrame heading="Phones" title="Phones · Callboard">
      <Switchboard />
    </BoardFrame>
  );
}

const phoneKey = (p: BoardPhone): string => `${p.pbx} ${p.phone.id}`;

const FILTERS: readonly { id: PresenceFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'busy', label: 'On a call' },
  ...PRESENCES.filter((p) => p !== 'in-use').map((p) => ({ id: p, label: PRESENCE[p].label })),
];

function Switchboard() {
  const phones = useShownPhones();
  const boards = useShownBoards();
  const ready = usePbx((s) => s.ready);
  const live = useAnyLive();
  const can = useCan();
  const me = useMeInFrame();
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<PresenceFilter>('all');
  const search = useDeferredValue(query);

  const plain = useMemo(() => phones.map((p) => p.phone), [phones]);
  const counts = useMemo(() => presenceCounts(plain), [plain]);
  const busy = counts.ringing + counts['in-use'] + counts.hold;
  const matching = useMemo(() => {
    const kept = new Set(filterPhones(plain, search, filter));
    return phones.filter((p) => kept.has(p.phone));
  }, [phones, plain, search, filter]);
  // While the pointer or the focus is on the grid, its tiles keep their places: a phone that leaves the filter
  // (it went from free to in use) would otherwise pull the next one under the cursor, and a click meant for one
  // phone would call another. Each tile's content stays live; the set catches up when the pointer leaves.
  // A new search or filter is the user's own doing: it shows at once, whatever is held.
  const asked = `${filter}\n${search}`;
  const [held, setHeld] = useState<{ query: string; keys: readonly string[] } | null>(null);
  const shown = useMemo(() => {
    if (held === null || held.query !== asked) return matching;
    const byKey = new Map(phones.map((p) => [phoneKey(p), p]));
    return held.keys.flatMap((k) => byKey.get(k) ?? []);
  }, [held, asked, matching, phones]);
  const hold = () => setHeld((h) => (h?.query === asked ? h : { query: asked, keys: matching.map(phoneKey) }));
  const release = () => setHeld(null);
  const labels = useMemo(() => (boards.length > 1 ? new Map(boards.map((b) => [b.id, b.label])) : new Map<string, string>()), [boards]);

  const extension = me?.extension ?? '';
  const call = useCallback(
    (pbx: string, phone: Phone) => {
      // Without a phone of their own the user says where to ring first, in the usual dialog.
      if (!extension) return openDialog({ kind: 'originate', to: phone.number });
      const who = phone.name ? `${phone.name} (${phone.number})` : phone.number;
      void act(
        { type: 'originate', pbx, from: extension, to: phone.number },
        {
          pending: `Calling ${who}…`,
          done: `Call to ${who} placed`,
          failed: `Call to ${who} failed`,
          detail: `Your phone ${extension} rings first`,
        },
      );
    },
    [extension],
  );
  const onCall = live && can.has('originate') ? call : undefined;

  return (
    <section aria-label="Phones" className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">
          Phones{' '}
          <span className="ml-1 font-normal text-zinc-600 dark:text-zinc-400 tabular" data-testid="phones-shown">
            {shown.length === phones.length ? phones.length : `${shown.length} of ${phones.length}`}
          </span>
        </h2>
        <label className="relative min-w-[12rem] flex-1 sm:max-w-sm">
          <span className="sr-only">Search phones</span>
          <IconSearch className="pointer-events-none absolute left-2.5 top-1/2 -translate-y-1/2 text-zinc-400" width={14} height={14} />
          <input
            type="search"
            placeholder="Search name, number, address, phone model"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className={`${inputStyles} h-8 pl-8`}
            data-testid="phone-search"
          />
        </label>
      </div>
      <div role="radiogroup" aria-label="Show phones" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1 text-xs">
        {FILTERS.map((f) => {
          const n = f.id === 'all' ? phones.length : f.id === 'busy' ? busy : counts[f.id];
          const on = filter === f.id;
          // A state no phone is in is only noise, unless it is the one chosen.
          if (n === 0 && !on && f.id !== 'all' && f.id !== 'free') return null;
          return (
            <button
              key={f.id}
              type="button"
              role="radio"
              aria-checked={on}
              data-testid={`phone-filter-${f.id}`}
              onClick={() => setFilter(f.id)}
              className={`shrink-0 rounded-full px-2.5 py-1 font-medium ring-1 ring-inset ${
                on
                  ? 'bg-zinc-900 text-white ring-zinc-900 dark:bg-white dark:text-zinc-900 dark:ring-white'
                  : 'text-zinc-700 ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800'
              }`}
            >
              {f.label} <span className="tabular opacity-75">{n}</span>
            </button>
          );
        })}
      </div>
      <PhoneNotices boards={boards} named={boards.length > 1} />
      {phones.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          {ready ? 'No PJSIP endpoints: Asterisk lists none (no res_pjsip), or the manager user may not list them.' : 'Loading phones…'}
        </p>
      ) : shown.length === 0 ? (
        <p className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">No phone matches.</p>
      ) : (
        <div
          onPointerEnter={hold}
          onPointerLeave={release}
          onFocus={hold}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget)) release();
          }}
        >
          <PhoneGrid phones={shown} labels={labels} onCall={onCall} own={extension} />
        </div>
      )}
    </section>
  );
}

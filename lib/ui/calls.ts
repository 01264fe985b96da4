/** Filtering and sorting of the calls table. Pure. */
import type { Call, CallState } from '../pbx/model';
import { foldForSearch } from './search';

export type SortKey = 'duration' | 'from' | 'to' | 'state' | 'queue';
export type SortDir = 'asc' | 'desc';

export interface CallView {
  search: string;
  state: CallState | 'all';
  queue: string;
  sort: SortKey;
  dir: SortDir;
}

export const defaultCallView: CallView = { search: '', state: 'all', queue: '', sort: 'duration', dir: 'desc' };

export const STATE_LABEL: Record<CallState, string> = {
  dialing: 'Dialling',
  ringing: 'Ringing',
  queued: 'In queue',
  talking: 'Talking',
  hold: 'On hold',
  ended: 'Ended',
};

const STATE_ORDER: Record<CallState, number> = { queued: 0, ringing: 1, dialing: 2, hold: 3, talking: 4, ended: 5 };

/** Calls still worth showing: an ended call is on its way out. */
export const isActive = (c: Call): boolean => c.state !== 'ended';

// Calls are replaced, never mutated, so a folded haystack stays valid for the life of its call object.
const haystacks = new WeakMap<Call, string>();

function haystack(c: Call): string {
  let h = haystacks.get(c);
  if (h === undefined) {
    h = foldForSearch([c.from.name, c.from.num, c.to.name, c.to.num, c.queue, c.did].join('\u0000'));
    haystacks.set(c, h);
  }
  return h;
}

function matches(c: Call, needle: string): boolean {
  return haystack(c).includes(needle);
}

const text = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** Which way a column sorts on its first click: text A→Z, state in call order, duration longest first. */
const FIRST_DIR: Record<SortKey, SortDir> = { from: 'asc', to: 'asc', queue: 'asc', state: 'asc', duration: 'desc' };

/** The view after a click on column `key`: the same column flips, another starts at its natural direction. */
export function nextSort(view: CallView, key: SortKey): CallView {
  if (view.sort === key) return { ...view, dir: view.dir === 'asc' ? 'desc' : 'asc' };
  return { ...view, sort: key, dir: FIRST_DIR[key] };
}

/** A row of the calls table across PBXs: the PBX id (which has no space) and the call id, one string for list keys. */
export const rowKey = (pbx: string, id: string): string => `${pbx} ${id}`;

export function splitRowKey(key: string): { pbx: string; id: string } {
  const cut = key.indexOf(' ');
  return { pbx: key.slice(0, cut), id: key.slice(cut + 1) };
}

/** The calls of one PBX to show, sorted: their ids. */
export function visibleCallIds(calls: Record<string, Call>, view: CallView): string[] {
  return visibleCallRows([{ id: '', state: { calls } }], view).map((key) => splitRowKey(key).id);
}

/** The calls of several PBXs to show in one table, sorted together: their row keys. */
export function visibleCallRows(boards: readonly { id: string; state: { calls: Record<string, Call> } }[], view: CallView): string[] {
  const needle = foldForSearch(view.search.trim());
  const list: { pbx: string; call: Call }[] = [];
  for (const board of boards) {
    const { calls } = board.state;
    for (const id in calls) {
      const c = calls[id];
      if (!isActive(c)) continue;
      if (view.state !== 'all' && c.state !== view.state) continue;
      if (view.queue && c.queue !== view.queue) continue;
      if (needle && !matches(c, needle)) continue;
      list.push({ pbx: board.id, call: c });
    }
  }
  const sign = view.dir === 'asc' ? 1 : -1;
  const cmp: (a: Call, b: Call) => number =
    view.sort === 'duration'
      ? (a, b) => b.startedAt - a.startedAt // asc = shortest first
      : view.sort === 'from'
        ? (a, b) => text(a.from.name || a.from.num, b.from.name || b.from.num)
        : view.sort === 'to'
          ? (a, b) => text(a.to.name || a.to.num, b.to.name || b.to.num)
          : view.sort === 'state'
            ? (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]
            : (a, b) => text(a.queue, b.queue);
  // Ties fall back to the oldest call first, so rows don't jump around.
  list.sort(
    (a, b) =>
      sign * cmp(a.call, b.call) ||
      a.call.startedAt - b.call.startedAt ||
      (a.pbx < b.pbx ? -1 : a.pbx > b.pbx ? 1 : a.call.id < b.call.id ? -1 : 1),
  );
  return list.map((r) => rowKey(r.pbx, r.call.id));
}

export interface CallCounts {
  active: number;
  byState: Record<CallState, number>;
}

export function countCalls(calls: Record<string, Call>): CallCounts {
  const byState: Record<CallState, number> = { dialing: 0, ringing: 0, queued: 0, talking: 0, hold: 0, ended: 0 };
  let active = 0;
  for (const id in calls) {
    const c = calls[id];
    byState[c.state]++;
    if (isActive(c)) active++;
  }
  return { active, byState };
}

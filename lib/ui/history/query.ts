/**
 * The history page's filters, and the two query strings they make: the
 * page's own URL (what a shared link or a reload restores) and the REST
 * query of `GET /api/history`. Dates are the browser's local days, since a
 * person asking for "today" means their own day, not UTC's.
 */
import type { CallOutcome } from '@/lib/history/record';
import type { CallDirection } from '@/lib/pbx/model';

export const OUTCOMES: readonly CallOutcome[] = ['answered', 'abandoned', 'missed', 'busy', 'failed', 'transferred', 'voicemail'];
export const DIRECTIONS: readonly CallDirection[] = ['inbound', 'outbound', 'internal'];

export interface HistoryFilters {
  /** Text: any part of a number, a name, the agent or the DID. */
  q: string;
  /** `YYYY-MM-DD`, a local day; '' leaves that end open. */
  from: string;
  /** `YYYY-MM-DD`, a local day, included; '' leaves that end open. */
  to: string;
  outcomes: CallOutcome[];
  queues: string[];
  direction: CallDirection | '';
  /** A PBX's id; '' for every PBX. */
  pbx: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A moment as its local day, `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Local midnight starting `day` plus `offset` days, in ms; null when `day` is no date. */
export function dayStart(day: string, offset = 0): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  // Built from the parts (not parsed): Date.parse reads a bare date as UTC, and a day across a DST change is not 24 h.
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  // Date rolls a 45th of the 13th month over into the next year: only a day that exists is a day.
  const check = new Date(y, mo, d);
  if (check.getFullYear() !== y || check.getMonth() !== mo || check.getDate() !== d) return null;
  return new Date(y, mo, d + offset).getTime();
}

export function defaultFilters(today: string): HistoryFilters {
  return { q: '', from: today, to: today, outcomes: [], queues: [], direction: '', pbx: '' };
}

const listOf = (v: string | null): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const isOutcome = (v: string): v is CallOutcome => (OUTCOMES as readonly string[]).includes(v);
const isDirection = (v: string): v is CallDirection => (DIRECTIONS as readonly string[]).includes(v);

/**
 * The filters a page URL names. An absent date is today (the default); a date
 * present but empty is an open end, so "all time" survives a reload too.
 * Anything the page would not offer (an unknown outcome, a bad date) is dropped.
 */
export function filtersFromUrl(params: URLSearchParams, today: string): HistoryFilters {
  const day = (name: string): string => {
    const v = params.get(name);
    if (v === null) return today;
    return dayStart(v) !== null ? v : '';
  };
  const direction = params.get('direction') ?? '';
  return {
    q: (params.get('q') ?? '').slice(0, 100),
    from: day('from'),
    to: day('to'),
    outcomes: [...new Set(listOf(params.get('outcome')).filter(isOutcome))],
    queues: [...new Set(listOf(params.get('queue')))],
    direction: isDirection(direction) ? direction : '',
    pbx: params.get('pbx') ?? '',
  };
}

/** The page URL's query for `f`: only what differs from the defaults, so a plain visit stays `/history`. */
export function filtersToUrl(f: HistoryFilters, today: string): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.from !== today) p.set('from', f.from);
  if (f.to !== today) p.set('to', f.to);
  if (f.outcomes.length) p.set('outcome', f.outcomes.join(','));
  if (f.queues.length) p.set('queue', f.queues.join(','));
  if (f.direction) p.set('direction', f.direction);
  if (f.pbx) p.set('pbx', f.pbx);
  return p;
}

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
  format?: 'csv';
}

/** The REST query of `GET /api/history` for `f`: local days as ms, the `to` day included (the server's `to` is exclusive). */
export function apiQuery(f: HistoryFilters, page: PageRequest = {}): URLSearchParams {
  const p = new URLSearchParams();
  const from = dayStart(f.from);
  const to = dayStart(f.to, 1);
  if (from !== null) p.set('from', String(from));
  if (to !== null) p.set('to', String(to));
  if (f.outcomes.length) p.set('outcome', f.outcomes.join(','));
  if (f.queues.length) p.set('queue', f.queues.join(','));
  if (f.direction) p.set('direction', f.direction);
  if (f.pbx) p.set('pbx', f.pbx);
  if (f.q.trim()) p.set('q', f.q.trim());
  if (page.limit !== undefined) p.set('limit', String(page.limit));
  if (page.cursor) p.set('cursor', page.cursor);
  if (page.format) p.set('format', page.format);
  return p;
}

/** The dates say a range that ends before it starts: the server would answer nothing, so the page says why. */
export function rangeProblem(f: HistoryFilters): string {
  const from = dayStart(f.from);
  const to = dayStart(f.to);
  return from !== null && to !== null && to < from ? 'The “to” date is before the “from” date.' : '';
}

/** A call the page's URL opens: `call=<pbx>/<id>` (an Asterisk Linkedid has no `/`; a PBX id may). */
export interface CallRef {
  pbx: string;
  id: string;
}

export function callFromUrl(params: URLSearchParams): CallRef | null {
  const v = params.get('call') ?? '';
  const slash = v.lastIndexOf('/');
  if (slash <= 0 || slash === v.length - 1) return null;
  return { pbx: v.slice(0, slash), id: v.slice(slash + 1) };
}

/** The page URL's query: the filters, and the call open over them if any. */
export function pageUrl(f: HistoryFilters, today: string, call: CallRef | null): URLSearchParams {
  const p = filtersToUrl(f, today);
  if (call) p.set('call', `${call.pbx}/${call.id}`);
  return p;
}

/** Where one record is read: the PBX named, as the list's rows carry it. */
export const recordPath = (c: CallRef): string => `/api/pbx/${encodeURIComponent(c.pbx)}/history/${encodeURIComponent(c.id)}`;

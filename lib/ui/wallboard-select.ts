/**
 * What a wallboard's URL asks for, and what of it exists: `?pbx=` and
 * `?queues=` (comma lists, shown in the order given), `?rotate=SECONDS`,
 * `?charts=1`. Names that match nothing are returned so the screen can say so;
 * a wall that silently drops a queue looks like a quiet queue.
 */

export interface WallParams {
  /** PBX ids or labels; empty: every PBX. */
  pbx: string[];
  /** Queue names; empty: every queue. */
  queues: string[];
  /** Seconds per page; null: rotate only when the queues do not fit one page. */
  rotate: number | null;
  charts: boolean;
}

/** At most this many names are read from a list: a URL is typed by a person, not generated. */
const MAX_NAMES = 50;
export const ROTATE_MIN = 5;
export const ROTATE_MAX = 600;
/** Seconds per page when the queues do not fit one page and the URL names no rotation. */
export const ROTATE_DEFAULT = 15;
/** The most queue cards one page holds readably (the layout is tuned for 1 to 12). */
export const PER_PAGE = 12;

function list(value: string | null): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim().slice(0, 80);
    if (name && !out.includes(name)) out.push(name);
    if (out.length === MAX_NAMES) break;
  }
  return out;
}

export function parseWallParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const rotateRaw = q.get('rotate');
  const rotateN = rotateRaw === null || rotateRaw.trim() === '' ? NaN : Number(rotateRaw);
  return {
    pbx: list(q.get('pbx')).filter((p) => p !== 'all'),
    queues: list(q.get('queues') ?? q.get('queue')),
    rotate: Number.isFinite(rotateN) && rotateN > 0 ? Math.min(ROTATE_MAX, Math.max(ROTATE_MIN, Math.round(rotateN))) : null,
    charts: q.get('charts') === '1',
  };
}

export interface WallBoard {
  id: string;
  label: string;
  /** Its queues, in the board's order. */
  queues: readonly string[];
  /** Its snapshot has come: only then can a queue be said to be missing. */
  ready: boolean;
}

export interface WallPick {
  /** Which PBX, which queue, in the order shown. */
  panels: { pbx: string; queue: string }[];
  unknownPbx: string[];
  unknownQueues: string[];
}

/**
 * The cards a wall shows: the queues asked for, in the order asked, on each
 * PBX asked for (by id or label), or everything. A queue named on no ready
 * PBX is unknown; while a board has no snapshot yet, nothing is called unknown.
 */
export function pickPanels(boards: readonly WallBoard[], params: Pick<WallParams, 'pbx' | 'queues'>): WallPick {
  const unknownPbx: string[] = [];
  let chosen: WallBoard[] = [...boards];
  if (params.pbx.length) {
    chosen = [];
    for (const name of params.pbx) {
      const b = boards.find((x) => x.id === name) ?? boards.find((x) => x.label === name);
      if (!b) unknownPbx.push(name);
      else if (!chosen.includes(b)) chosen.push(b);
    }
    // The server lists the PBXs before any snapshot: an unknown PBX is known at once.
    if (boards.length === 0) unknownPbx.length = 0;
  }
  const panels: WallPick['panels'] = [];
  if (!params.queues.length) {
    for (const b of chosen) for (const q of b.queues) panels.push({ pbx: b.id, queue: q });
    return { panels, unknownPbx, unknownQueues: [] };
  }
  const unknownQueues: string[] = [];
  const allReady = chosen.every((b) => b.ready);
  for (const q of params.queues) {
    let found = false;
    for (const b of chosen)
      if (b.queues.includes(q)) {
        panels.push({ pbx: b.id, queue: q });
        found = true;
      }
    if (!found && allReady && chosen.length) unknownQueues.push(q);
  }
  return { panels, unknownPbx, unknownQueues };
}

export type WallPage = { kind: 'queues'; from: number; to: number } | { kind: 'charts' };

/**
 * The pages a wall turns through. Queues that fit one page stay on one (and
 * the charts under them); more are split evenly. `?rotate=` turns the pages
 * even when they fit, and gives the charts a page of their own.
 */
export function wallPages(
  cards: number,
  params: Pick<WallParams, 'rotate' | 'charts'>,
): { pages: WallPage[]; seconds: number | null; chartsUnder: boolean } {
  const groups = Math.max(1, Math.ceil(cards / PER_PAGE));
  const size = Math.ceil(cards / groups);
  const pages: WallPage[] = [];
  for (let g = 0; g < groups; g++) pages.push({ kind: 'queues', from: g * size, to: Math.min(cards, (g + 1) * size) });
  const rotating = params.rotate !== null || groups > 1;
  if (params.charts && rotating) pages.push({ kind: 'charts' });
  return {
    pages,
    seconds: pages.length > 1 ? (params.rotate ?? ROTATE_DEFAULT) : null,
    chartsUnder: params.charts && !rotating,
  };
}

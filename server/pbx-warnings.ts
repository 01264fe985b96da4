/**
 * What went wrong on the AMI side, counted by kind for /api/health and logged
 * with a rate limit per kind: a hostile PBX can make any of these happen
 * thousands of times a second, and the log must stay readable (and small).
 */
import type { EntityKind } from '@/lib/pbx/model';
import type { Logger } from './log';

export interface WarningCounts {
  /** AMI packets over the size limit, skipped by the parser. */
  oversizedPackets: number;
  /** Events (or lists) the state engine failed on; each is followed by a resync. */
  reducerErrors: number;
  /** A subscriber of the AMI client threw (a bug of ours). */
  listenerErrors: number;
  /** Lists that timed out, failed or passed CALLBOARD_MAX_LIST_ITEMS (permission refusals are not counted: they have a fallback). */
  listFailures: number;
  /** List items not read because a list passed CALLBOARD_MAX_LIST_ITEMS. */
  listItemsDropped: number;
  /** New entities not stored because their kind was at its bound, by kind. */
  entitiesDropped: Partial<Record<EntityKind, number>>;
  /** Entities not stored because their id is longer than CALLBOARD_MAX_FIELD_LENGTH. */
  idsRefused: number;
  /** Text values cut to CALLBOARD_MAX_FIELD_LENGTH. */
  fieldsCut: number;
}

export type CountedKind = Exclude<keyof WarningCounts, 'entitiesDropped'> | 'entitiesDropped';

const WINDOW_MS = 60_000;

interface Window {
  start: number;
  logged: number;
  suppressed: number;
}

/** Nothing went wrong yet. */
export function noWarnings(): WarningCounts {
  return {
    oversizedPackets: 0,
    reducerErrors: 0,
    listenerErrors: 0,
    listFailures: 0,
    listItemsDropped: 0,
    entitiesDropped: {},
    idsRefused: 0,
    fieldsCut: 0,
  };
}

export class PbxWarnings {
  readonly counts: WarningCounts = noWarnings();
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    /** Log lines per kind per minute; the rest are counted and summed up in one line. */
    private readonly perMinute = 10,
  ) {}

  count(kind: Exclude<CountedKind, 'entitiesDropped'>, n = 1): void {
    this.counts[kind] += n;
  }

  countDropped(kind: EntityKind): void {
    this.counts.entitiesDropped[kind] = (this.counts.entitiesDropped[kind] ?? 0) + 1;
  }

  /** Logs at `level` unless `kind` already logged `perMinute` lines in the current minute. */
  report(kind: string, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    let w = this.windows.get(kind);
    if (w === undefined || now - w.start >= WINDOW_MS) {
      if (w !== undefined && w.suppressed > 0) {
        this.log.warn({ kind, suppressed: w.suppressed }, `${w.suppressed} more "${kind}" warnings in the last minute were not logged`);
      }
      w = { start: now, logged: 0, suppressed: 0 };
      this.windows.set(kind, w);
    }
    if (w.logged >= this.perMinute) {
      w.suppressed++;
      return;
    }
    w.logged++;
    this.log[level]({ kind, ...fields }, w.logged === this.perMinute ? `${message} (further ones this minute are only counted)` : message);
  }
}

/**
 * What the drift checks found: a drift check is a resync whose differences are
 * counted, and on a board that followed every event there are none. Kept for
 * /api/health and `state.pbx`; each difference is logged.
 */
import type { DriftSummary } from '@/lib/pbx';
import type { Logger } from '../log';

/** Which resyncs count their differences as drift: not the one after a connect, a reload or a failure. */
export type ResyncReason = 'connect' | 'reload' | 'retry' | 'interval' | 'reducer-error' | 'manual';
export const DRIFT_CHECKS: ReadonlySet<ResyncReason> = new Set(['interval', 'reducer-error', 'manual']);

/** Differences of one drift check logged one by one; the rest in one line. */
const DIFFERENCES_LOGGED = 100;

export interface DriftStatus {
  /** ms between checks; 0: off. */
  intervalMs: number;
  checks: number;
  /** When the last check finished (null: none yet), its reason and what it found. */
  lastCheckedAt: number | null;
  lastReason: ResyncReason | null;
  lastDifferences: number;
  lastByKind: DriftSummary['byKind'];
  /** Differences over every check since start. */
  totalDifferences: number;
}

/** Nothing checked yet. */
export function noDrift(intervalMs = 0): DriftStatus {
  return { intervalMs, checks: 0, lastCheckedAt: null, lastReason: null, lastDifferences: 0, lastByKind: {}, totalDifferences: 0 };
}

export class DriftLog {
  private readonly status: DriftStatus;

  constructor(
    private readonly log: Logger,
    intervalMs: number,
  ) {
    this.status = noDrift(intervalMs);
  }

  /** A copy: /api/health must not hold a live reference. */
  get current(): DriftStatus {
    return { ...this.status, lastByKind: { ...this.status.lastByKind } };
  }

  /** Counts and logs what a check found; returns the status fields for the board. */
  record(reason: ResyncReason, summary: DriftSummary, now: number): { driftCheckedAt: number; driftDifferences: number } {
    const d = this.status;
    d.checks++;
    d.lastCheckedAt = now;
    d.lastReason = reason;
    d.lastDifferences = summary.total;
    d.lastByKind = summary.byKind;
    d.totalDifferences += summary.total;
    for (const diff of summary.differences.slice(0, DIFFERENCES_LOGGED)) {
      this.log.warn({ reason, ...diff }, `drift: ${diff.kind} ${diff.id} ${diff.change} (the board differed from Asterisk's lists)`);
    }
    if (summary.total > DIFFERENCES_LOGGED)
      this.log.warn({ reason, more: summary.total - DIFFERENCES_LOGGED }, 'drift: more differences not logged one by one');
    const line = { reason, differences: summary.total, byKind: summary.byKind };
    if (summary.total > 0) this.log.warn(line, `drift check found ${summary.total} differences with Asterisk (corrected)`);
    else this.log.info(line, 'drift check: the board equals Asterisk');
    return { driftCheckedAt: now, driftDifferences: summary.total };
  }
}

/**
 * What the evaluator keeps between passes for one PBX, beside the alerts in
 * the state: since when each condition has held without firing yet, when
 * each (rule, subject) was last notified, which alerts' fires notified, and
 * the rules grouped by kind. Bounded: pending conditions and notification
 * times are capped and pruned; what a cap refused is counted.
 */
import type { Alert, AlertKind, AlertRule } from './model';
import { Measures, type Needs } from './measures';

/** Conditions holding but not yet fired (forSeconds), per PBX. */
export const MAX_PENDING = 10_000;
/** (rule, subject) pairs whose last notification is remembered for the cooldown. */
export const MAX_NOTIFIED = 10_000;
/** The longest cooldown a rule may set: a notification older than this can hold nothing back. */
export const NOTIFIED_TTL_MS = 86_400_000;

export interface RuleGroups {
  /** The rules array these were built from (AlertRuleSource.rules() returns the same array until a write). */
  source: readonly AlertRule[] | null;
  byKind: Map<AlertKind, AlertRule[]>;
  byId: Map<string, AlertRule>;
  needs: Needs;
}

export class AlertMemory {
  readonly pending = new Map<string, { since: number; pass: number }>();
  /** Last notification per alert id, oldest first (an update deletes and re-inserts). */
  readonly notified = new Map<string, number>();
  /** Alerts on the board whose fire notified: their clear, ack and snooze notify too. */
  readonly firedNotified = new Set<string>();
  readonly measures = new Measures();
  /** The alerts a rule considered in the current pass. */
  readonly seen = new Set<Alert>();
  /** The board's alerts by rule id, then subject: found without building an id string per (rule, subject) per pass. */
  readonly active = new Map<string, Map<string, Alert>>();
  /** The board's alerts of applying rules, as the current pass found them. */
  readonly listed: Alert[] = [];
  readonly rules: RuleGroups = {
    source: null,
    byKind: new Map(),
    byId: new Map(),
    needs: { callers: false, free: false, sla: false, paused: false, calls: false },
  };
  pass = 0;
  /** Since start: alerts not raised because the PBX had MAX_ALERTS already. */
  droppedAlerts = 0;
  /** Since start: conditions not followed because MAX_PENDING were pending. */
  droppedPending = 0;

  /** Forgets notifications too old to hold anything back, and the oldest past the cap. */
  pruneNotified(now: number): void {
    for (const [id, at] of this.notified) {
      if (now - at < NOTIFIED_TTL_MS && this.notified.size <= MAX_NOTIFIED) break;
      this.notified.delete(id);
    }
  }
}

/**
 * The warnings the board shows (`state.pbx.warnings`), by source: a list
 * Asterisk refused, a list that failed, a bound that was hit. Every text a
 * person reads about what the PBX link lacks is built here and nowhere else,
 * so a refusal reads the same whichever path met it.
 *
 * Refusals and failures belong to one resync: the next one says them again or
 * they are over. A bound is over once a complete resync ran without hitting it.
 *
 * A refused phone list is not a board warning but a quieter notice
 * (`state.pbx.phoneNotices`, shown on the phones and system pages): PJSIP's
 * lists need `write=system`, which also allows restarts, and a site that
 * withholds it on purpose should not have a banner on every supervisor's
 * screen all day. Calls, queues and agents do not depend on those lists.
 */
import type { Drop } from '@/lib/pbx';
import { describeRefusal } from '@/lib/pbx/permissions';
import type { EntityKind } from '@/lib/pbx/model';
import type { PbxWarnings } from '../pbx-warnings';

/** Which entity kinds each bound covers. */
export const CHANNEL_KINDS: readonly EntityKind[] = ['channels', 'calls', 'bridges', 'callers', 'parked', 'spies'];
export const DEVICE_KINDS: readonly EntityKind[] = ['devices', 'queues', 'members', 'endpoints', 'contacts'];
const limitName = (kind: EntityKind): string => (CHANNEL_KINDS.includes(kind) ? 'CALLBOARD_MAX_CHANNELS' : 'CALLBOARD_MAX_DEVICES');

/** The lists whose refusal costs the phones view alone. */
const PHONE_LISTS: ReadonlySet<string> = new Set(['PJSIPShowContacts', 'PJSIPShowEndpoints']);
const PHONE_PREFIX = 'refused-phones:';

/** What changed in the two notice lists, for one status op. */
export interface TakenNotices {
  warnings?: string[];
  phoneNotices?: string[];
}

export interface ListProblems {
  refused: readonly { action: string; message: string }[];
  failed: readonly { action: string; reason: string }[];
  /** When the failed lists are tried again. */
  retryInMs: number;
}

export class BoardNotices {
  private readonly notices = new Map<string, string>();
  private changed = false;
  /** Bounds hit during the resync that runs; null when none runs. */
  private raisedDuringRun: Set<string> | null = null;

  constructor(private readonly shown: () => { warnings: readonly string[]; phoneNotices: readonly string[] }) {}

  /** False while a bound dropped an entity or a list is not in (a refusal has its fallback; a value shown cut is still shown). */
  get complete(): boolean {
    for (const key of this.notices.keys())
      if (key.startsWith('failed:') || (key.startsWith('bound:') && key !== 'bound:fields')) return false;
    return true;
  }

  /** A bound refused an entity or cut a value: counted, logged (rate-limited) and said on the board. */
  drop(drop: Drop, warnings: PbxWarnings): void {
    switch (drop.what) {
      case 'entity':
        warnings.countDropped(drop.kind);
        warnings.report(
          'entity-dropped',
          'warn',
          { entity: drop.kind, id: drop.id, limit: drop.limit },
          `${drop.kind} over the bound of ${drop.limit} (${limitName(drop.kind)}): not stored`,
        );
        this.raise(
          `bound:${drop.kind}`,
          `Board incomplete: Asterisk has more ${drop.kind} than the ${drop.limit.toLocaleString('en')} Callboard keeps (${limitName(drop.kind)}); some are not shown`,
        );
        break;
      case 'id':
        warnings.count('idsRefused');
        warnings.report(
          'id-refused',
          'warn',
          { entity: drop.kind, id: drop.id, length: drop.length, limit: drop.limit },
          `${drop.kind} id of ${drop.length} characters (over CALLBOARD_MAX_FIELD_LENGTH): not stored`,
        );
        this.raise(
          'bound:ids',
          `Board incomplete: some ids are longer than ${drop.limit} characters (CALLBOARD_MAX_FIELD_LENGTH); those entities are not shown`,
        );
        break;
      case 'field':
        warnings.count('fieldsCut');
        warnings.report(
          'field-cut',
          'warn',
          { entity: drop.kind, id: drop.id, field: drop.field, length: drop.length, limit: drop.limit },
          `${drop.field} of ${drop.length} characters cut to ${drop.limit} (CALLBOARD_MAX_FIELD_LENGTH)`,
        );
        this.raise('bound:fields', `Some values are longer than ${drop.limit} characters (CALLBOARD_MAX_FIELD_LENGTH) and are shown cut`);
        break;
    }
  }

  /** A resync starts; what it returns identifies the run to `abandonRun`. */
  beginRun(): object {
    return (this.raisedDuringRun = new Set());
  }

  /** A resync's lists are all answered: its refusals and failures replace the last run's. */
  endRun({ refused, failed, retryInMs }: ListProblems): void {
    const raised = this.raisedDuringRun ?? new Set<string>();
    this.raisedDuringRun = null;
    for (const key of [...this.notices.keys()]) {
      if (key.startsWith('refused:') || key.startsWith(PHONE_PREFIX) || key.startsWith('failed:')) this.clear(key);
      else if (failed.length === 0 && key.startsWith('bound:') && !raised.has(key)) this.clear(key);
    }
    for (const r of refused)
      this.raise(`${PHONE_LISTS.has(r.action) ? PHONE_PREFIX : 'refused:'}${r.action}`, describeRefusal(r.action, r.message));
    const seconds = Math.max(1, Math.round(retryInMs / 1000));
    for (const f of failed) {
      this.raise(
        `failed:${f.action}`,
        `${f.action} failed (${f.reason}): the board may miss what Asterisk has until it succeeds; retrying in ${seconds} s`,
      );
    }
  }

  /** A resync is over, or cut short (link lost): what it raised proves nothing about the next one, which may already run. */
  abandonRun(run: object): void {
    if (this.raisedDuringRun === run) this.raisedDuringRun = null;
  }

  /** The notices that differ from those shown, else undefined; for the caller's one status op. */
  take(): TakenNotices | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    const warnings: string[] = [];
    const phoneNotices: string[] = [];
    for (const [key, text] of this.notices) (key.startsWith(PHONE_PREFIX) ? phoneNotices : warnings).push(text);
    const shown = this.shown();
    const out: TakenNotices = {};
    if (!sameList(warnings, shown.warnings)) out.warnings = warnings;
    if (!sameList(phoneNotices, shown.phoneNotices)) out.phoneNotices = phoneNotices;
    return out.warnings || out.phoneNotices ? out : undefined;
  }

  private raise(key: string, text: string): void {
    this.raisedDuringRun?.add(key);
    if (this.notices.get(key) === text) return;
    this.notices.set(key, text);
    this.changed = true;
  }

  private clear(key: string): void {
    if (this.notices.delete(key)) this.changed = true;
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

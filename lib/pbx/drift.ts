/**
 * What a resync changed, entity by entity: on a board that followed every
 * event it should be nothing, so anything here is drift between the board and
 * Asterisk (a lost event, a reducer bug, a PBX that does not say everything).
 */
import type { EntityKind } from './model';
import { quoteId } from './limits';

export type DriftChange = 'added' | 'removed' | 'changed';

export interface DriftDifference {
  kind: EntityKind;
  id: string;
  change: DriftChange;
  /** For `changed`: each field that differed, with the board's value and the list's (long strings shortened). */
  fields?: Record<string, { board: unknown; asterisk: unknown }>;
}

export interface DriftSummary {
  total: number;
  byKind: Partial<Record<EntityKind, Record<DriftChange, number>>>;
  differences: DriftDifference[];
}

/**
 * Fields that are Callboard's own bookkeeping or estimates rather than
 * something Asterisk lists: a resync may rewrite them without the board
 * having shown anything false.
 */
const BOOKKEEPING: ReadonlySet<string> = new Set([
  'statusSince',
  'pausedSince',
  'waitingSince',
  'startedAt',
  // A contact's registration details: no event carries them (ContactStatus has URI, status, AOR, endpoint and RTT),
  // and Asterisk refreshes a registration silently, so only a list can say them.
  'expiresAt',
  'userAgent',
  'viaAddr',
]);

const short = (v: unknown): unknown => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v);

export class DriftRecorder {
  private readonly entries = new Map<string, DriftDifference>();

  added(kind: EntityKind, id: string): void {
    const key = `${kind}\u0000${id}`;
    const prev = this.entries.get(key);
    // Removed then added again in one resync: it was there all along, maybe changed.
    if (prev?.change === 'removed') this.entries.delete(key);
    else this.entries.set(key, { kind, id, change: 'added' });
  }

  removed(kind: EntityKind, id: string): void {
    const key = `${kind}\u0000${id}`;
    const prev = this.entries.get(key);
    if (prev?.change === 'added') this.entries.delete(key);
    else this.entries.set(key, { kind, id, change: 'removed' });
  }

  changed<T extends object>(kind: EntityKind, id: string, before: T, after: Partial<T>): void {
    let fields: DriftDifference['fields'];
    for (const field in after) {
      if (BOOKKEEPING.has(field)) continue;
      (fields ??= {})[field] = { board: short(before[field]), asterisk: short(after[field]) };
    }
    if (fields === undefined) return;
    const key = `${kind}\u0000${id}`;
    const prev = this.entries.get(key);
    if (prev === undefined) this.entries.set(key, { kind, id, change: 'changed', fields });
    else if (prev.change === 'changed') prev.fields = { ...fields, ...prev.fields, ...pickAsterisk(prev.fields!, fields) };
  }

  summary(): DriftSummary {
    const byKind: DriftSummary['byKind'] = {};
    const differences: DriftDifference[] = [];
    for (const d of this.entries.values()) {
      if (d.change === 'changed') {
        // A field moved and came back within the resync: no difference.
        for (const f in d.fields) if (JSON.stringify(d.fields[f].board) === JSON.stringify(d.fields[f].asterisk)) delete d.fields[f];
        if (Object.keys(d.fields ?? {}).length === 0) continue;
      }
      const counts = (byKind[d.kind] ??= { added: 0, removed: 0, changed: 0 });
      counts[d.change]++;
      differences.push({ ...d, id: quoteId(d.id) });
    }
    return { total: differences.length, byKind, differences };
  }
}

/** A field changed twice in one resync: the board's value is the first one seen, Asterisk's the last. */
function pickAsterisk(
  first: NonNullable<DriftDifference['fields']>,
  later: NonNullable<DriftDifference['fields']>,
): NonNullable<DriftDifference['fields']> {
  const out: NonNullable<DriftDifference['fields']> = {};
  for (const f in later) out[f] = first[f] ? { board: first[f].board, asterisk: later[f].asterisk } : later[f];
  return out;
}

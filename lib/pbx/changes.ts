/**
 * Collects the ops of one reduction. Every write goes through `put`, which
 * compares field by field and emits only what differs, then applies the op at
 * once so later steps of the same reduction read the new state.
 *
 * `put` is also where the limits hold (see limits.ts): a new entity past its
 * kind's bound, or with an id past the field length, is not stored, and a
 * string past the field length is cut, each reported through `onDrop`.
 */
import type { EntityKind, PbxState, PbxStatus } from './model';
import { applyOps, remove, status, upsert, type Op } from '../protocol';
import type { TrunkPredicate } from './trunk';
import { eventTime } from './fields';
import { headerOf } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';
import { clip, quoteId, type Drop, type Limits } from './limits';
import type { DriftRecorder } from './drift';

/** Scratch list for applying a single op (applyOps takes a list); emptied after each use. */
const ONE: Op[] = [];

/**
 * Entities per table, kept only while limits apply, so a bound costs no
 * count of the keys. Keyed by the table object: a table replaced (a test
 * building state by hand) is counted afresh. Resync recounts from scratch.
 */
const counts = new WeakMap<object, number>();

export function forgetCounts(state: PbxState, kinds: readonly EntityKind[]): void {
  for (const kind of kinds) counts.delete(state[kind]);
}

function countOf(table: object): number {
  let n = counts.get(table);
  if (n === undefined) counts.set(table, (n = Object.keys(table).length));
  return n;
}

/** Calls touched before the list of touched calls switches to a Set (a resync touches every call). */
const FEW = 16;

export interface ChangesOptions {
  isTrunk: TrunkPredicate;
  limits?: Limits;
  onDrop?: (drop: Drop) => void;
  /** Set by a drift check: every entity change is recorded. */
  drift?: DriftRecorder;
}

export class Changes {
  readonly ops: Op[] = [];
  /** Linkedids whose call row must be derived again before the ops go out. */
  touchedCalls: string[] | undefined;
  private touchedSet: Set<string> | undefined;
  /** Call membership changed during this reduction, by Linkedid, before the call row is written. */
  callChannels: Map<string, string[]> | undefined;
  readonly isTrunk: TrunkPredicate;
  private time = -1;
  private readonly maxField: number;
  private readonly maxEntities: Limits['maxEntities'];
  private readonly onDrop: ((drop: Drop) => void) | undefined;
  private readonly drift: DriftRecorder | undefined;

  constructor(
    readonly state: PbxState,
    /** The event being reduced (none for a resync): its `Timestamp` is read only when something needs the time. */
    private readonly event: AmiPacket | undefined,
    private readonly now: number,
    options: ChangesOptions,
  ) {
    this.isTrunk = options.isTrunk;
    this.maxField = options.limits?.maxFieldLength ?? Infinity;
    this.maxEntities = options.limits?.maxEntities;
    this.onDrop = options.onDrop;
    this.drift = options.drift;
  }

  /** Event time in ms since the epoch: its Timestamp, else `now`. */
  get at(): number {
    if (this.time < 0) this.time = eventTime(this.event && headerOf(this.event, 'Timestamp'), this.now);
    return this.time;
  }

  touch(linkedId: string): void {
    const set = this.touchedSet;
    if (set !== undefined) {
      if (!set.has(linkedId)) {
        set.add(linkedId);
        this.touchedCalls!.push(linkedId);
      }
      return;
    }
    const list = (this.touchedCalls ??= []);
    if (list.includes(linkedId)) return;
    list.push(linkedId);
    if (list.length > FEW) this.touchedSet = new Set(list);
  }

  /** Hands the touched calls over (and forgets them). */
  takeTouched(): string[] | undefined {
    const list = this.touchedCalls;
    this.touchedCalls = undefined;
    this.touchedSet = undefined;
    return list;
  }

  /** Upserts only the fields of `fields` that differ from the stored entity; returns whether anything changed. */
  put(kind: EntityKind, id: string, fields: Record<string, unknown>): boolean {
    return this.change(kind, id, fields) !== undefined;
  }

  /**
   * As `put`, returning the fields that changed (all of them for a new
   * entity), or undefined: nothing changed, or a limit refused a new entity.
   */
  change(kind: EntityKind, id: string, fields: Record<string, unknown>): Record<string, unknown> | undefined {
    const table = this.state[kind] as unknown as Record<string, Record<string, unknown>>;
    const prev = table[id];
    let changed: Record<string, unknown> | undefined;
    if (prev === undefined) {
      if (!this.admit(kind, id, table)) return undefined;
      changed = this.maxField === Infinity ? fields : this.clipAll(kind, id, fields);
      this.drift?.added(kind, id);
    } else {
      const max = this.maxField;
      for (const key in fields) {
        let next = fields[key];
        if (typeof next === 'string' && next.length > max) next = this.clipField(kind, id, key, next);
        const old = prev[key];
        if (old !== next && (typeof next !== 'object' || !sameValue(old, next))) (changed ??= {})[key] = next;
      }
      if (changed === undefined) return undefined;
      this.drift?.changed(kind, id, prev, changed);
    }
    this.push(upsert(kind, id, changed));
    return changed;
  }

  del(kind: EntityKind, id: string): boolean {
    const table = this.state[kind] as Record<string, unknown>;
    if (table[id] === undefined) return false;
    this.push(remove(kind, id));
    const n = counts.get(table);
    if (n !== undefined) counts.set(table, n - 1);
    this.drift?.removed(kind, id);
    return true;
  }

  status(fields: Partial<PbxStatus>): void {
    const prev = this.state.pbx as unknown as Record<string, unknown>;
    let changed: Record<string, unknown> | undefined;
    for (const key in fields) {
      const next = (fields as Record<string, unknown>)[key];
      if (!sameValue(prev[key], next)) (changed ??= {})[key] = next;
    }
    if (changed) this.push(status(changed as Partial<PbxStatus>));
  }

  /** Whether a new entity may be stored; counts it when a bound applies. */
  private admit(kind: EntityKind, id: string, table: object): boolean {
    if (id.length > this.maxField) {
      this.onDrop?.({ what: 'id', kind, id: quoteId(id), length: id.length, limit: this.maxField });
      return false;
    }
    const limit = this.maxEntities?.[kind];
    if (limit === undefined) return true;
    const n = countOf(table);
    if (n >= limit) {
      this.onDrop?.({ what: 'entity', kind, id: quoteId(id), limit });
      return false;
    }
    counts.set(table, n + 1);
    return true;
  }

  private clipAll(kind: EntityKind, id: string, fields: Record<string, unknown>): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key in fields) {
      const v = fields[key];
      if (typeof v === 'string' && v.length > this.maxField) (out ??= { ...fields })[key] = this.clipField(kind, id, key, v);
    }
    return out ?? fields;
  }

  private clipField(kind: EntityKind, id: string, field: string, value: string): string {
    this.onDrop?.({ what: 'field', kind, id: quoteId(id), field, length: value.length, limit: this.maxField });
    return clip(value, this.maxField);
  }

  /** One op at a time, so that the rest of the reduction reads the state it leaves. */
  private push(op: Op): void {
    this.ops.push(op);
    ONE[0] = op;
    applyOps(this.state, ONE);
    ONE.length = 0;
  }
}

/** Equality for model values: primitives, and flat arrays of primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    // Call parties: small flat objects.
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k in ao) if (ao[k] !== bo[k]) return false;
    for (const k in bo) if (!(k in ao)) return false;
    return true;
  }
  return false;
}

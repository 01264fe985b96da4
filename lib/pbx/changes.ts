/**
 * Collects the ops of one reduction. Every write goes through `put`, which
 * compares field by field and emits only what differs, then applies the op at
 * once so later steps of the same reduction read the new state.
 *
 * `put` is also where the limits hold (see limits.ts): a new entity past its
 * kind's bound, or with an id past the field length, is not stored, and a
 * string past the field length is cut, each reported through `onDrop`.
 */
import { tableOf, type EntityKind, type EntityOf, type PbxState, type PbxStatus } from './model';
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
  put<K extends EntityKind>(kind: K, id: string, fields: Partial<EntityOf<K>>): boolean {
    return this.change(kind, id, fields) !== undefined;
  }

  /**
   * As `put`, returning the fields that changed (all of them for a new
   * entity), or undefined: nothing changed, or a limit refused a new entity.
   */
  change<K extends EntityKind>(kind: K, id: string, fields: Partial<EntityOf<K>>): Partial<EntityOf<K>> | undefined {
    const table = tableOf(this.state, kind);
    const prev = table[id];
    let changed: Partial<EntityOf<K>> | undefined;
    if (prev === undefined) {
      if (!this.admit(kind, id, table)) return undefined;
      changed = this.maxField === Infinity ? fields : this.clipAll(kind, id, fields);
      this.drift?.added(kind, id);
    } else {
      for (const key in fields) {
        const next = this.fit(kind, id, key, fields[key]);
        const old = prev[key];
        const same = old === next || (typeof next === 'object' && sameValue(old, next));
        if (same) continue;
        changed ??= {};
        changed[key] = next;
      }
      if (changed === undefined) return undefined;
      this.drift?.changed(kind, id, prev, changed);
    }
    this.push(upsert(kind, id, changed));
    return changed;
  }

  del(kind: EntityKind, id: string): boolean {
    const table = this.state[kind];
    if (table[id] === undefined) return false;
    this.push(remove(kind, id));
    const n = counts.get(table);
    if (n !== undefined) counts.set(table, n - 1);
    this.drift?.removed(kind, id);
    return true;
  }

  status(fields: Partial<PbxStatus>): void {
    const changed = differing(this.state.pbx, fields);
    if (changed) this.push(status(changed));
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

  private clipAll<T extends object>(kind: EntityKind, id: string, fields: T): T {
    let out: T | undefined;
    for (const key in fields) {
      const v = fields[key];
      const fit = this.fit(kind, id, key, v);
      if (fit !== v) (out ??= { ...fields })[key] = fit;
    }
    return out ?? fields;
  }

  /** `value`, or its first `maxFieldLength` characters when it is a longer string. */
  private fit<V>(kind: EntityKind, id: string, field: string, value: V): V {
    if (typeof value !== 'string' || value.length <= this.maxField) return value;
    this.onDrop?.({ what: 'field', kind, id: quoteId(id), field, length: value.length, limit: this.maxField });
    // A string cut short is still a string, and V is string here; TypeScript cannot carry the narrowing to a new value.
    return clip(value, this.maxField) as V & string;
  }

  /** One op at a time, so that the rest of the reduction reads the state it leaves. */
  private push(op: Op): void {
    this.ops.push(op);
    ONE[0] = op;
    applyOps(this.state, ONE);
    ONE.length = 0;
  }
}

/** The fields of `fields` whose values differ from `prev`'s, or undefined when none do. */
function differing<T extends object>(prev: T, fields: Partial<T>): Partial<T> | undefined {
  let changed: Partial<T> | undefined;
  for (const key in fields) {
    const next = fields[key];
    if (sameValue(prev[key], next)) continue;
    changed ??= {};
    changed[key] = next;
  }
  return changed;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Equality for model values: primitives, and flat arrays of primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    // Call parties: small flat objects.
    for (const k in a) if (a[k] !== b[k]) return false;
    for (const k in b) if (!(k in a)) return false;
    return true;
  }
  return false;
}

/**
 * Collects the ops of one reduction. Every write goes through `put`, which
 * compares field by field and emits only what differs, then applies the op at
 * once so later steps of the same reduction read the new state.
 */
import type { EntityKind, PbxState, PbxStatus } from './model';
import { applyOps, remove, status, upsert, type Op } from '../protocol';
import type { TrunkPredicate } from './trunk';
import { eventTime } from './fields';
import { headerOf } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';

/** Scratch list for applying a single op (applyOps takes a list); emptied after each use. */
const ONE: Op[] = [];

export class Changes {
  readonly ops: Op[] = [];
  /** Linkedids whose call row must be derived again before the ops go out (few: a plain array). */
  touchedCalls: string[] | undefined;
  /** Call membership changed during this reduction, by Linkedid, before the call row is written. */
  callChannels: Map<string, string[]> | undefined;
  private time = -1;

  constructor(
    readonly state: PbxState,
    /** The event being reduced (none for a resync): its `Timestamp` is read only when something needs the time. */
    private readonly event: AmiPacket | undefined,
    private readonly now: number,
    readonly isTrunk: TrunkPredicate,
  ) {}

  /** Event time in ms since the epoch: its Timestamp, else `now`. */
  get at(): number {
    if (this.time < 0) this.time = eventTime(this.event && headerOf(this.event, 'Timestamp'), this.now);
    return this.time;
  }

  touch(linkedId: string): void {
    const list = (this.touchedCalls ??= []);
    if (!list.includes(linkedId)) list.push(linkedId);
  }

  /** Upserts only the fields of `fields` that differ from the stored entity; returns whether anything changed. */
  put(kind: EntityKind, id: string, fields: Record<string, unknown>): boolean {
    return this.change(kind, id, fields) !== undefined;
  }

  /** As `put`, returning the fields that changed (all of them for a new entity), or undefined. */
  change(kind: EntityKind, id: string, fields: Record<string, unknown>): Record<string, unknown> | undefined {
    const prev = (this.state[kind] as unknown as Record<string, Record<string, unknown>>)[id];
    let changed: Record<string, unknown> | undefined;
    if (prev === undefined) {
      changed = fields;
    } else {
      for (const key in fields) {
        const next = fields[key];
        const old = prev[key];
        if (old !== next && (typeof next !== 'object' || !sameValue(old, next))) (changed ??= {})[key] = next;
      }
      if (changed === undefined) return undefined;
    }
    this.push(upsert(kind, id, changed));
    return changed;
  }

  del(kind: EntityKind, id: string): boolean {
    if ((this.state[kind] as Record<string, unknown>)[id] === undefined) return false;
    this.push(remove(kind, id));
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

/**
 * The ops that turn one state into another: what a node that mirrors a PBX
 * sends its clients when a new event reader's snapshot replaces the state it
 * held (docs/architecture.md, "Several nodes"). Only what differs goes out,
 * so nothing is cleared and rebuilt under the users' eyes, the way `resync`
 * treats Asterisk's lists. Pure; every table is walked with `for…in` and
 * `Object.hasOwn`, as ids from the wire may be `__proto__` or `constructor`.
 */
import { remove, status, upsert, type Op } from '../protocol';
import { ENTITY_KINDS, tableOf, type EntityKind, type PbxState, type PbxStatus } from './model';

export function stateDifference(from: PbxState, to: PbxState): Op[] {
  const ops: Op[] = [];
  for (const kind of ENTITY_KINDS) tableDifference(kind, from, to, ops);
  const changed = changedFields(from.pbx as unknown as Record<string, unknown>, to.pbx as unknown as Record<string, unknown>);
  // A status field that went cannot be merged away: it is sent as undefined, which the merge then holds.
  if (changed === null || Object.keys(changed).length > 0) ops.push(status((changed ?? to.pbx) as Partial<PbxStatus>));
  return ops;
}

function tableDifference<K extends EntityKind>(kind: K, from: PbxState, to: PbxState, ops: Op[]): void {
  const before = tableOf(from, kind);
  const after = tableOf(to, kind);
  for (const id in before) if (!Object.hasOwn(after, id)) ops.push(remove(kind, id));
  for (const id in after) {
    const next = after[id];
    if (!Object.hasOwn(before, id)) {
      ops.push(upsert(kind, id, next));
      continue;
    }
    const changed = changedFields(before[id] as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
    // An upsert merges: a field the entity lost can only go with the entity, which then comes back whole.
    if (changed === null) ops.push(remove(kind, id), upsert(kind, id, next));
    else if (Object.keys(changed).length > 0) ops.push(upsert(kind, id, changed as Partial<typeof next>));
  }
}

/** The fields of `next` that differ from `prev`; null when `prev` has a field `next` lacks. */
function changedFields(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> | null {
  for (const key in prev) if (!Object.hasOwn(next, key)) return null;
  const out: Record<string, unknown> = {};
  for (const key in next) if (!sameValue(prev[key], next[key])) out[key] = next[key];
  return out;
}

/** Equality of JSON values (entities are plain data: numbers, strings, booleans, null, arrays and objects of them). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameValue(v, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (!Object.hasOwn(y, key) || !sameValue(x[key], y[key])) return false;
    keys++;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

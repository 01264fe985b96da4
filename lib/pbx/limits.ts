/**
 * Bounds on what a hostile PBX (or an AMI user who can originate) can make
 * the state hold. The engine stays pure: it drops or cuts, and tells the
 * caller through `onDrop`, which decides what to log and show.
 */
import type { EntityKind } from './model';

export interface Limits {
  /** Most entities of a kind; a new one past it is not stored. Absent: no bound. */
  maxEntities?: Partial<Record<EntityKind, number>>;
  /** Longest string value stored, in UTF-16 units; longer ones are cut. An id longer than this is refused. */
  maxFieldLength?: number;
}

export type Drop =
  /** A new entity past `limit` entities of its kind was not stored. */
  | { what: 'entity'; kind: EntityKind; id: string; limit: number }
  /** An entity whose id is longer than `limit` was not stored. */
  | { what: 'id'; kind: EntityKind; id: string; length: number; limit: number }
  /** A string value was cut to `limit`. */
  | { what: 'field'; kind: EntityKind; id: string; field: string; length: number; limit: number };

/** Longest id quoted in a Drop: the id itself may be what was too long. */
const QUOTED_ID = 80;
export const quoteId = (id: string): string => (id.length > QUOTED_ID ? `${id.slice(0, QUOTED_ID)}…` : id);

/** A value cut to `limit` units, the last one an ellipsis so that a reader sees it was cut. */
export function clip(value: string, limit: number): string {
  if (limit < 1) return '';
  let end = limit - 1;
  // Do not split a surrogate pair.
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/**
 * The entries of a PBX's op stream, as the event reader writes them and every
 * node reads them. Each carries its writer's term (epoch and fencing token)
 * and its place in that term (`s`, from 1), so a reader can tell a new
 * reader from a late one and see an entry it missed.
 */
import { z } from 'zod';
import type { Op, PbxState } from '@/lib/protocol';

/** A snapshot's state, as stored under its marker's key. */
export function decodeState(text: string | null): PbxState | null {
  if (!text) return null;
  try {
    const state = JSON.parse(text) as unknown;
    return state && typeof state === 'object' && 'pbx' in state && 'channels' in state ? (state as PbxState) : null;
  } catch {
    return null;
  }
}
import type { PbxHealth } from '../pbx-session';

interface Head {
  /** The writer's epoch and fencing token. */
  ep: string;
  tk: number;
  /** 1, 2, 3… within the term. */
  s: number;
  node: string;
}

export type StreamEntry =
  | (Head & { t: 'ops'; ops: Op[] })
  /** A snapshot: the state is in `key` (it expires), not in the stream. */
  | (Head & { t: 'snap'; key: string })
  /** The writer is alive; what it knows of its link that the state does not hold. */
  | (Head & { t: 'hb'; health: PbxHealth; connected: boolean });

// Redis is ours, but a bug or a foreign writer must cost an entry, not the node: the head is checked, the body's
// shape is the writer's, and applying it is guarded where it is read.
const head = { ep: z.string().max(100), tk: z.number().int().positive(), s: z.number().int().positive(), node: z.string().max(200) };
const entrySchema = z.discriminatedUnion('t', [
  z.object({ ...head, t: z.literal('ops'), ops: z.array(z.array(z.unknown())) }),
  z.object({ ...head, t: z.literal('snap'), key: z.string().max(300) }),
  z.object({ ...head, t: z.literal('hb'), health: z.record(z.string(), z.unknown()), connected: z.boolean() }),
]);

export function decodeEntry(text: string): StreamEntry | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = entrySchema.safeParse(raw);
  return parsed.success ? (parsed.data as unknown as StreamEntry) : null;
}

/** Whether `entry` belongs to a later term than (`ep`, `tk`): a new series (Redis lost its data), or a larger token. */
export function isLaterTerm(entry: Pick<Head, 'ep' | 'tk'>, ep: string | null, tk: number): boolean {
  return ep === null || entry.ep !== ep || entry.tk > tk;
}

/** The latest snapshot key: `<stream id> <entry JSON>`. */
export function decodeSnapshotKey(text: string | null): { id: string; entry: StreamEntry & { t: 'snap' } } | null {
  if (!text) return null;
  const space = text.indexOf(' ');
  if (space < 0) return null;
  const entry = decodeEntry(text.slice(space + 1));
  return entry?.t === 'snap' ? { id: text.slice(0, space), entry } : null;
}

/**
 * What an `Events:` mask and a `Filter` save on real busy-hour traffic:
 * every event of 04-busy-hour.ami, its bytes and classes (Privilege), and
 * whether the state engine handles events of that name at all. The handled
 * names are read from the reducer's own table, so this stays true as it grows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAll } from '@/lib/ami/parser';
import { emptyState, step } from '@/lib/pbx';
import { EVENT_CLASSES } from '@/server/pbx-session';
import { transcriptPath } from '../../test/fixtures/transcripts';

/** Events the state ignores that the server still needs: an async Originate's result. */
const NEEDED_BESIDES_STATE = new Set(['OriginateResponse']);

const here = path.dirname(fileURLToPath(import.meta.url));
const REDUCER = path.resolve(here, '../../lib/pbx/reducer.ts');
export const BUSY_HOUR = transcriptPath('04-busy-hour');

export interface MaskFigures {
  /** How "the reducer uses this event" was decided. */
  handledBy: 'reducer table' | 'changed state in the recording';
  events: number;
  bytes: number;
  /** Dropped by Asterisk before the socket with `Events: call,agent,system,dialplan`. */
  outsideMask: { events: number; bytes: number; names: string[] };
  /** Inside the mask, with no handler in the reducer and not needed by actions: what a Filter could drop too. */
  unusedInMask: { events: number; bytes: number; names: Record<string, number> };
  /** Handled events whose step changed nothing this time (repeats of what we knew). */
  noOpInUsed: { events: number; bytes: number };
}

export function eventMaskFigures(file = BUSY_HOUR): MaskFigures {
  const raw = readFileSync(file);
  const { packets } = parseAll(raw);
  const state = emptyState();
  const changedOnce = new Set<string>();
  const seen: { name: string; classes: string[]; bytes: number; changed: boolean }[] = [];
  let now = 0;
  for (const p of packets) {
    const f = p.fields;
    if (f.Event === undefined) continue;
    // List items answer our own actions; they are not part of the event stream a mask filters.
    if (f.ActionID !== undefined && !f.Event.startsWith('Originate')) continue;
    if (f.Timestamp) now = Math.round(Number(f.Timestamp) * 1000);
    const changed = step(state, p, now).length > 0;
    if (changed) changedOnce.add(f.Event);
    seen.push({ name: f.Event, classes: (f.Privilege ?? '').split(',').filter((c) => c && c !== 'all'), bytes: wireBytes(p), changed });
  }
  const { names: used, method } = handledEvents(changedOnce);
  for (const name of NEEDED_BESIDES_STATE) used.add(name);
  const mask = new Set<string>(EVENT_CLASSES);
  const out: MaskFigures = {
    handledBy: method,
    events: seen.length,
    bytes: 0,
    outsideMask: { events: 0, bytes: 0, names: [] },
    unusedInMask: { events: 0, bytes: 0, names: {} },
    noOpInUsed: { events: 0, bytes: 0 },
  };
  const outsideNames = new Set<string>();
  for (const e of seen) {
    out.bytes += e.bytes;
    // manager.c: an event reaches a session only if every class it carries is in the session's mask.
    if (!e.classes.every((c) => mask.has(c))) {
      out.outsideMask.events++;
      out.outsideMask.bytes += e.bytes;
      outsideNames.add(e.name);
    } else if (!used.has(e.name)) {
      out.unusedInMask.events++;
      out.unusedInMask.bytes += e.bytes;
      out.unusedInMask.names[e.name] = (out.unusedInMask.names[e.name] ?? 0) + 1;
    } else if (!e.changed) {
      out.noOpInUsed.events++;
      out.noOpInUsed.bytes += e.bytes;
    }
  }
  out.outsideMask.names = [...outsideNames].sort();
  return out;
}

/**
 * Event names the reducer has a handler for: the `['Name', handler]` entries
 * of its tables. Should its layout ever defeat this, fall back to the names
 * that changed the state at least once in the recording (and say so).
 */
function handledEvents(changedOnce: Set<string>): { names: Set<string>; method: 'reducer table' | 'changed state in the recording' } {
  const source = readFileSync(REDUCER, 'utf8');
  const names = new Set([...source.matchAll(/\[\s*'([A-Z][A-Za-z]+)'\s*,/g)].map((m) => m[1]));
  if (names.size >= 20 && names.has('Newchannel') && names.has('Hangup')) return { names, method: 'reducer table' };
  return { names: changedOnce, method: 'changed state in the recording' };
}

/** The packet's size on the wire: `Key: value\r\n` per header and the blank line. */
function wireBytes(p: { fields: Record<string, string>; repeated?: Record<string, string[]>; output?: string[] }): number {
  let n = 2;
  for (const [k, v] of Object.entries(p.fields)) {
    const values = p.repeated?.[k] ?? [v];
    for (const one of values) n += Buffer.byteLength(`${k}: ${one}\r\n`);
  }
  for (const line of p.output ?? []) n += Buffer.byteLength(line) + 2;
  return n;
}

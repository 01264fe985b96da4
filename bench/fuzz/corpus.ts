/**
 * The fuzz corpus: every recorded transcript cut into its packets' raw bytes,
 * and every set of lists (CoreShowChannels, QueueStatus, BridgeList) the
 * recording session got, as Asterisk's own views to resync against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AmiPacket } from '@/lib/ami/packet';
import { parseAll } from '@/lib/ami/parser';

import { TRANSCRIPTS_DIR as TRANSCRIPTS } from '../../test/fixtures/transcripts';
export { TRANSCRIPTS };

export interface ListSet {
  channels: AmiPacket[];
  queues: AmiPacket[];
  bridges: AmiPacket[];
}

export interface Transcript {
  name: string;
  /** Each packet's bytes, blank line included, in order. */
  blocks: Buffer[];
  /** Timestamp (ms) of the last event at or before each block, for `now`. */
  clock: number[];
  lists: ListSet[];
}

const LIST_BY_MESSAGE: Record<string, keyof ListSet> = {
  'Channels will follow': 'channels',
  'Queue status will follow': 'queues',
  'Bridge listing will follow': 'bridges',
};
const LIST_ITEMS = new Set(['CoreShowChannel', 'QueueParams', 'QueueMember', 'QueueEntry', 'BridgeListItem']);

export function loadCorpus(): Transcript[] {
  const out: Transcript[] = [];
  for (const file of readdirSync(TRANSCRIPTS)
    .filter((f) => f.endsWith('.ami'))
    .sort()) {
    const raw = readFileSync(path.join(TRANSCRIPTS, file));
    out.push({ name: file.replace(/\.ami$/, ''), ...cut(raw), lists: listSets(raw) });
  }
  return out;
}

/** Splits after the greeting line at every blank line. */
function cut(raw: Buffer): { blocks: Buffer[]; clock: number[] } {
  let at = raw.indexOf('\r\n') + 2;
  const blocks: Buffer[] = [];
  const clock: number[] = [];
  let last = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const block = raw.subarray(at, end + 4);
    const ts = /\r?\nTimestamp: (\d+\.\d+)/.exec(block.toString('latin1'));
    if (ts) last = Math.round(Number(ts[1]) * 1000);
    blocks.push(block);
    clock.push(last);
    at = end + 4;
  }
  return { blocks, clock };
}

/** Lists in the order the session asked for them, grouped into sets of one of each kind. */
function listSets(raw: Buffer): ListSet[] {
  const { packets } = parseAll(raw);
  const open = new Map<string, { kind: keyof ListSet; items: AmiPacket[] }>();
  const done: Record<keyof ListSet, AmiPacket[][]> = { channels: [], queues: [], bridges: [] };
  for (const p of packets) {
    const f = p.fields;
    const id = f.ActionID;
    if (id === undefined) continue;
    if (f.Event === undefined) {
      const kind = f.Response === 'Success' && f.EventList === 'start' ? LIST_BY_MESSAGE[f.Message] : undefined;
      if (kind) open.set(id, { kind, items: [] });
      continue;
    }
    const list = open.get(id);
    if (!list) continue;
    if (LIST_ITEMS.has(f.Event)) list.items.push(p);
    else if (f.EventList === 'Complete') {
      done[list.kind].push(list.items);
      open.delete(id);
    }
  }
  const n = Math.min(done.channels.length, done.queues.length, done.bridges.length);
  return Array.from({ length: n }, (_, i) => ({ channels: done.channels[i], queues: done.queues[i], bridges: done.bridges[i] }));
}

/**
 * A smaller truth cut from a real one: some whole conversations (all
 * channels of a Linkedid), the bridges they are in, the queues with their
 * members, and the waiting callers whose channels are kept.
 */
export function subset(set: ListSet, keep: (index: number) => boolean): ListSet {
  const calls = [...new Set(set.channels.map((p) => p.fields.Linkedid))];
  const kept = new Set(calls.filter((_, i) => keep(i)));
  const channels = set.channels.filter((p) => kept.has(p.fields.Linkedid));
  const uids = new Set(channels.map((p) => p.fields.Uniqueid));
  const bridgeIds = new Set(channels.map((p) => p.fields.BridgeId).filter(Boolean));
  return {
    channels,
    bridges: set.bridges.filter((p) => bridgeIds.has(p.fields.BridgeUniqueid)),
    queues: set.queues.filter((p) => p.fields.Event !== 'QueueEntry' || uids.has(p.fields.Uniqueid)),
  };
}

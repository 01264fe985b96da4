/**
 * Reads the recorded AMI sessions and cuts them into what a PbxSession sees:
 * plain events, and list answers (CoreShowChannels, Status, QueueStatus,
 * BridgeList) or refusals. List items are recognised by the ActionID of a list
 * this session opened, never by ActionID alone (foreign OriginateResponses
 * reuse ours).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmiPacket } from '../../lib/ami/packet';
import { parseAll } from '../../lib/ami/parser';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TRANSCRIPTS = path.resolve(repoRoot, '../shared/ami-transcripts');

export type ListAction = 'CoreShowChannels' | 'Status' | 'QueueStatus' | 'BridgeList';

export type Segment =
  | { kind: 'event'; packet: AmiPacket }
  | { kind: 'list'; action: ListAction; items: AmiPacket[]; actionId: string }
  | { kind: 'refused'; actionId: string; message: string };

const LIST_BY_MESSAGE: Record<string, ListAction> = {
  'Channels will follow': 'CoreShowChannels',
  'Channel status will follow': 'Status',
  'Queue status will follow': 'QueueStatus',
  'Bridge listing will follow': 'BridgeList',
};

const LIST_ITEMS = new Set(['CoreShowChannel', 'Status', 'QueueParams', 'QueueMember', 'QueueEntry', 'BridgeListItem']);
const LIST_ENDS = new Set(['CoreShowChannelsComplete', 'StatusComplete', 'QueueStatusComplete', 'BridgeListComplete']);

export function readTranscript(name: string): Buffer {
  return readFileSync(path.join(TRANSCRIPTS, `${name}.ami`));
}

export function segments(name: string): Segment[] {
  const { packets } = parseAll(readTranscript(name));
  const open = new Map<string, { action: ListAction; items: AmiPacket[] }>();
  const out: Segment[] = [];
  for (const p of packets) {
    const f = p.fields;
    const id = f.ActionID;
    if (f.Event === undefined) {
      if (id === undefined) continue;
      if (f.Response === 'Success' && f.EventList === 'start' && LIST_BY_MESSAGE[f.Message]) {
        open.set(id, { action: LIST_BY_MESSAGE[f.Message], items: [] });
      } else if (f.Response === 'Error') {
        out.push({ kind: 'refused', actionId: id, message: f.Message ?? '' });
      }
      continue;
    }
    const list = id === undefined ? undefined : open.get(id);
    if (list !== undefined && LIST_ITEMS.has(f.Event)) {
      list.items.push(p);
    } else if (list !== undefined && LIST_ENDS.has(f.Event)) {
      open.delete(id!);
      out.push({ kind: 'list', action: list.action, items: list.items, actionId: id! });
    } else {
      out.push({ kind: 'event', packet: p });
    }
  }
  return out;
}

/** The PBX clock as the transcript last showed it, in ms. */
export function clockAfter(segs: Segment[], upTo: number, fallback = 0): number {
  for (let i = Math.min(upTo, segs.length - 1); i >= 0; i--) {
    const s = segs[i];
    if (s.kind === 'event' && s.packet.fields.Timestamp) return Math.round(Number(s.packet.fields.Timestamp) * 1000);
  }
  return fallback;
}

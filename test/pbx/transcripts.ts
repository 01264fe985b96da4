/**
 * Reads the recorded AMI sessions and cuts them into what a PbxSession sees:
 * plain events, and list answers (CoreShowChannels, Status, QueueStatus,
 * BridgeList) or refusals. List items are recognised by the ActionID of a list
 * this session opened, never by ActionID alone (foreign OriginateResponses
 * reuse ours).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AmiPacket } from '../../lib/ami/packet';
import { parseAll } from '../../lib/ami/parser';
import { emptyState, resync, step, type PbxState, type ResyncLists } from '../../lib/pbx';
import { applyOps } from '../../lib/protocol';

import { TRANSCRIPTS_DIR as TRANSCRIPTS } from '../fixtures/transcripts';
export { TRANSCRIPTS };

export type ListAction =
  | 'CoreShowChannels'
  | 'Status'
  | 'QueueStatus'
  | 'BridgeList'
  | 'ParkedCalls'
  | 'PJSIPShowEndpoints'
  | 'PJSIPShowContacts'
  | 'PJSIPShowAors'
  | 'DeviceStateList'
  | 'ExtensionStateList';

export type Segment =
  | { kind: 'event'; packet: AmiPacket }
  | { kind: 'list'; action: ListAction; items: AmiPacket[]; actionId: string }
  | { kind: 'refused'; actionId: string; message: string };

const LIST_BY_MESSAGE: Record<string, ListAction> = {
  'Channels will follow': 'CoreShowChannels',
  'Channel status will follow': 'Status',
  'Queue status will follow': 'QueueStatus',
  'Bridge listing will follow': 'BridgeList',
  'Parked calls will follow': 'ParkedCalls',
  'A listing of Endpoints follows, presented as EndpointList events': 'PJSIPShowEndpoints',
  'A listing of Contacts follows, presented as ContactList events': 'PJSIPShowContacts',
  'A listing of AORs follows, presented as AorList events': 'PJSIPShowAors',
  'Device State Changes will follow': 'DeviceStateList',
  'Extension Statuses will follow': 'ExtensionStateList',
};

/** How res_pjsip answers a list with nothing in it (08): an error, which is an empty list all the same. */
const EMPTY_BY_MESSAGE: Record<string, ListAction> = {
  'No Contacts found': 'PJSIPShowContacts',
  'No endpoints found': 'PJSIPShowEndpoints',
  'No AORs found': 'PJSIPShowAors',
};

const LIST_ITEMS = new Set([
  'CoreShowChannel',
  'Status',
  'QueueParams',
  'QueueMember',
  'QueueEntry',
  'BridgeListItem',
  'ParkedCall',
  'EndpointList',
  'ContactList',
  'AorList',
  'DeviceStateChange',
  'ExtensionStatus',
]);
const LIST_ENDS = new Set([
  'EndpointListComplete',
  'ContactListComplete',
  'AorListComplete',
  'DeviceStateListComplete',
  'ExtensionStateListComplete',
  'CoreShowChannelsComplete',
  'StatusComplete',
  'QueueStatusComplete',
  'BridgeListComplete',
  'ParkedCallsComplete',
]);

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
      } else if (f.Response === 'Error' && EMPTY_BY_MESSAGE[(f.Message ?? '').trim()]) {
        out.push({ kind: 'list', action: EMPTY_BY_MESSAGE[f.Message.trim()], items: [], actionId: id });
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

export interface Replay {
  state: PbxState;
  /** A browser's copy: nothing but the returned ops, applied with applyOps. */
  mirror: PbxState;
  final: Partial<Record<ListAction, AmiPacket[]>>;
  resyncs: number;
  /** The actions Asterisk refused (those named in `refused`), with its message. */
  refusals: ReadonlyMap<string, string>;
  /** The PBX clock where the replay stopped. */
  now: number;
}

/**
 * Feeds events through `step` and every list (or run of lists) through
 * `resync`, as the server does, stopping at the final lists.
 * `channelsFrom` picks which channel list the session relies on.
 */
export function replay(
  name: string,
  opts: {
    channelsFrom?: 'CoreShowChannels' | 'Status';
    refused?: Record<string, string>;
    /** A session replayed whole first, into the same state: the board as it was before this one connected. */
    after?: string;
    /** Stop before segment `upTo` instead of at the final lists (a list just before it is applied). */
    upTo?: number;
  } = {},
): Replay {
  const segs = segments(name);
  const channelsFrom = opts.channelsFrom ?? 'CoreShowChannels';
  // The final lists: the last of each kind; replay stops before the first of them.
  const final: Partial<Record<ListAction, AmiPacket[]>> = {};
  let stop = segs.length;
  for (const action of ['CoreShowChannels', 'QueueStatus', 'BridgeList'] as const) {
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.kind === 'list' && s.action === action) {
        final[action] = s.items;
        stop = Math.min(stop, i);
        break;
      }
      if (s.kind === 'refused' && opts.refused?.[s.actionId] === action) {
        stop = Math.min(stop, i);
        break;
      }
    }
  }
  if (opts.upTo !== undefined) stop = opts.upTo;
  const state = emptyState();
  const mirror = emptyState();
  let resyncs = 0;
  // As the server keeps them: the last refusal of each action (lib/pbx leaves the warning to the server).
  const refusals = new Map<string, string>();
  let pending: ResyncLists | undefined;
  const flush = (now: number) => {
    if (pending === undefined) return;
    applyOps(mirror, resync(state, pending, now));
    resyncs++;
    pending = undefined;
  };
  const run = (segs: Segment[], stop: number) => {
    const flushAt = (i: number) => flush(clockAfter(segs, i, 1));
    for (let i = 0; i < stop; i++) {
      const s: Segment = segs[i];
      if (s.kind === 'event') {
        flushAt(i);
        applyOps(mirror, step(state, s.packet, clockAfter(segs, i, 1)));
        continue;
      }
      pending ??= {};
      if (s.kind === 'refused') {
        const action = opts.refused?.[s.actionId];
        if (action) refusals.set(action, s.message);
        continue;
      }
      if (s.action === 'CoreShowChannels' && channelsFrom === 'CoreShowChannels') pending.channels = s.items;
      if (s.action === 'Status' && channelsFrom === 'Status') pending.status = s.items;
      if (s.action === 'QueueStatus') pending.queues = s.items;
      if (s.action === 'BridgeList') pending.bridges = s.items;
      if (s.action === 'ParkedCalls') pending.parked = s.items;
      if (s.action === 'PJSIPShowContacts') pending.contacts = s.items;
      if (s.action === 'PJSIPShowEndpoints') pending.endpoints = s.items;
      if (s.action === 'DeviceStateList') pending.devices = s.items;
      if (s.action === 'ExtensionStateList') pending.hints = s.items;
    }
    flushAt(stop);
  };
  if (opts.after) {
    const earlier = segments(opts.after);
    run(earlier, earlier.length);
  }
  run(segs, stop);
  return { state, mirror, final, resyncs, refusals, now: clockAfter(segs, stop, 1) };
}

/** Channel lifecycle shared by the reducer and resync. */
import { headerOf } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';
import type { Changes } from './changes';
import { int, newChannel, readSnapshot, type ChannelSnapshot, type SnapshotKeys } from './fields';
import { snapshotFields } from './snapshot';
import { unparkChannel } from './parking';
import { endSpiesOf } from './spies';
import { learnEndpointName } from './endpoints';
import type { Channel } from './model';
import { callerId } from './model';

/** Call membership by Linkedid, as it stands within this reduction. */
function membersOf(ch: Changes, linkedId: string): string[] {
  const pending = (ch.callChannels ??= new Map());
  let list = pending.get(linkedId);
  if (list === undefined) {
    const call = ch.state.calls[linkedId];
    list = call ? call.channels.slice() : [];
    pending.set(linkedId, list);
  }
  return list;
}

export function joinCall(ch: Changes, linkedId: string, uid: string): void {
  const list = membersOf(ch, linkedId);
  if (!list.includes(uid)) list.push(uid);
  ch.touch(linkedId);
}

export function leaveCall(ch: Changes, linkedId: string, uid: string): void {
  const list = membersOf(ch, linkedId);
  const i = list.indexOf(uid);
  if (i !== -1) list.splice(i, 1);
  ch.touch(linkedId);
}

/** Writes a new channel, registering it with its call. */
export function createChannel(ch: Changes, channel: Channel): void {
  // A limit may refuse it; the stored Linkedid may be cut to the field length.
  if (!ch.put('channels', channel.id, channel)) return;
  joinCall(ch, ch.state.channels[channel.id].linkedId, channel.id);
  learnEndpointName(ch, channel);
}

/**
 * Channel fields a call row never reads. Connected-line fields are read only
 * from the call's originator (the channel whose Uniqueid is the Linkedid).
 */
const NOT_FOR_CALLS = new Set(['stateDesc', 'priority', 'appData', 'startedAt', 'connectedNum', 'connectedName']);

function concernsCall(prev: Channel, fields: Partial<Channel>): boolean {
  const isOrigin = prev.id === prev.linkedId;
  for (const key in fields) {
    if (!NOT_FOR_CALLS.has(key)) return true;
    if (isOrigin && (key === 'connectedNum' || key === 'connectedName')) return true;
  }
  return false;
}

/**
 * Writes changed channel fields; moves the channel between calls when its
 * Linkedid changes, and marks its call for a new derivation when the change
 * can show in it.
 */
export function updateChannel(ch: Changes, prev: Channel, fields: Partial<Channel>): boolean {
  const changed = ch.change('channels', prev.id, fields);
  if (changed === undefined) return false;
  const linkedId = changed.linkedId;
  if (linkedId !== undefined && linkedId !== prev.linkedId && linkedId !== '') {
    leaveCall(ch, prev.linkedId, prev.id);
    joinCall(ch, linkedId, prev.id);
  } else if (concernsCall(prev, changed)) {
    ch.touch(prev.linkedId);
  }
  // A phone's own caller ID may come after its Newchannel (NewCallerid), or only in a list's snapshot.
  if (changed.callerNum !== undefined || changed.callerName !== undefined) learnEndpointName(ch, ch.state.channels[prev.id]);
  return true;
}

/**
 * Applies the channel snapshot an event carries. Creates the channel when it
 * is unknown and `create` is set (a missed Newchannel); returns the channel, or
 * undefined when it is unknown and must not be created.
 *
 * Every change of a snapshot field comes with its own event (Newstate,
 * NewCallerid, NewConnectedLine, Newexten), which compare everything; events
 * about something else (dials, bridges, queues) only check the fields that
 * matter most to a call row, to stay cheap. A resync corrects the rest.
 *
 * The comparison reads single headers: most snapshots repeat what we know,
 * and then the packet need not be decoded at all.
 */
export function applySnapshot(ch: Changes, event: AmiPacket, k: SnapshotKeys, create: boolean, full = false): Channel | undefined {
  const uid = headerOf(event, k.uniqueid);
  if (!uid) return undefined;
  const prev = ch.state.channels[uid];
  if (prev === undefined) {
    if (!create) return undefined;
    const f = snapshotFields(event, k);
    if (f[k.name] === undefined) return undefined;
    createChannel(ch, newChannel(uid, readSnapshot(f, k), ch.at));
    return ch.state.channels[uid];
  }
  // Compare in place first: most channel events repeat the snapshot unchanged. The name changes only by
  // Rename, the priority only with a Newexten, and the state's text only with the state.
  if (!full) {
    if (
      prev.state === +(headerOf(event, k.state) ?? prev.state) &&
      same(event, k.linkedId, prev.linkedId) &&
      same(event, k.callerNum, prev.callerNum)
    ) {
      return prev;
    }
  } else if (
    prev.state === +(headerOf(event, k.state) ?? prev.state) &&
    same(event, k.exten, prev.exten) &&
    same(event, k.callerNum, prev.callerNum) &&
    same(event, k.connectedNum, prev.connectedNum) &&
    same(event, k.context, prev.context) &&
    same(event, k.callerName, prev.callerName) &&
    same(event, k.connectedName, prev.connectedName) &&
    same(event, k.linkedId, prev.linkedId)
  ) {
    return prev;
  }
  // A header that is absent says nothing: keep what we know.
  const f = snapshotFields(event, k);
  const snap: ChannelSnapshot = {
    name: f[k.name] ?? prev.name,
    state: f[k.state] === undefined ? prev.state : int(f[k.state]),
    stateDesc: f[k.stateDesc] ?? prev.stateDesc,
    callerNum: f[k.callerNum] ?? prev.callerNum,
    callerName: f[k.callerName] ?? prev.callerName,
    connectedNum: f[k.connectedNum] ?? prev.connectedNum,
    connectedName: f[k.connectedName] ?? prev.connectedName,
    context: f[k.context] ?? prev.context,
    exten: f[k.exten] ?? prev.exten,
    priority: f[k.priority] === undefined ? prev.priority : int(f[k.priority]),
    linkedId: f[k.linkedId] || prev.linkedId,
  };
  updateChannel(ch, prev, snap);
  return ch.state.channels[uid];
}

/** Header `key` is absent (it says nothing) or holds `known`. */
const same = (event: AmiPacket, key: string, known: string): boolean => (headerOf(event, key) ?? known) === known;

/** Removes a channel and everything that points at it from the outside. */
export function destroyChannel(ch: Changes, uid: string): void {
  const channel = ch.state.channels[uid];
  if (channel === undefined) return;
  if (channel.bridgeId) {
    const bridge = ch.state.bridges[channel.bridgeId];
    if (bridge && bridge.channels.includes(uid)) {
      ch.put('bridges', bridge.id, { channels: bridge.channels.filter((c) => c !== uid) });
    }
  }
  if (channel.queue) removeQueueCaller(ch, channel.queue, uid);
  unparkChannel(ch, uid);
  endSpiesOf(ch, uid);
  ch.del('channels', uid);
  leaveCall(ch, channel.linkedId, uid);
}

/** Takes a caller out of a queue's waiting list, moving those behind it up, as app_queue does. */
export function removeQueueCaller(ch: Changes, queue: string, uid: string): void {
  const id = callerId(queue, uid);
  const leaving = ch.state.callers[id];
  if (leaving === undefined) return;
  ch.del('callers', id);
  for (const key in ch.state.callers) {
    const other = ch.state.callers[key];
    if (other.queue === queue && other.position > leaving.position) {
      ch.put('callers', key, { position: other.position - 1 });
    }
  }
}

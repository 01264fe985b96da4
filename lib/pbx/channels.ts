/** Channel lifecycle shared by the reducer and resync. */
import type { Changes } from './changes';
import { newChannel, readSnapshot, type ChannelSnapshot, type Fields, type SnapshotKeys } from './fields';
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
  ch.put('channels', channel.id, channel as unknown as Record<string, unknown>);
  joinCall(ch, channel.linkedId, channel.id);
}

/**
 * Writes changed channel fields; moves the channel between calls when its
 * Linkedid changes, and marks its call for a new derivation.
 */
export function updateChannel(ch: Changes, prev: Channel, fields: Partial<Channel>): boolean {
  if (!ch.put('channels', prev.id, fields as Record<string, unknown>)) return false;
  const linkedId = fields.linkedId;
  if (linkedId !== undefined && linkedId !== prev.linkedId && linkedId !== '') {
    leaveCall(ch, prev.linkedId, prev.id);
    joinCall(ch, linkedId, prev.id);
  } else {
    ch.touch(prev.linkedId);
  }
  return true;
}

/**
 * Applies the channel snapshot an event carries. Creates the channel when it
 * is unknown and `create` is set (a missed Newchannel); returns the channel, or
 * undefined when it is unknown and must not be created.
 */
export function applySnapshot(ch: Changes, f: Fields, k: SnapshotKeys, create: boolean): Channel | undefined {
  const uid = f[k.uniqueid];
  if (!uid) return undefined;
  const prev = ch.state.channels[uid];
  if (prev === undefined) {
    if (!create || f[k.name] === undefined) return undefined;
    createChannel(ch, newChannel(uid, readSnapshot(f, k), ch.at));
    return ch.state.channels[uid];
  }
  // Compare in place first: most channel events repeat the snapshot unchanged.
  if (
    prev.state === +(f[k.state] ?? prev.state) &&
    prev.callerNum === (f[k.callerNum] ?? prev.callerNum) &&
    prev.callerName === (f[k.callerName] ?? prev.callerName) &&
    prev.connectedNum === (f[k.connectedNum] ?? prev.connectedNum) &&
    prev.connectedName === (f[k.connectedName] ?? prev.connectedName) &&
    prev.context === (f[k.context] ?? prev.context) &&
    prev.exten === (f[k.exten] ?? prev.exten) &&
    prev.priority === +(f[k.priority] ?? prev.priority) &&
    prev.name === (f[k.name] ?? prev.name) &&
    prev.linkedId === (f[k.linkedId] ?? prev.linkedId) &&
    prev.stateDesc === (f[k.stateDesc] ?? prev.stateDesc)
  ) {
    return prev;
  }
  const snap: Partial<ChannelSnapshot> = readSnapshot(f, k);
  // A header that is absent says nothing; keep what we know.
  for (const key of Object.keys(snap) as (keyof ChannelSnapshot)[]) {
    const header = (k as unknown as Record<string, string>)[key];
    if (f[header] === undefined) delete snap[key];
  }
  updateChannel(ch, prev, snap);
  return ch.state.channels[uid];
}

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

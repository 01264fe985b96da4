/** Bridges and their members. */
import type { AmiPacket } from '../ami/packet';
import type { Changes } from './changes';
import { applySnapshot, updateChannel } from './channels';
import { SELF, type Fields } from './fields';
import type { Bridge } from './model';

export function bridgeFields(f: Fields, prefix = ''): Omit<Bridge, 'id' | 'channels'> {
  return {
    type: f[`${prefix}BridgeType`] ?? '',
    technology: f[`${prefix}BridgeTechnology`] ?? '',
    creator: f[`${prefix}BridgeCreator`] ?? '',
    name: f[`${prefix}BridgeName`] ?? '',
  };
}

/** The bridge, created when unknown; undefined when a limit refused it. */
function ensureBridge(ch: Changes, f: Fields, id: string): Bridge | undefined {
  const prev = ch.state.bridges[id];
  if (prev === undefined) ch.put('bridges', id, { ...bridgeFields(f), channels: [] });
  else if (f.BridgeType !== undefined) ch.put('bridges', id, bridgeFields(f));
  return ch.state.bridges[id];
}

/** Every call with a channel in the bridge must be derived again: who talks to whom changed. */
function touchMembers(ch: Changes, bridge: Bridge | undefined): void {
  if (bridge === undefined) return;
  for (const uid of bridge.channels) {
    const c = ch.state.channels[uid];
    if (c !== undefined) ch.touch(c.linkedId);
  }
}

export function onBridgeCreate(ch: Changes, f: Fields): void {
  if (f.BridgeUniqueid) ensureBridge(ch, f, f.BridgeUniqueid);
}

function takeOut(ch: Changes, bridgeId: string, uid: string): void {
  const bridge = ch.state.bridges[bridgeId];
  if (bridge === undefined || !bridge.channels.includes(uid)) return;
  ch.put('bridges', bridgeId, { channels: bridge.channels.filter((c) => c !== uid) });
  touchMembers(ch, ch.state.bridges[bridgeId]);
  const channel = ch.state.channels[uid];
  if (channel !== undefined && channel.bridgeId === bridgeId) updateChannel(ch, channel, { bridgeId: '' });
}

export function onBridgeEnter(ch: Changes, event: AmiPacket): void {
  const f = event.fields;
  const id = f.BridgeUniqueid;
  if (!id) return;
  const channel = applySnapshot(ch, event, SELF, true);
  ensureBridge(ch, f, id);
  if (f.SwapUniqueid) takeOut(ch, id, f.SwapUniqueid);
  if (channel === undefined) return;
  if (channel.bridgeId && channel.bridgeId !== id) takeOut(ch, channel.bridgeId, channel.id);
  const bridge = ch.state.bridges[id];
  if (bridge === undefined) return;
  if (!bridge.channels.includes(channel.id)) ch.put('bridges', id, { channels: [...bridge.channels, channel.id] });
  // In a bridge, the dial that brought the channel here is over.
  updateChannel(ch, ch.state.channels[channel.id], { bridgeId: id, dialPeer: '' });
  touchMembers(ch, ch.state.bridges[id]);
}

export function onBridgeLeave(ch: Changes, event: AmiPacket): void {
  const f = event.fields;
  const id = f.BridgeUniqueid;
  applySnapshot(ch, event, SELF, false);
  if (id && f.Uniqueid) takeOut(ch, id, f.Uniqueid);
}

export function onBridgeDestroy(ch: Changes, f: Fields): void {
  const id = f.BridgeUniqueid;
  const bridge = id ? ch.state.bridges[id] : undefined;
  if (bridge === undefined) return;
  touchMembers(ch, bridge);
  for (const uid of bridge.channels) {
    const c = ch.state.channels[uid];
    if (c !== undefined && c.bridgeId === bridge.id) updateChannel(ch, c, { bridgeId: '' });
  }
  ch.del('bridges', bridge.id);
}

/** BridgeMerge: every channel of From moves into To; From is destroyed after. */
export function onBridgeMerge(ch: Changes, f: Fields): void {
  const to = f.ToBridgeUniqueid;
  const from = f.FromBridgeUniqueid ? ch.state.bridges[f.FromBridgeUniqueid] : undefined;
  if (!to || from === undefined) return;
  if (ch.state.bridges[to] === undefined) ch.put('bridges', to, { ...bridgeFields(f, 'To'), channels: [] });
  const target = ch.state.bridges[to];
  if (target === undefined) return;
  const moved = from.channels.filter((uid) => !target.channels.includes(uid));
  ch.put('bridges', to, { channels: [...target.channels, ...moved] });
  ch.put('bridges', from.id, { channels: [] });
  for (const uid of moved) {
    const c = ch.state.channels[uid];
    if (c !== undefined) updateChannel(ch, c, { bridgeId: to });
  }
  touchMembers(ch, ch.state.bridges[to]);
}

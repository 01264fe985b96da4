/**
 * Resync: make the state equal to Asterisk's own lists, emitting only the
 * differences, so nothing is cleared and rebuilt under the users' eyes.
 *
 * It changes no status: one list is not the whole resync, so only the caller
 * knows when the board is live (`lastResync`), and which refusals to show.
 */
import type { AmiPacket } from '../ami/packet';
import type { Op } from '../protocol';
import { bridgeFields } from './bridges';
import { flushCalls } from './calls';
import { Changes, forgetCounts } from './changes';
import { ReducerError } from './errors';
import { createChannel, destroyChannel, removeQueueCaller, updateChannel } from './channels';
import { SELF, hms, int, isLocal, newChannel, readSnapshot, type Fields } from './fields';
import { ENTITY_KINDS, type Channel, type PbxState } from './model';
import { callerId, memberId } from './model';
import { learnEndpointNames, syncContacts, syncDevices, syncEndpoints, syncHints } from './endpoints';
import { syncParked } from './parking';
import { callerFields, putMember, queueFromParams, removeMember } from './queues';
import { syncSpies } from './spies';
import type { StepOptions } from './reducer';
import { isTrunkChannel } from './trunk';

export interface ResyncLists {
  /** CoreShowChannel events (list items), or undefined when refused. */
  channels?: AmiPacket[];
  /** Status events (fallback when CoreShowChannels is refused). */
  status?: AmiPacket[];
  /** QueueParams / QueueMember / QueueEntry events. */
  queues?: AmiPacket[];
  /** BridgeListItem events. */
  bridges?: AmiPacket[];
  /** ParkedCall events of a ParkedCalls list (undefined when refused, or res_parking is not loaded). */
  parked?: AmiPacket[];
  /** ContactList events of PJSIPShowContacts ([] for its "No Contacts found"; undefined when refused or not read). */
  contacts?: AmiPacket[];
  /** EndpointList events of PJSIPShowEndpoints ([] for "No endpoints found", or when res_pjsip is not loaded). */
  endpoints?: AmiPacket[];
  /** DeviceStateChange events of DeviceStateList. */
  devices?: AmiPacket[];
  /** ExtensionStatus events of ExtensionStateList. */
  hints?: AmiPacket[];
}

/** Throws a ReducerError holding the ops applied before a failure. */
export function resync(state: PbxState, lists: ResyncLists, now: number, options: StepOptions = {}): Op[] {
  // Whatever the tables went through, the bounds count from what they hold now.
  forgetCounts(state, ENTITY_KINDS);
  const ch = new Changes(state, undefined, now, {
    isTrunk: options.isTrunk ?? isTrunkChannel,
    limits: options.limits,
    onDrop: options.onDrop,
    drift: options.drift,
  });
  try {
    reconcile(ch, lists);
  } catch (err) {
    throw new ReducerError(err, ch.ops);
  }
  return ch.ops;
}

function reconcile(ch: Changes, lists: ResyncLists): void {
  const channelList = lists.channels ?? lists.status;
  if (channelList !== undefined) {
    syncChannels(
      ch,
      channelList.map((p) => p.fields),
    );
    syncSpies(ch);
  }
  if (lists.parked !== undefined)
    syncParked(
      ch,
      lists.parked.map((p) => p.fields),
    );
  if (lists.bridges !== undefined || channelList !== undefined) {
    syncBridges(
      ch,
      lists.bridges?.map((p) => p.fields),
      channelList !== undefined,
    );
  }
  if (lists.queues !== undefined)
    syncQueues(
      ch,
      lists.queues.map((p) => p.fields),
    );
  // Contacts before endpoints: a contact the endpoint list names and ContactList did not give is a static one.
  if (lists.contacts !== undefined)
    syncContacts(
      ch,
      lists.contacts.map((p) => p.fields),
    );
  if (lists.endpoints !== undefined) {
    syncEndpoints(
      ch,
      lists.endpoints.map((p) => p.fields),
    );
    learnEndpointNames(ch);
  }
  if (lists.devices !== undefined)
    syncDevices(
      ch,
      lists.devices.map((p) => p.fields),
    );
  if (lists.hints !== undefined)
    syncHints(
      ch,
      lists.hints.map((p) => p.fields),
    );
  rebuildCalls(ch);
  flushCalls(ch);
}

function syncChannels(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, Fields>();
  for (const f of items) if (f.Uniqueid) listed.set(f.Uniqueid, f);

  for (const uid of Object.keys(ch.state.channels)) if (!listed.has(uid)) destroyChannel(ch, uid);

  const byName = new Map<string, string>();
  for (const [uid, f] of listed) {
    const snap = readSnapshot(f, SELF);
    byName.set(snap.name, uid);
    // Status says BridgeID, Data and Seconds where CoreShowChannel says BridgeId, ApplicationData and Duration.
    const fields: Partial<Channel> = {
      ...snap,
      app: f.Application ?? '',
      appData: f.ApplicationData ?? f.Data ?? '',
      bridgeId: f.BridgeId ?? f.BridgeID ?? '',
    };
    const prev = ch.state.channels[uid];
    if (prev === undefined) {
      // The list's age is relative to the moment it was taken.
      const seconds = f.Duration !== undefined ? hms(f.Duration) : int(f.Seconds);
      createChannel(ch, { ...newChannel(uid, snap, ch.at - seconds * 1000), ...fields });
    } else {
      updateChannel(ch, prev, fields);
    }
  }

  // Local halves pair up by name (`…;1` with `…;2`).
  // A limit may have refused some of the listed channels: only the stored ones go on.
  const stored = [...listed.keys()].filter((uid) => ch.state.channels[uid] !== undefined);
  for (const [name, uid] of byName) {
    if (!isLocal(name) || !name.endsWith(';1')) continue;
    const twin = byName.get(`${name.slice(0, -1)}2`);
    const one = ch.state.channels[uid];
    if (twin === undefined || one === undefined || ch.state.channels[twin] === undefined) continue;
    updateChannel(ch, one, { localPeer: twin });
    updateChannel(ch, ch.state.channels[twin], { localPeer: uid });
  }

  // A dial we remember towards a channel that is gone is over.
  for (const uid of stored) {
    const c = ch.state.channels[uid];
    if (c.dialPeer && ch.state.channels[c.dialPeer] === undefined) updateChannel(ch, c, { dialPeer: '' });
  }
  inferDials(ch, stored);
}

/**
 * Lists do not say who dials whom. A dialled channel not yet bridged
 * (AppDial/AppQueue, the "(Outgoing Line)") pairs with the one channel of its
 * call that runs Dial or Queue outside a bridge: enough to show a call that
 * rings when we join.
 */
function inferDials(ch: Changes, uids: string[]): void {
  for (const uid of uids) {
    const dest = ch.state.channels[uid];
    if (dest.dialPeer || dest.bridgeId || (dest.app !== 'AppDial' && dest.app !== 'AppQueue')) continue;
    let caller: Channel | undefined;
    let candidates = 0;
    for (const other of uids) {
      const c = ch.state.channels[other];
      if (c.linkedId === dest.linkedId && !c.bridgeId && (c.app === 'Dial' || c.app === 'Queue') && c.id !== dest.localPeer) {
        caller = c;
        candidates++;
      }
    }
    if (caller === undefined || candidates !== 1) continue;
    updateChannel(ch, dest, { dialPeer: caller.id });
    if (!caller.dialPeer) updateChannel(ch, ch.state.channels[caller.id], { dialPeer: dest.id });
  }
}

/**
 * Bridges from BridgeList (when given) and their members from the channel
 * list (when given): each list corrects what it knows about.
 */
function syncBridges(ch: Changes, items: Fields[] | undefined, membersKnown: boolean): void {
  const listed = new Set<string>(items === undefined ? Object.keys(ch.state.bridges) : []);
  for (const f of items ?? []) {
    const id = f.BridgeUniqueid;
    if (!id) continue;
    listed.add(id);
    const prev = ch.state.bridges[id];
    const meta = bridgeFields(f);
    if (prev === undefined) {
      // Refused by a limit: not kept, so not listed either.
      if (!ch.put('bridges', id, { ...meta, channels: [] })) listed.delete(id);
    } else {
      ch.put('bridges', id, meta);
    }
  }
  if (items !== undefined) for (const id of Object.keys(ch.state.bridges)) if (!listed.has(id)) ch.del('bridges', id);
  if (!membersKnown) {
    // Without a channel list, only drop members that no longer exist.
    for (const id of listed) {
      const prev = ch.state.bridges[id].channels;
      ch.put('bridges', id, { channels: prev.filter((uid) => ch.state.channels[uid]?.bridgeId === id) });
    }
    return;
  }

  // BridgeListItem has no members: they come from the channels' own bridge ids.
  const members = new Map<string, string[]>();
  for (const uid in ch.state.channels) {
    const c = ch.state.channels[uid];
    if (!c.bridgeId) continue;
    // A channel may name a bridge the bridge list has not caught up with; the next events settle it.
    if (!listed.has(c.bridgeId)) continue;
    let list = members.get(c.bridgeId);
    if (list === undefined) members.set(c.bridgeId, (list = []));
    list.push(uid);
  }
  for (const id of listed) {
    const now = members.get(id) ?? [];
    const prev = ch.state.bridges[id].channels;
    // Keep the order of entry we know; newcomers go last.
    const ordered = prev.filter((uid) => now.includes(uid)).concat(now.filter((uid) => !prev.includes(uid)));
    ch.put('bridges', id, { channels: ordered });
    for (const uid of ordered) ch.touch(ch.state.channels[uid].linkedId);
  }
}

function syncQueues(ch: Changes, items: Fields[]): void {
  const queues = new Set<string>();
  const members = new Set<string>();
  const callers = new Map<string, Fields>();
  for (const f of items) {
    const queue = f.Queue;
    if (!queue) continue;
    switch (f.Event) {
      case 'QueueParams':
        ch.put('queues', queue, queueFromParams(f));
        if (ch.state.queues[queue] !== undefined) queues.add(queue);
        break;
      case 'QueueMember': {
        const id = memberId(queue, f.Location ?? f.Interface ?? '');
        members.add(id);
        putMember(ch, id, f, true);
        break;
      }
      case 'QueueEntry':
        if (f.Uniqueid) callers.set(callerId(queue, f.Uniqueid), f);
        break;
    }
  }
  for (const id of Object.keys(ch.state.members)) if (!members.has(id)) removeMember(ch, id);
  for (const id of Object.keys(ch.state.callers)) {
    if (!callers.has(id)) removeQueueCaller(ch, ch.state.callers[id].queue, ch.state.callers[id].uniqueid);
  }
  for (const [id, f] of callers) {
    const prev = ch.state.callers[id];
    ch.put('callers', id, callerFields(f.Queue, f.Uniqueid, f, prev?.waitingSince || ch.at - int(f.Wait) * 1000));
  }
  for (const id of Object.keys(ch.state.queues)) if (!queues.has(id)) ch.del('queues', id);

  // The queue each channel waits in.
  for (const uid in ch.state.channels) {
    const c = ch.state.channels[uid];
    let queue = '';
    for (const q of queues) if (callers.has(callerId(q, uid))) queue = q;
    if (c.queue !== queue) updateChannel(ch, c, { queue });
  }
}

/** Call membership straight from the channels, keeping the order each call already has. */
function rebuildCalls(ch: Changes): void {
  const groups = new Map<string, string[]>();
  for (const uid in ch.state.channels) {
    const lid = ch.state.channels[uid].linkedId;
    let list = groups.get(lid);
    if (list === undefined) groups.set(lid, (list = []));
    list.push(uid);
  }
  for (const lid of Object.keys(ch.state.calls)) if (!groups.has(lid)) groups.set(lid, []);
  for (const [lid, now] of groups) {
    const prev = ch.state.calls[lid]?.channels ?? [];
    (ch.callChannels ??= new Map()).set(lid, prev.filter((uid) => now.includes(uid)).concat(now.filter((uid) => !prev.includes(uid))));
    ch.touch(lid);
  }
}

/**
 * The reducer: one AMI event in, the ops it causes out (already applied).
 * Events that do not touch the model are skipped with one map lookup.
 */
import { headerOf } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';
import type { Op } from '../protocol';
import { onBridgeCreate, onBridgeDestroy, onBridgeEnter, onBridgeLeave, onBridgeMerge } from './bridges';
import { flushCalls, isPbxApplication } from './calls';
import { Changes } from './changes';
import type { DriftRecorder } from './drift';
import { ReducerError } from './errors';
import type { Drop, Limits } from './limits';
import { applySnapshot, createChannel, destroyChannel, updateChannel } from './channels';
import { DEST, LOCAL_ONE, LOCAL_TWO, SELF, int, newChannel, readSnapshot, type Fields } from './fields';
import type { Channel, PbxState } from './model';
import { onContactStatus, onEndpointDeviceState, onPeerStatus, putHint } from './endpoints';
import { onParked, onUnparked, unparkChannel } from './parking';
import {
  onAgentComplete,
  onAgentConnect,
  onCallerAbandon,
  onCallerJoin,
  onCallerLeave,
  onMember,
  onMemberAdded,
  onMemberRemoved,
} from './queues';
import { endSpiesOf, onSpyStart, onSpyStop, refreshSpyMode } from './spies';
import { snapshotFields } from './snapshot';
import { fromFullyBooted, fromReload } from './system';
import { isTrunkChannel, type TrunkPredicate } from './trunk';

export interface StepOptions {
  /** Recognises trunk channels for call direction; `isTrunkChannel` by default. */
  isTrunk?: TrunkPredicate;
  /** Bounds on entities and field lengths (none by default). */
  limits?: Limits;
  /** Told of every entity a limit refused and every value it cut. */
  onDrop?: (drop: Drop) => void;
  /** Resync only: records every entity the lists change (a drift check). */
  drift?: DriftRecorder;
}

/**
 * Handlers get the packet undecoded: the frequent ones read single headers
 * with `headerOf`, because decoding a whole packet costs more than finding
 * the few headers they need (and most channel snapshots repeat what we know).
 * The others read the decoded field map.
 */
type Handler = (ch: Changes, event: AmiPacket) => void;
type FieldHandler = (ch: Changes, f: Fields) => void;

const decoded =
  (handler: FieldHandler): Handler =>
  (ch, event) =>
    handler(ch, event.fields);

/**
 * Events with nothing for the model are absent on purpose: AgentCalled and
 * AgentRingNoAnswer (the member's QueueMemberStatus follows), Hangup(Handler)
 * requests, and VarSet. Reload moves only the reload time (a server that
 * wants queue changes after a reload resyncs).
 */
const HANDLERS = new Map<string, Handler>([
  ['Newchannel', onNewchannel],
  ['Newstate', (ch, e) => void applySnapshot(ch, e, SELF, true, true)],
  // Caller-ID updates also arrive for a channel that just hung up: they must not bring it back.
  ['NewCallerid', (ch, e) => void applySnapshot(ch, e, SELF, false, true)],
  ['NewConnectedLine', (ch, e) => void applySnapshot(ch, e, SELF, false, true)],
  ['Newexten', onNewexten],
  ['Rename', decoded(onRename)],
  ['Hangup', onHangup],
  ['DialBegin', onDialBegin],
  ['DialState', onDialState],
  ['DialEnd', onDialEnd],
  ['BridgeCreate', decoded(onBridgeCreate)],
  ['BridgeEnter', onBridgeEnter],
  ['BridgeLeave', onBridgeLeave],
  ['BridgeDestroy', decoded(onBridgeDestroy)],
  ['BridgeMerge', decoded(onBridgeMerge)],
  ['LocalBridge', (ch, e) => pairLocal(ch, e, true)],
  ['LocalOptimizationBegin', (ch, e) => pairLocal(ch, e, false)],
  ['LocalOptimizationEnd', (ch, e) => pairLocal(ch, e, false)],
  ['QueueCallerJoin', onQueueCallerJoin],
  ['QueueCallerLeave', onQueueCallerLeave],
  ['QueueCallerAbandon', decoded(onCallerAbandon)],
  ['QueueMemberAdded', decoded(onMemberAdded)],
  ['QueueMemberStatus', decoded(onMember)],
  ['QueueMemberPause', decoded(onMember)],
  ['QueueMemberPaused', decoded(onMember)],
  ['QueueMemberPenalty', decoded(onMember)],
  ['QueueMemberRinginuse', decoded(onMember)],
  ['QueueMemberRemoved', decoded(onMemberRemoved)],
  ['AgentConnect', decoded(onAgentConnect)],
  ['AgentComplete', decoded(onAgentComplete)],
  ['DeviceStateChange', onDeviceState],
  ['ExtensionStatus', decoded(onExtensionStatus)],
  ['ContactStatus', decoded(onContactStatus)],
  ['PeerStatus', decoded(onPeerStatus)],
  ['Hold', (ch, e) => setHold(ch, e, true)],
  ['Unhold', (ch, e) => setHold(ch, e, false)],
  ['MusicOnHoldStart', (ch, e) => setHold(ch, e, true)],
  ['MusicOnHoldStop', (ch, e) => setHold(ch, e, false)],
  ['ParkedCall', decoded(onParked)],
  ['ParkedCallSwap', decoded(onParked)],
  ['UnParkedCall', decoded(onUnparked)],
  ['ParkedCallTimeOut', decoded(onUnparked)],
  ['ParkedCallGiveUp', decoded(onUnparked)],
  ['ChanSpyStart', decoded(onSpyStart)],
  ['ChanSpyStop', decoded(onSpyStop)],
  ['OriginateResponse', decoded(onOriginateResponse)],
  ['FullyBooted', decoded((ch, f) => ch.status({ fullyBooted: true, system: fromFullyBooted(ch.state.pbx.system, f, ch.at) }))],
  ['Reload', decoded((ch, f) => ch.status({ system: fromReload(ch.state.pbx.system, f, ch.at) }))],
  ['Shutdown', (ch) => ch.status({ fullyBooted: false })],
]);

const DEFAULTS: StepOptions = {};

/**
 * Reduces one AMI event: computes its ops, applies them to `state`, returns
 * them. Throws a ReducerError holding the ops applied before a failure.
 */
export function step(state: PbxState, event: AmiPacket, now: number, options: StepOptions = DEFAULTS): Op[] {
  // Reading one header spares decoding the packets we skip (VarSet is the most common event of all).
  const name = headerOf(event, 'Event');
  const handler = name === undefined ? undefined : HANDLERS.get(name);
  // List items (CoreShowChannel, QueueMember, Status, …) have no handler: they belong to resync. ParkedCall is
  // both an event and the ParkedCalls list's item; the session hands the items to resync, never here.
  if (handler === undefined) return [];
  const ch = new Changes(state, event, now, {
    isTrunk: options.isTrunk ?? isTrunkChannel,
    limits: options.limits,
    onDrop: options.onDrop,
  });
  try {
    handler(ch, event);
    flushCalls(ch);
  } catch (err) {
    throw new ReducerError(err, ch.ops);
  }
  return ch.ops;
}

function onNewchannel(ch: Changes, event: AmiPacket): void {
  const uid = headerOf(event, 'Uniqueid');
  if (!uid) return;
  const prev = ch.state.channels[uid];
  if (prev === undefined) createChannel(ch, newChannel(uid, readSnapshot(snapshotFields(event, SELF), SELF), ch.at));
  else applySnapshot(ch, event, SELF, false, true);
}

/** The most frequent channel event: only the dialplan location and application move. */
function onNewexten(ch: Changes, event: AmiPacket): void {
  const uid = headerOf(event, 'Uniqueid');
  if (!uid) return;
  const c = ch.state.channels[uid];
  if (c === undefined) {
    const f = event.fields;
    applySnapshot(ch, event, SELF, true);
    const created = ch.state.channels[uid];
    if (created) ch.put('channels', uid, { app: f.Application ?? '', appData: f.AppData ?? '' });
    return;
  }
  const app = headerOf(event, 'Application') ?? c.app;
  const appData = headerOf(event, 'AppData') ?? c.appData;
  const context = headerOf(event, 'Context') ?? c.context;
  const exten = headerOf(event, 'Exten') ?? c.exten;
  const priorityText = headerOf(event, 'Priority');
  const priority = priorityText === undefined ? c.priority : int(priorityText);
  if (app === c.app && appData === c.appData && context === c.context && exten === c.exten && priority === c.priority) return;
  if (context === c.context && exten === c.exten && isPbxApplication(app) === isPbxApplication(c.app) && app !== 'Queue') {
    // Nothing a call row shows has changed.
    ch.put('channels', uid, { app, appData, priority });
  } else {
    updateChannel(ch, c, { app, appData, context, exten, priority });
  }
  if (ch.state.spies[uid] !== undefined) refreshSpyMode(ch, uid);
}

function onHangup(ch: Changes, event: AmiPacket): void {
  const uid = headerOf(event, 'Uniqueid');
  if (!uid) return;
  if (ch.state.channels[uid] !== undefined) {
    destroyChannel(ch, uid);
  } else {
    // A channel we never saw may still be parked or spying (learnt from a list or their own events).
    unparkChannel(ch, uid);
    endSpiesOf(ch, uid);
  }
}

/**
 * An Originate to an application (`Application: ChanSpy`, `Data:
 * PJSIP/202,qE`) runs it on the answered channel without a Newexten, since
 * the channel's context, exten and priority do not move (09): this is the
 * one event that says what the channel runs. Asterisk sends it to every
 * session that reads call events, whoever originated; only a success names
 * a channel that runs the application.
 */
function onOriginateResponse(ch: Changes, f: Fields): void {
  if (f.Response !== 'Success' || !f.Application || !f.Uniqueid) return;
  const c = ch.state.channels[f.Uniqueid];
  if (c === undefined) return;
  updateChannel(ch, c, { app: f.Application, appData: f.Data ?? '' });
  refreshSpyMode(ch, c.id);
}

function onRename(ch: Changes, f: Fields): void {
  const c = f.Uniqueid ? ch.state.channels[f.Uniqueid] : undefined;
  if (c !== undefined && f.Newname) updateChannel(ch, c, { name: f.Newname });
}

function onDialBegin(ch: Changes, event: AmiPacket): void {
  const caller = applySnapshot(ch, event, SELF, true);
  const dest = applySnapshot(ch, event, DEST, true);
  if (dest === undefined) return;
  if (caller !== undefined) {
    updateChannel(ch, dest, { dialPeer: caller.id });
    updateChannel(ch, ch.state.channels[caller.id], { dialPeer: dest.id });
  }
}

function onDialState(ch: Changes, event: AmiPacket): void {
  applySnapshot(ch, event, SELF, true);
  applySnapshot(ch, event, DEST, true);
}

function onDialEnd(ch: Changes, event: AmiPacket): void {
  const caller = applySnapshot(ch, event, SELF, false);
  const dest = applySnapshot(ch, event, DEST, false);
  const destId = headerOf(event, 'DestUniqueid');
  if (headerOf(event, 'DialStatus') === 'ANSWER') {
    // Answered: the two stay paired until they meet in a bridge.
    if (caller !== undefined && dest !== undefined) updateChannel(ch, caller, { dialPeer: dest.id });
    return;
  }
  if (dest !== undefined && dest.dialPeer) updateChannel(ch, dest, { dialPeer: '' });
  if (caller !== undefined && caller.dialPeer === destId) {
    // A queue or a Dial to several phones still rings the others.
    updateChannel(ch, ch.state.channels[caller.id], { dialPeer: stillDialled(ch, caller) });
  }
}

function stillDialled(ch: Changes, caller: Channel): string {
  const call = ch.state.calls[caller.linkedId];
  for (const uid of ch.callChannels?.get(caller.linkedId) ?? call?.channels ?? []) {
    if (ch.state.channels[uid]?.dialPeer === caller.id) return uid;
  }
  return '';
}

/** LocalBridge and LocalOptimization*: the two halves of one Local channel. */
function pairLocal(ch: Changes, event: AmiPacket, create: boolean): void {
  const one = applySnapshot(ch, event, LOCAL_ONE, create);
  const two = applySnapshot(ch, event, LOCAL_TWO, create);
  if (one === undefined || two === undefined) return;
  updateChannel(ch, one, { localPeer: two.id });
  updateChannel(ch, ch.state.channels[two.id], { localPeer: one.id });
}

function onQueueCallerJoin(ch: Changes, event: AmiPacket): void {
  const f = event.fields;
  const c = applySnapshot(ch, event, SELF, true);
  onCallerJoin(ch, f);
  if (c !== undefined && f.Queue) updateChannel(ch, ch.state.channels[c.id], { queue: f.Queue });
}

function onQueueCallerLeave(ch: Changes, event: AmiPacket): void {
  const f = event.fields;
  const c = applySnapshot(ch, event, SELF, false);
  onCallerLeave(ch, f);
  if (c !== undefined && c.queue === f.Queue) updateChannel(ch, ch.state.channels[c.id], { queue: '' });
}

function setHold(ch: Changes, event: AmiPacket, onHold: boolean): void {
  const c = applySnapshot(ch, event, SELF, onHold);
  if (c === undefined) return;
  // Music while waiting in a queue is not a hold: only a bridged party can be held.
  if (onHold && headerOf(event, 'Event')?.startsWith('MusicOnHold') && !c.bridgeId) return;
  updateChannel(ch, c, { onHold });
}

function onDeviceState(ch: Changes, event: AmiPacket): void {
  const id = headerOf(event, 'Device');
  const state = headerOf(event, 'State') ?? '';
  if (!id) return;
  const prev = ch.state.devices[id];
  if (prev !== undefined && prev.state === state) return;
  ch.put('devices', id, { kind: 'device', state, status: prev?.status ?? -1, since: ch.at, hint: prev?.hint ?? '' });
  onEndpointDeviceState(ch, id, state);
}

function onExtensionStatus(ch: Changes, f: Fields): void {
  if (f.Exten === undefined) return;
  putHint(ch, `${f.Exten}@${f.Context ?? ''}`, f);
}

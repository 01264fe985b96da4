import {
  CAUSE_TEXT,
  DEVICE_STATE,
  bridgeHeaders,
  channelHeaders,
  formatEvent,
  memberEventHeaders,
  type AmiEvent,
  type BridgeSnapshot,
  type ChannelSnapshot,
  type DeviceState,
  type EventName,
  type Header,
  type QueueMemberSnapshot,
} from './dialect';
import type { AgentDef, QueueDef } from './directory';
import { Rng } from './rng';
import { Scheduler, type TimerHandle } from './scheduler';
import { ChannelState } from '@/lib/pbx/states';

/**
 * The demo PBX's own truth: channels, bridges, queues. It plays Asterisk, so it
 * never looks at lib/pbx's state engine (it shares only the names of
 * Asterisk's numeric states). Every mutation emits the events Asterisk would, in
 * Asterisk's order; the call flows (dial.ts, queue-call.ts, originate.ts,
 * talk.ts, driven by traffic.ts) decide when.
 */

/** Whatever drives a channel right now (a dial, a queue wait, a hold) and must hear of its hangup. */
export interface ChannelOwner {
  /** The channel is being hung up from outside (its phone, an action, a restart). */
  onHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void;
  /** The channel is being moved elsewhere in the dialplan; release it and end what it leaves behind. */
  onRedirect?(ch: Channel): void;
}

export interface Channel extends ChannelSnapshot {
  endpoint: string;
  app: string;
  appData: string;
  bridge?: Bridge;
  createdMs: number;
  answeredMs?: number;
  owner?: ChannelOwner;
  alive: boolean;
  /** Seconds this party talks before hanging up (Originate `Variable: TALK=`), if set. */
  talk?: number;
}

export interface Bridge extends BridgeSnapshot {
  channels: Set<Channel>;
}

export interface Member extends QueueMemberSnapshot {
  /** The waiting caller this member is being rung for, if any. */
  ringing?: unknown;
  /** Paused through QueuePause: the simulated agent waits for someone to resume it, as a person would. */
  pausedByAction?: boolean;
}

export interface QueueCaller {
  ch: Channel;
  joinedMs: number;
  originalPosition: number;
}

export interface Queue {
  def: QueueDef;
  members: Member[];
  callers: QueueCaller[];
  completed: number;
  abandoned: number;
  /** app_queue's exponential averages, in seconds. */
  holdtime: number;
  talktime: number;
  completedInSl: number;
  abandonedInSl: number;
  lastMember: number;
}

export interface CoreOptions {
  seed: number;
  queues: QueueDef[];
  agents: AgentDef[];
  emit(event: AmiEvent): void;
  now?: () => number;
  /** Simulated time runs this many times faster than the clock. Default 1. */
  speed?: number;
  /**
   * Simulated seconds that will be run ahead by `warmUp` before anyone connects:
   * the PBX then booted that long ago, and its clock reads simulated time until then.
   */
  warmupSec?: number;
}

export class PbxCore {
  readonly rng: Rng;
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly queues = new Map<string, Queue>();
  readonly bootMs: number;
  /** Moved by the Reload action. */
  reloadMs: number;
  processedCalls = 0;
  eventsEmitted = 0;
  private uniqueSeq = 0;
  private chanSeq = 0;
  private readonly deviceStates = new Map<string, DeviceState>();
  /** Non-phone devices not idle now (NOT_INUSE ones are dropped, so this stays as small as what is busy). */
  private readonly otherDevices = new Map<string, DeviceState>();
  /** Per endpoint: how many of its channels ring and how many do anything else. */
  private readonly endpointUse = new Map<string, { ringing: number; other: number }>();
  /** Endpoints with no contact (unregistered, or the lobby phone's that never answers): UNAVAILABLE while idle. */
  private readonly offline = new Set<string>();
  /** Endpoints with a hint (`{endpoint}@internal` → `PJSIP/{endpoint}`), with the extension state last published. */
  private readonly hints = new Map<string, number>();
  private readonly emitEvent: (event: AmiEvent) => void;
  readonly now: () => number;
  readonly scheduler: Scheduler;
  /** While warming up: the wall-clock ms of simulated second 0. */
  private warmOriginMs: number | undefined;
  private readonly warmupSec: number;
  /** Told of each hangup just before its Hangup event (ChanSpy stops spying on it). */
  onBeforeHangup?: (ch: Channel) => void;
  /** Told (a moment later) when an endpoint goes idle, so queues can ring it. */
  onDeviceIdle?: (endpoint: string) => void;
  /** Time runs this much faster than the wall clock in the simulated phones (tests). */
  get speed(): number {
    return this.scheduler.speed;
  }
  set speed(value: number) {
    this.scheduler.speed = value;
  }

  constructor(options: CoreOptions) {
    this.rng = new Rng(options.seed);
    this.emitEvent = options.emit;
    this.warmupSec = options.warmupSec ?? 0;
    this.scheduler = new Scheduler(options.speed ?? 1, this.warmupSec > 0);
    const wallClock = options.now ?? (() => performance.timeOrigin + performance.now());
    // The warm-up ends at the present, so event times, Uniqueids and LastCall stay in the past.
    if (this.warmupSec > 0) this.warmOriginMs = wallClock() - (this.warmupSec * 1000) / this.speed;
    this.now = () => (this.warmOriginMs !== undefined ? this.warmOriginMs + (this.scheduler.now() * 1000) / this.speed : wallClock());
    this.bootMs = this.now();
    this.reloadMs = this.bootMs;
    const loginTime = Math.floor(this.bootMs / 1000);
    for (const def of options.queues) {
      this.queues.set(def.name, {
        def,
        members: [],
        callers: [],
        completed: 0,
        abandoned: 0,
        holdtime: 0,
        talktime: 0,
        completedInSl: 0,
        abandonedInSl: 0,
        lastMember: -1,
      });
    }
    for (const a of options.agents) {
      for (const q of a.queues) {
        this.queues.get(q)?.members.push(newMember(q, a.name, `PJSIP/${a.exten}`, 'static', loginTime));
      }
    }
  }

  // ── time ────────────────────────────────────────────────────────────────

  /** Runs `fn` after `seconds` of simulated time. Cancelled all at once by `stopTimers`. */
  after(seconds: number, fn: () => void): TimerHandle {
    return this.scheduler.after(seconds, fn);
  }

  cancel(t: TimerHandle | undefined): void {
    this.scheduler.cancel(t);
  }

  /**
   * Runs the `warmupSec` of simulated traffic at once, then lets time flow with
   * the clock: what is up at the end carries on live. Events go wherever `emit`
   * sends them, so call this before any session exists.
   */
  warmUp(): void {
    if (this.warmOriginMs === undefined) return;
    this.scheduler.runFor(this.warmupSec);
    this.warmOriginMs = undefined;
    this.scheduler.thaw();
  }

  stopTimers(): void {
    this.scheduler.stop();
  }

  // ── events ──────────────────────────────────────────────────────────────

  emit(name: EventName, body: readonly Header[]): void {
    this.eventsEmitted++;
    this.emitEvent(formatEvent(name, body, this.now()));
  }

  chanEvent(name: EventName, ch: Channel, extra: readonly Header[] = []): void {
    this.emit(name, [...channelHeaders(ch), ...extra]);
  }

  /** An event about a channel and the one it dials; either may be gone (AgentComplete after a hangup). */
  pairEvent(name: EventName, ch: Channel | undefined, dest: Channel | undefined, extra: readonly Header[]): void {
    this.emit(name, [...(ch ? channelHeaders(ch) : []), ...(dest ? channelHeaders(dest, 'Dest') : []), ...extra]);
  }

  // ── channels ────────────────────────────────────────────────────────────

  newUniqueid(): string {
    return `${Math.floor(this.now() / 1000)}.${this.uniqueSeq++}`;
  }

  /** `PJSIP/101-0000001a`: the endpoint and an 8-hex-digit channel sequence, as chan_pjsip names them. */
  newChannel(init: {
    endpoint: string;
    state: number;
    context: string;
    exten: string;
    callerNum?: string;
    callerName?: string;
    linkedid?: string;
    accountCode?: string;
  }): Channel {
    const uniqueid = this.newUniqueid();
    const name = `PJSIP/${init.endpoint}-${(this.chanSeq++).toString(16).padStart(8, '0')}`;
    const ch: Channel = {
      name,
      state: init.state,
      callerNum: init.callerNum ?? '',
      callerName: init.callerName ?? '',
      connectedNum: '',
      connectedName: '',
      accountCode: init.accountCode ?? '',
      context: init.context,
      exten: init.exten,
      priority: 1,
      uniqueid,
      linkedid: init.linkedid ?? uniqueid,
      endpoint: init.endpoint,
      app: '',
      appData: '',
      createdMs: this.now(),
      alive: true,
    };
    this.channels.set(name, ch);
    this.countUse(ch, 1);
    this.chanEvent('Newchannel', ch);
    this.updateDevice(ch.endpoint);
    return ch;
  }

  newexten(ch: Channel, app: string, appData: string, where?: { context: string; exten: string; priority?: number }): void {
    if (where) {
      ch.context = where.context;
      ch.exten = where.exten;
      ch.priority = where.priority ?? 1;
    } else {
      ch.priority++;
    }
    ch.app = app;
    ch.appData = appData;
    this.chanEvent('Newexten', ch, [
      ['Extension', ch.exten],
      ['Application', app],
      ['AppData', appData],
    ]);
  }

  /** The pseudo-application a dialled channel shows until it joins a bridge. */
  outgoingLine(ch: Channel, app: 'AppDial' | 'AppDial2' | 'AppQueue'): void {
    ch.app = app;
    ch.appData = '(Outgoing Line)';
    this.chanEvent('Newexten', ch, [
      ['Extension', ch.exten],
      ['Application', app],
      ['AppData', '(Outgoing Line)'],
    ]);
  }

  varSet(ch: Channel, variable: string, value: string | number): void {
    this.chanEvent('VarSet', ch, [
      ['Variable', variable],
      ['Value', value],
    ]);
  }

  setCallerId(ch: Channel, num: string, name: string): void {
    ch.callerNum = num;
    ch.callerName = name;
    this.chanEvent('NewCallerid', ch, [['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']]);
  }

  setConnected(ch: Channel, num: string, name: string): void {
    ch.connectedNum = num;
    ch.connectedName = name;
    this.chanEvent('NewConnectedLine', ch);
  }

  setState(ch: Channel, state: number): void {
    if (ch.state === state) return;
    this.countUse(ch, -1);
    ch.state = state;
    this.countUse(ch, 1);
    if (state === ChannelState.Up && ch.answeredMs === undefined) ch.answeredMs = this.now();
    this.chanEvent('Newstate', ch);
    this.updateDevice(ch.endpoint);
  }

  hangupRequest(ch: Channel, cause: number): void {
    this.chanEvent('HangupRequest', ch, [['Cause', cause]]);
  }

  softHangupRequest(ch: Channel, cause: number): void {
    this.chanEvent('SoftHangupRequest', ch, [['Cause', cause]]);
  }

  /** The channel is destroyed. Leaves its bridge first if the caller forgot. */
  hangup(ch: Channel, cause: number): void {
    if (!ch.alive) return;
    if (ch.bridge) this.bridgeLeave(ch);
    this.onBeforeHangup?.(ch);
    ch.alive = false;
    ch.owner = undefined;
    this.channels.delete(ch.name);
    this.countUse(ch, -1);
    this.chanEvent('Hangup', ch, [
      ['Cause', cause],
      ['Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown'],
    ]);
    this.updateDevice(ch.endpoint);
  }

  /** Hang up a channel from outside: its owner decides what else that ends. */
  requestHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void {
    if (!ch.alive) return;
    if (ch.owner) ch.owner.onHangup(ch, cause, by);
    else {
      if (by === 'action') this.softHangupRequest(ch, cause);
      else this.hangupRequest(ch, cause);
      this.hangup(ch, cause);
    }
  }

  // ── dialing ─────────────────────────────────────────────────────────────

  dialBegin(caller: Channel | undefined, dest: Channel, dialString: string): void {
    this.pairEvent('DialBegin', caller, dest, [['DialString', dialString]]);
  }

  dialState(caller: Channel, dest: Channel, status: string): void {
    this.pairEvent('DialState', caller, dest, [['DialStatus', status]]);
  }

  dialEnd(caller: Channel | undefined, dest: Channel, status: string): void {
    this.pairEvent('DialEnd', caller, dest, [['DialStatus', status]]);
  }

  // ── bridges ─────────────────────────────────────────────────────────────

  bridgeCreate(kind: { type: string; technology: string; creator: string; name: string } = BASIC_BRIDGE): Bridge {
    const b: Bridge = {
      id: this.rng.uuid(),
      ...kind,
      numChannels: 0,
      channels: new Set(),
    };
    this.bridges.set(b.id, b);
    this.emit('BridgeCreate', bridgeHeaders(b));
    return b;
  }

  bridgeEnter(b: Bridge, ch: Channel): void {
    b.channels.add(ch);
    b.numChannels = b.channels.size;
    ch.bridge = b;
    this.emit('BridgeEnter', [...bridgeHeaders(b), ...channelHeaders(ch)]);
  }

  bridgeLeave(ch: Channel): void {
    const b = ch.bridge;
    if (!b) return;
    b.channels.delete(ch);
    b.numChannels = b.channels.size;
    ch.bridge = undefined;
    this.emit('BridgeLeave', [...bridgeHeaders(b), ...channelHeaders(ch)]);
  }

  bridgeDestroy(b: Bridge): void {
    if (!this.bridges.has(b.id)) return;
    for (const ch of [...b.channels]) this.bridgeLeave(ch);
    this.bridges.delete(b.id);
    this.emit('BridgeDestroy', bridgeHeaders(b));
  }

  /** Two answered channels talking, as Dial and Queue bridge them. */
  bridgePair(first: Channel, second: Channel): Bridge {
    const b = this.bridgeCreate();
    this.bridgeEnter(b, first);
    this.bridgeEnter(b, second);
    this.varSet(first, 'BRIDGEPEER', second.name);
    this.varSet(second, 'BRIDGEPEER', first.name);
    return b;
  }

  // ── devices and queue members ───────────────────────────────────────────

  deviceState(endpoint: string): DeviceState {
    return this.deviceStates.get(endpoint) ?? 'NOT_INUSE';
  }

  /** Recomputes an endpoint's device state from its channels, as chan_pjsip reports it. */
  private countUse(ch: Channel, delta: number): void {
    let use = this.endpointUse.get(ch.endpoint);
    if (!use) this.endpointUse.set(ch.endpoint, (use = { ringing: 0, other: 0 }));
    if (ch.state === ChannelState.Ringing) use.ringing += delta;
    else use.other += delta;
  }

  /**
   * An endpoint loses or gains its contact. `emit` false sets the state as it
   * was before anyone could hear (at boot), with no event.
   */
  setOffline(endpoint: string, on: boolean, emit = true): void {
    if (on) this.offline.add(endpoint);
    else this.offline.delete(endpoint);
    if (emit) this.updateDevice(endpoint);
    else this.deviceStates.set(endpoint, this.computeDevice(endpoint));
  }

  /** A hint for an endpoint: its extension state changes are published as ExtensionStatus. */
  addHint(endpoint: string): void {
    this.hints.set(endpoint, EXTENSION_STATE[this.deviceState(endpoint)][0]);
  }

  /** Every endpoint whose device state Asterisk's cache holds, with it. */
  devices(): IterableIterator<[string, DeviceState]> {
    return this.deviceStates.entries();
  }

  /** Non-phone devices that are not idle now. */
  otherDeviceStates(): IterableIterator<[string, DeviceState]> {
    return this.otherDevices.entries();
  }

  /** Channels of an endpoint alive now. */
  activeChannels(endpoint: string): number {
    const use = this.endpointUse.get(endpoint);
    return use ? use.ringing + use.other : 0;
  }

  private computeDevice(endpoint: string): DeviceState {
    const use = this.endpointUse.get(endpoint);
    const ringing = !!use && use.ringing > 0;
    const busy = !!use && use.other > 0;
    if (!ringing && !busy && this.offline.has(endpoint)) return 'UNAVAILABLE';
    return ringing && busy ? 'RINGINUSE' : ringing ? 'RINGING' : busy ? 'INUSE' : 'NOT_INUSE';
  }

  private updateDevice(endpoint: string): void {
    const state = this.computeDevice(endpoint);
    if (this.deviceState(endpoint) === state) return;
    this.deviceStates.set(endpoint, state);
    const device = `PJSIP/${endpoint}`;
    if (state === 'NOT_INUSE' && this.onDeviceIdle) this.after(1, () => this.onDeviceIdle?.(endpoint));
    this.emit('DeviceStateChange', [
      ['Device', device],
      ['State', state],
    ]);
    // 10's order: the device, then its hint (only when the extension state really changes), then the members.
    const hinted = this.hints.get(endpoint);
    const [status, text] = EXTENSION_STATE[state];
    if (hinted !== undefined && hinted !== status) {
      this.hints.set(endpoint, status);
      this.emit('ExtensionStatus', [
        ['Exten', endpoint],
        ['Context', HINT_CONTEXT],
        ['Hint', device],
        ['Status', status],
        ['StatusText', text],
      ]);
    }
    for (const q of this.queues.values()) {
      for (const m of q.members) {
        if (m.stateInterface !== device) continue;
        // InCall is app_queue's own flag (set on connect, cleared by update_queue), not the device's.
        m.status = DEVICE_STATE[state];
        this.emit('QueueMemberStatus', memberEventHeaders(m));
      }
    }
  }

  memberEvent(
    name: 'QueueMemberStatus' | 'QueueMemberPause' | 'QueueMemberAdded' | 'QueueMemberRemoved' | 'QueueMemberPenalty',
    m: Member,
  ): void {
    this.emit(name, memberEventHeaders(m));
  }

  findMembers(iface: string, queue?: string): Member[] {
    const found: Member[] = [];
    for (const q of this.queues.values()) {
      if (queue && q.def.name !== queue) continue;
      for (const m of q.members) if (m.interface.toLowerCase() === iface.toLowerCase()) found.push(m);
    }
    return found;
  }

  /**
   * app_queue's set_queue_member_pause: the reason is kept only while paused
   * (LastPause stays), and the member's pause device `Queue:{queue}_pause_{interface}`
   * changes state before QueueMemberPause, as transcript 09 shows.
   */
  setPaused(m: Member, paused: boolean, reason: string): void {
    m.paused = paused;
    m.pausedReason = paused ? reason.slice(0, MAX_REASON) : '';
    if (paused) m.lastPause = Math.floor(this.now() / 1000);
    this.setDeviceState(`Queue:${m.queue}_pause_${m.interface}`, paused ? 'INUSE' : 'NOT_INUSE');
    this.memberEvent('QueueMemberPause', m);
  }

  setPenalty(m: Member, penalty: number): void {
    m.penalty = penalty;
    this.memberEvent('QueueMemberPenalty', m);
  }

  addMember(
    queue: Queue,
    init: { iface: string; name: string; paused: boolean; reason: string; penalty?: number; stateInterface?: string },
  ): Member {
    const m = newMember(queue.def.name, init.name, init.iface, 'dynamic', Math.floor(this.now() / 1000));
    m.paused = init.paused;
    m.pausedReason = init.paused ? init.reason.slice(0, MAX_REASON) : '';
    m.penalty = init.penalty ?? 0;
    m.stateInterface = init.stateInterface || init.iface;
    const endpoint = m.stateInterface.startsWith('PJSIP/') ? m.stateInterface.slice(6) : '';
    m.status = DEVICE_STATE[endpoint ? this.deviceState(endpoint) : 'UNKNOWN'];
    queue.members.push(m);
    this.memberEvent('QueueMemberAdded', m);
    return m;
  }

  /**
   * A device that is not a phone (a queue member's pause state, a parking space):
   * DeviceStateChange only when its state really changes, as the device state
   * cache publishes it.
   */
  setDeviceState(device: string, state: DeviceState): void {
    const before = this.otherDevices.get(device) ?? 'NOT_INUSE';
    if (state === 'NOT_INUSE') this.otherDevices.delete(device);
    else this.otherDevices.set(device, state);
    if (before === state) return;
    this.emit('DeviceStateChange', [
      ['Device', device],
      ['State', state],
    ]);
  }

  removeMember(queue: Queue, m: Member): void {
    queue.members = queue.members.filter((x) => x !== m);
    // remove_from_queue publishes nothing for the pause device; forget it so add/pause/remove loops cannot grow the map.
    this.otherDevices.delete(`Queue:${m.queue}_pause_${m.interface}`);
    this.memberEvent('QueueMemberRemoved', m);
  }

  /** Number of distinct calls (Linkedid groups) alive now. */
  callCount(): number {
    const ids = new Set<string>();
    for (const ch of this.channels.values()) ids.add(ch.linkedid);
    return ids.size;
  }
}

/** Where the demo's hints live: the context whose extensions dial the endpoints. */
export const HINT_CONTEXT = 'internal';

/** ast_devstate_to_extenstate, and extension_state.c's texts. */
export const EXTENSION_STATE: Record<DeviceState, [number, string]> = {
  UNKNOWN: [0, 'Idle'],
  NOT_INUSE: [0, 'Idle'],
  INUSE: [1, 'InUse'],
  BUSY: [2, 'Busy'],
  INVALID: [4, 'Unavailable'],
  UNAVAILABLE: [4, 'Unavailable'],
  RINGING: [8, 'Ringing'],
  RINGINUSE: [9, 'InUse&Ringing'],
  ONHOLD: [16, 'Hold'],
};

const BASIC_BRIDGE = { type: 'basic', technology: 'simple_bridge', creator: '', name: '' };

/** app_queue's `reason_paused[80]`: longer reasons are cut, as ast_copy_string cuts them. */
const MAX_REASON = 79;

/** app_queue's exponential average (filter coefficient 4). */
const average = (old: number, sample: number): number => (old * 3 + sample) >> 2;

/** recalc_holdtime, when a caller is connected to a member. */
export function recordHold(q: Queue, hold: number): void {
  q.holdtime = q.completed + q.abandoned === 0 ? hold : average(q.holdtime, hold);
}

/** update_queue, when a member's call is over. */
export function recordCompleted(q: Queue, hold: number, talk: number): void {
  q.completed++;
  if (hold <= q.def.serviceLevel) q.completedInSl++;
  q.talktime = q.completed === 1 ? talk : average(q.talktime, talk);
}

export function recordAbandoned(q: Queue, hold: number): void {
  q.abandoned++;
  if (hold <= q.def.serviceLevel) q.abandonedInSl++;
}

function newMember(queue: string, name: string, iface: string, membership: 'static' | 'dynamic', loginTime: number): Member {
  return {
    queue,
    name,
    interface: iface,
    stateInterface: iface,
    membership,
    penalty: 0,
    callsTaken: 0,
    lastCall: 0,
    lastPause: 0,
    loginTime,
    inCall: false,
    status: DEVICE_STATE.NOT_INUSE,
    paused: false,
    pausedReason: '',
    wrapuptime: 0,
  };
}

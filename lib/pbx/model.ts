/**
 * The live model of one PBX. Every collection is a flat record keyed by a
 * stable id, so that a change travels as one small op and a React row can
 * select exactly its own entity.
 *
 * Times are milliseconds since the epoch on the PBX's clock (AMI `Timestamp`).
 */
import type { MemberDay, QueueDay } from '../stats/figures';
import type { Alert } from '../alerts/model';

export interface Channel {
  /** Asterisk's Uniqueid. */
  id: string;
  name: string;
  /** ast_channel_state: a ChannelState value (lib/pbx/states). */
  state: number;
  stateDesc: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  priority: number;
  app: string;
  appData: string;
  linkedId: string;
  /** '' when not in a bridge. */
  bridgeId: string;
  startedAt: number;
  /** Queue this channel is waiting in, '' when none. */
  queue: string;
  /** Uniqueid of the other side of a Dial in progress, '' when none. */
  dialPeer: string;
  onHold: boolean;
  /** Uniqueid of the other half of a Local channel pair (`;1` ↔ `;2`), '' when none. */
  localPeer: string;
}

export interface Bridge {
  id: string;
  type: string;
  technology: string;
  creator: string;
  name: string;
  /** Uniqueids of the member channels, in order of entry. */
  channels: string[];
}

export type CallDirection = 'internal' | 'inbound' | 'outbound' | 'unknown';
export type CallState = 'dialing' | 'ringing' | 'queued' | 'talking' | 'hold' | 'ended';

export interface CallParty {
  /** Uniqueid of the channel that represents this party. */
  channel: string;
  name: string;
  num: string;
}

export interface Call {
  /** Stable for the whole conversation (the Linkedid that started it). */
  id: string;
  direction: CallDirection;
  state: CallState;
  from: CallParty;
  to: CallParty;
  /** Uniqueids of every channel in this conversation, Local legs included. */
  channels: string[];
  /** Queue the call went through, kept after the agent answers. */
  queue: string;
  /** Dialled number on entry (DID for inbound calls), kept for the whole call. */
  did: string;
  startedAt: number;
  answeredAt: number;
}

export interface Queue {
  /** Queue name. */
  id: string;
  strategy: string;
  max: number;
  calls: number;
  holdtime: number;
  talktime: number;
  completed: number;
  abandoned: number;
  serviceLevel: number;
  serviceLevelPerf: number;
  serviceLevelPerf2: number;
  weight: number;
  /** Calls answered (and abandoned) within the service level; Asterisk derives both percentages from them. */
  completedInSl: number;
  abandonedInSl: number;
}

export interface QueueMember {
  /** `${queue}|${interface}` */
  id: string;
  queue: string;
  name: string;
  interface: string;
  stateInterface: string;
  membership: string;
  penalty: number;
  callsTaken: number;
  /** Seconds since the epoch, as Asterisk reports it; 0 = never. */
  lastCall: number;
  lastPause: number;
  loginTime: number;
  inCall: boolean;
  /** AST_DEVICE_*: 0 unknown, 1 not in use, 2 in use, 3 busy, 4 invalid, 5 unavailable, 6 ringing, 7 ringinuse, 8 onhold */
  status: number;
  paused: boolean;
  pausedReason: string;
  /** While paused: when the pause began (Asterisk's LastPause, else when we learnt it); else when the unpause was learnt; 0 = unknown. */
  pausedSince: number;
  wrapuptime: number;
  ringinuse: boolean;
  /** ms since the epoch of the last status change we saw; 0 = unknown. */
  statusSince: number;
}

export interface QueueCaller {
  /** `${queue}|${uniqueid}` */
  id: string;
  queue: string;
  uniqueid: string;
  channel: string;
  position: number;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  waitingSince: number;
}

export interface Device {
  /** Device name (`PJSIP/101`, `Custom:2001`) or `exten@context` for hints. */
  id: string;
  kind: 'device' | 'extension';
  state: string;
  /** ExtensionStatus numeric status, -1 when not known. */
  status: number;
  /** When it entered its state, as an event told us; 0 when only a list said it (lists carry no time). */
  since: number;
  /** A hint's devices as the dialplan names them (`PJSIP/201`, `PJSIP/201&Custom:201`); '' for a device. */
  hint: string;
}

/**
 * A phone or trunk as the channel driver configures it (PJSIPShowEndpoints,
 * PeerStatus). Its registrations are in `contacts`, by `Contact.endpoint`.
 * None of the lists read on connect gives a display name (that is in
 * PJSIPShowEndpoint, one action per endpoint): `name` is learnt from calls.
 */
export interface Endpoint {
  /** `technology/resource`, as a Dial or a queue member names it: `PJSIP/201`. */
  id: string;
  technology: string;
  resource: string;
  /** The AORs it reads its contacts from, as configured: `201`, or `201,201-desk`. */
  aors: string;
  /** Its device state as DeviceStateChange spells it (`NOT_INUSE`, `UNAVAILABLE`…); '' when not known. */
  deviceState: string;
  /**
   * The caller ID name its own calls carry (a Newchannel of `PJSIP/201-…` whose
   * CallerIDNum is `201`): learnt from traffic and kept while the endpoint
   * lasts, since no list read on connect says it. '' until it calls out.
   */
  name: string;
}

/**
 * One contact of an AOR: a registration, or a static `contact=` of the AOR.
 *
 * Contacts are their own table rather than an array inside the endpoint:
 * Asterisk names and reports each on its own (ContactStatus, ContactList),
 * a qualified one changes its RTT every few seconds, and an AOR may have
 * several (max_contacts) and serve several endpoints; so a change is one small
 * op of one contact, never a rewrite of an endpoint's list.
 */
export interface Contact {
  /** `aor/uri`, as Asterisk names it in EndpointList's `Contacts` and the CLI: `201/sip:201@127.0.0.1:5070`. */
  id: string;
  aor: string;
  uri: string;
  /** The endpoint it was registered for (`PJSIP/201`); '' when not known. */
  endpoint: string;
  /** As ContactStatus and ContactList say it: `Reachable`, `Unreachable`, `NonQualified`, `Unknown`; '' when not known. */
  status: string;
  userAgent: string;
  /** Round trip of the last qualify in microseconds; -1 when not qualified or not known. */
  rttUsec: number;
  /** When the registration expires, ms since the epoch (ContactList's ExpirationTime); 0 when static or not yet known. */
  expiresAt: number;
  /** Where the REGISTER came from, `host:port`; '' when not known. */
  viaAddr: string;
  /** A `contact=` of the AOR's configuration: it never registers nor expires. */
  static: boolean;
}

/** A call waiting in a parking lot (res_parking). */
export interface ParkedCall {
  /** `${lot}|${space}` */
  id: string;
  lot: string;
  space: string;
  /** Uniqueid of the parked channel (the parkee). */
  channel: string;
  channelName: string;
  callerNum: string;
  callerName: string;
  /** The parkee's Linkedid: the call it belongs to. */
  linkedId: string;
  /** ParkerDialString: where the call returns when the timeout ends. */
  parker: string;
  /** ms since the epoch when it was parked (the event's time less ParkingDuration). */
  parkedAt: number;
  /** ParkingTimeout in seconds from `parkedAt`; 0 = none. */
  timeout: number;
}

export type SpyMode = 'listen' | 'whisper' | 'barge';

/** A channel running ChanSpy on another (ChanSpyStart until ChanSpyStop or a hangup). */
export interface Spy {
  /** Uniqueid of the spying channel. */
  id: string;
  spyerChannel: string;
  spyerNum: string;
  spyerName: string;
  /** Uniqueid and name of the channel spied on. */
  spyee: string;
  spyeeChannel: string;
  /** The spyee's Linkedid: the call being listened to. */
  linkedId: string;
  /** From the spyer's ChanSpy options (`q`, `qw`, `qB`); listen when they do not say. */
  mode: SpyMode;
  since: number;
}

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed';

/**
 * What Asterisk says about itself (CoreSettings, CoreStatus, FullyBooted;
 * lib/pbx/system.ts reads them). Sent whole in a status op: it is one small
 * object and changes at most once a check.
 */
export interface PbxSystem {
  /** CoreSettings; '' until it answers. */
  amiVersion: string;
  asteriskVersion: string;
  systemName: string;
  /** CoreMaxCalls (asterisk.conf maxcalls); 0 = no limit. */
  maxCalls: number;
  /** CoreMaxLoadAvg (maxload); 0 = no limit. */
  maxLoadAvg: number;
  /** When Asterisk started and last reloaded, ms since the epoch; 0 = not known. */
  startedAt: number;
  reloadedAt: number;
  /** When FullyBooted said Asterisk started (event time less Uptime); 0 = no FullyBooted on this state (no read=system). */
  bootedAt: number;
  /** The PBX's zone, minutes east of UTC: CoreStatus gives local times with no zone. */
  utcOffsetMin: number;
  /** False while `utcOffsetMin` is the server's own zone, assumed because no FullyBooted told the PBX's. */
  utcOffsetKnown: boolean;
  /** CoreStatus: channels up now (ast_active_channels counts channels, not calls), and calls since start. */
  currentCalls: number;
  processedCalls: number;
  /** When a CoreStatus answer last changed these figures; 0 = never. An answer that changes nothing sends nothing. */
  checkedAt: number;
  /** ms between CoreStatus checks; 0 = only on connect and after a reload. */
  checkMs: number;
  /** Asterisk's answer when it refused CoreSettings or CoreStatus (they need write=system or write=reporting); '' when not. */
  refused: string;
}

/** What the AMI link carries, counted by the server: events a second over the last 10 s, and events since the link came up. */
export interface LinkEvents {
  perSec: number;
  total: number;
}

export interface PbxStatus {
  link: LinkState;
  linkSince: number;
  /** Last time the link was known good; data is stale from here while the link is down. */
  lastLiveAt: number;
  version: string;
  fullyBooted: boolean;
  lastResync: number;
  /** Human-readable problems, e.g. a manager.conf permission that is missing, a list that failed, a bound hit. */
  warnings: string[];
  /** What keeps the phones view from being complete (a PJSIP list refused for want of `write=system`): said there, not in a banner. */
  phoneNotices: string[];
  /** When the last drift check finished (0: none yet), and how many entities it found different from Asterisk's lists. */
  driftCheckedAt: number;
  driftDifferences: number;
  demo: boolean;
  /** A short label for this PBX, e.g. its host. */
  label: string;
  system: PbxSystem;
  linkEvents: LinkEvents;
  /** Calls in progress, sent instead of the calls themselves to a view that may not see them (the wallboard). */
  activeCalls?: number;
}

/**
 * Entity tables are keyed by ids from the wire, which may be named
 * `constructor` or `__proto__`: their prototype chain ends in null, so a
 * lookup finds only what was stored. A class rather than
 * `Object.create(null)` keeps V8 in fast mode while a table is small (as
 * lib/ami/decode does for field maps).
 */
export type Table<T> = Record<string, T>;
class TableObject<T> {
  [id: string]: T;
}
// Instances then find nothing up their chain: no Object.prototype, and no `constructor` on the class's own prototype.
Object.setPrototypeOf(TableObject.prototype, null);
Reflect.deleteProperty(TableObject.prototype, 'constructor');

/** An empty entity table with no prototype members. */
export function table<T>(): Table<T> {
  return new TableObject<T>();
}

/** A null-prototype copy of `source` (a table from JSON.parse, or one to replace immutably). */
export function copyTable<T>(source: Table<T>): Table<T> {
  return Object.assign(new TableObject<T>(), source);
}

/** Each entity table of the state, by kind, with the entity it holds. */
export interface EntityMap {
  channels: Channel;
  bridges: Bridge;
  calls: Call;
  queues: Queue;
  members: QueueMember;
  callers: QueueCaller;
  devices: Device;
  parked: ParkedCall;
  spies: Spy;
  endpoints: Endpoint;
  contacts: Contact;
  /** Today's figures, counted by the server from the call history (lib/stats), not from Asterisk. */
  queueDays: QueueDay;
  memberDays: MemberDay;
  /** Alerts the server's rules raised (lib/alerts), kept by server/alerts, never by the reducer. */
  alerts: Alert;
}

export type EntityKind = keyof EntityMap;
export type EntityOf<K extends EntityKind> = EntityMap[K];

/**
 * The tables as a mapped type, so that indexing them with a generic kind
 * gives that kind's table rather than the union of every table.
 */
export type EntityTables = { [K in EntityKind]: Table<EntityOf<K>> };

export interface PbxState extends EntityTables {
  pbx: PbxStatus;
}

/** The table of `kind`, typed by the kind (`state[kind]` with a generic kind is the union of every table). */
export function tableOf<K extends EntityKind>(state: EntityTables, kind: K): Table<EntityOf<K>> {
  return state[kind];
}

/** Replaces the table of `kind` (`state[kind] = …` with a union kind would demand every table type at once). */
export function setTable<K extends EntityKind>(state: Record<K, Table<EntityOf<K>>>, kind: K, t: Table<EntityOf<K>>): void {
  state[kind] = t;
}

export const ENTITY_KINDS: readonly EntityKind[] = [
  'channels',
  'bridges',
  'calls',
  'queues',
  'members',
  'callers',
  'devices',
  'parked',
  'spies',
  'endpoints',
  'contacts',
  'queueDays',
  'memberDays',
  'alerts',
];

export function emptyPbxSystem(): PbxSystem {
  return {
    amiVersion: '',
    asteriskVersion: '',
    systemName: '',
    maxCalls: 0,
    maxLoadAvg: 0,
    startedAt: 0,
    reloadedAt: 0,
    bootedAt: 0,
    utcOffsetMin: 0,
    utcOffsetKnown: false,
    currentCalls: 0,
    processedCalls: 0,
    checkedAt: 0,
    checkMs: 0,
    refused: '',
  };
}

export function emptyPbxStatus(): PbxStatus {
  return {
    link: 'connecting',
    linkSince: 0,
    lastLiveAt: 0,
    version: '',
    fullyBooted: false,
    lastResync: 0,
    warnings: [],
    phoneNotices: [],
    driftCheckedAt: 0,
    driftDifferences: 0,
    demo: false,
    label: '',
    system: emptyPbxSystem(),
    linkEvents: { perSec: 0, total: 0 },
  };
}

export function emptyState(): PbxState {
  return {
    channels: table(),
    bridges: table(),
    calls: table(),
    queues: table(),
    members: table(),
    callers: table(),
    devices: table(),
    parked: table(),
    spies: table(),
    endpoints: table(),
    contacts: table(),
    queueDays: table(),
    memberDays: table(),
    alerts: table(),
    pbx: emptyPbxStatus(),
  };
}

/**
 * The state is Asterisk's current view: the AMI link is up and the lists read
 * after its last connect are in. Otherwise it is the last known state.
 */
export function isPbxLive(pbx: PbxStatus): boolean {
  return pbx.link === 'connected' && pbx.lastResync >= pbx.linkSince;
}

export const memberId = (queue: string, iface: string): string => `${queue}|${iface}`;
export const callerId = (queue: string, uniqueid: string): string => `${queue}|${uniqueid}`;
export const parkedId = (lot: string, space: string): string => `${lot}|${space}`;
export const endpointId = (technology: string, resource: string): string => `${technology}/${resource}`;
export const contactId = (aor: string, uri: string): string => `${aor}/${uri}`;

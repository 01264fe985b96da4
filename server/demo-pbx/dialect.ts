/**
 * Asterisk 22's AMI dialect, in one place: which headers each event carries and in
 * which order, copied from the recorded transcripts in ../shared/ami-transcripts.
 * Everything the demo PBX writes to a socket is built here.
 */
import { DeviceStatus } from '@/lib/pbx/states';

export type Header = readonly [name: string, value: string | number];

export const GREETING = 'Asterisk Call Manager/11.0.0\r\n';
export const AMI_VERSION = '11.0.0';
export const ASTERISK_VERSION = '22.8.2';

/** manager.conf permission classes, with Asterisk's bit values (include/asterisk/manager.h). */
export const CLASS_BITS = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 14,
  aoc: 1 << 15,
  test: 1 << 16,
  security: 1 << 17,
  message: 1 << 18,
} as const;
export type EventClass = keyof typeof CLASS_BITS;
export const ALL_CLASSES = Object.keys(CLASS_BITS) as EventClass[];
export const ALL_BITS = ALL_CLASSES.reduce((m, c) => m | CLASS_BITS[c], 0);

/** The channel snapshot every channel event starts with (ast_manager_build_channel_state_string). */
export interface ChannelSnapshot {
  name: string;
  state: number;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  accountCode: string;
  context: string;
  exten: string;
  priority: number;
  uniqueid: string;
  linkedid: string;
}

export interface BridgeSnapshot {
  id: string;
  type: string;
  technology: string;
  creator: string;
  name: string;
  numChannels: number;
}

export const STATE_DESC: Record<number, string> = {
  0: 'Down',
  1: 'Rsrvd',
  2: 'OffHook',
  3: 'Dialing',
  4: 'Ring',
  5: 'Ringing',
  6: 'Up',
  7: 'Busy',
  8: 'Dialing Offhook',
  9: 'Pre-ring',
};

const unknown = (v: string) => (v === '' ? '<unknown>' : v);

export function channelHeaders(c: ChannelSnapshot, prefix = ''): Header[] {
  return [
    [`${prefix}Channel`, c.name],
    [`${prefix}ChannelState`, c.state],
    [`${prefix}ChannelStateDesc`, STATE_DESC[c.state] ?? 'Unknown'],
    [`${prefix}CallerIDNum`, unknown(c.callerNum)],
    [`${prefix}CallerIDName`, unknown(c.callerName)],
    [`${prefix}ConnectedLineNum`, unknown(c.connectedNum)],
    [`${prefix}ConnectedLineName`, unknown(c.connectedName)],
    [`${prefix}Language`, 'en'],
    [`${prefix}AccountCode`, c.accountCode],
    [`${prefix}Context`, c.context],
    [`${prefix}Exten`, c.exten],
    [`${prefix}Priority`, c.priority],
    [`${prefix}Uniqueid`, c.uniqueid],
    [`${prefix}Linkedid`, c.linkedid],
  ];
}

export function bridgeHeaders(b: BridgeSnapshot): Header[] {
  return [
    ['BridgeUniqueid', b.id],
    ['BridgeType', b.type],
    ['BridgeTechnology', b.technology],
    ['BridgeCreator', unknown(b.creator)],
    ['BridgeName', unknown(b.name)],
    ['BridgeNumChannels', b.numChannels],
    ['BridgeVideoSourceMode', 'none'],
  ];
}

export interface QueueMemberSnapshot {
  queue: string;
  name: string;
  interface: string;
  stateInterface: string;
  membership: 'static' | 'dynamic';
  penalty: number;
  callsTaken: number;
  lastCall: number;
  lastPause: number;
  loginTime: number;
  inCall: boolean;
  status: number;
  paused: boolean;
  pausedReason: string;
  wrapuptime: number;
}

/** QueueMemberStatus / QueueMemberPause / QueueMemberAdded / QueueMemberRemoved / QueueMemberPenalty body. */
export function memberEventHeaders(m: QueueMemberSnapshot): Header[] {
  return [
    ['Queue', m.queue],
    ['MemberName', m.name],
    ['Interface', m.interface],
    ['StateInterface', m.stateInterface],
    ['Membership', m.membership],
    ['Penalty', m.penalty],
    ['CallsTaken', m.callsTaken],
    ['LastCall', m.lastCall],
    ['LastPause', m.lastPause],
    ['LoginTime', m.loginTime],
    ['InCall', m.inCall ? 1 : 0],
    ['Status', m.status],
    ['Paused', m.paused ? 1 : 0],
    ['PausedReason', m.pausedReason],
    ['Ringinuse', 0],
    ['Wrapuptime', m.wrapuptime],
  ];
}

/** The QueueMember list item of QueueStatus: same facts, different names and order. */
export function memberListHeaders(m: QueueMemberSnapshot): Header[] {
  return [
    ['Queue', m.queue],
    ['Name', m.name],
    ['Location', m.interface],
    ['StateInterface', m.stateInterface],
    ['Membership', m.membership],
    ['Penalty', m.penalty],
    ['CallsTaken', m.callsTaken],
    ['LastCall', m.lastCall],
    ['LastPause', m.lastPause],
    ['LoginTime', m.loginTime],
    ['InCall', m.inCall ? 1 : 0],
    ['Status', m.status],
    ['Paused', m.paused ? 1 : 0],
    ['PausedReason', m.pausedReason],
    ['Wrapuptime', m.wrapuptime],
  ];
}

/** Every event name the demo PBX emits, with its class and whether it carries `Timestamp:`. */
export const EVENT_CLASS = {
  Newchannel: 'call',
  Newstate: 'call',
  NewCallerid: 'call',
  NewConnectedLine: 'call',
  Newexten: 'dialplan',
  VarSet: 'dialplan',
  HangupHandlerPush: 'dialplan',
  HangupHandlerRun: 'dialplan',
  DialBegin: 'call',
  DialState: 'call',
  DialEnd: 'call',
  BridgeCreate: 'call',
  BridgeEnter: 'call',
  BridgeLeave: 'call',
  BridgeDestroy: 'call',
  HangupRequest: 'call',
  SoftHangupRequest: 'call',
  Hangup: 'call',
  DeviceStateChange: 'call',
  ExtensionStatus: 'call',
  OriginateResponse: 'call',
  QueueCallerJoin: 'agent',
  QueueCallerLeave: 'agent',
  QueueCallerAbandon: 'agent',
  AgentCalled: 'agent',
  AgentConnect: 'agent',
  AgentComplete: 'agent',
  AgentRingNoAnswer: 'agent',
  QueueMemberStatus: 'agent',
  QueueMemberPause: 'agent',
  QueueMemberAdded: 'agent',
  QueueMemberRemoved: 'agent',
  QueueMemberPenalty: 'agent',
  BlindTransfer: 'call',
  ParkedCall: 'call',
  ParkedCallTimeOut: 'call',
  ParkedCallGiveUp: 'call',
  UnParkedCall: 'call',
  ChanSpyStart: 'call',
  ChanSpyStop: 'call',
  PeerStatus: 'system',
  ContactStatus: 'system',
  FullyBooted: 'system',
  Shutdown: 'system',
  Reload: 'system',
  SuccessfulAuth: 'security',
  RequestBadFormat: 'security',
  RequestNotAllowed: 'security',
  InvalidPassword: 'security',
  InvalidAccountID: 'security',
} as const satisfies Record<string, EventClass>;
export type EventName = keyof typeof EVENT_CLASS;

/** Events Asterisk writes without `Timestamp:` even with timestampevents=yes (they bypass manager_event). */
const NO_TIMESTAMP = new Set<EventName>(['FullyBooted']);

/** One event, serialised once and shared by every session that may read it. */
export interface AmiEvent {
  readonly name: EventName;
  readonly classBit: number;
  /** The whole packet, blank line included. */
  readonly text: string;
}

export function amiTimestamp(nowMs: number): string {
  const micros = Math.round(nowMs * 1000);
  const sec = Math.floor(micros / 1e6);
  return `${sec}.${String(micros - sec * 1e6).padStart(6, '0')}`;
}

/** `2026-11-26T03:42:33.028+0000`, as in SuccessfulAuth's EventTV. */
export function eventTv(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('Z', '+0000');
}

export function formatEvent(name: EventName, body: readonly Header[], nowMs: number): AmiEvent {
  const cls = EVENT_CLASS[name];
  let text = `Event: ${name}\r\nPrivilege: ${cls},all\r\n`;
  if (!NO_TIMESTAMP.has(name)) text += `Timestamp: ${amiTimestamp(nowMs)}\r\n`;
  for (const [k, v] of body) text += `${k}: ${v}\r\n`;
  return { name, classBit: CLASS_BITS[cls], text: text + '\r\n' };
}

/** A packet from ordered headers, for responses and list items (no Privilege/Timestamp added). */
export function packet(headers: readonly Header[]): string {
  let text = '';
  for (const [k, v] of headers) text += `${k}: ${v}\r\n`;
  return text + '\r\n';
}

const idHeader = (actionId: string | undefined): Header[] => (actionId === undefined ? [] : [['ActionID', actionId]]);

export function success(actionId: string | undefined, message: string, extra: readonly Header[] = []): string {
  return packet([['Response', 'Success'], ...idHeader(actionId), ['Message', message], ...extra]);
}

/** astman_start_ack: `Response: Success` + ActionID, then the action's own headers. */
export function successWith(actionId: string | undefined, extra: readonly Header[]): string {
  return packet([['Response', 'Success'], ...idHeader(actionId), ...extra]);
}

export function error(actionId: string | undefined, message: string): string {
  return packet([['Response', 'Error'], ...idHeader(actionId), ['Message', message]]);
}

export function goodbye(actionId: string | undefined): string {
  return packet([['Response', 'Goodbye'], ...idHeader(actionId), ['Message', 'Thanks for all the fish.']]);
}

export function listStart(actionId: string | undefined, message: string): string {
  return packet([['Response', 'Success'], ...idHeader(actionId), ['EventList', 'start'], ['Message', message]]);
}

export function listComplete(event: string, actionId: string | undefined, items: number, extra: readonly Header[] = []): string {
  return packet([['Event', event], ...idHeader(actionId), ['EventList', 'Complete'], ['ListItems', items], ...extra]);
}

/** A list item whose ActionID comes right after `Event:` (CoreShowChannel, BridgeListItem). */
export function itemIdFirst(event: string, actionId: string | undefined, body: readonly Header[]): string {
  return packet([['Event', event], ...idHeader(actionId), ...body]);
}

/** A list item whose ActionID comes last (QueueParams, QueueMember, QueueEntry, Status). */
export function itemIdLast(event: string, actionId: string | undefined, body: readonly Header[]): string {
  return packet([['Event', event], ...body, ...idHeader(actionId)]);
}

export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

export const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  16: 'Normal Clearing',
  17: 'User busy',
  19: 'No user responding',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
};

/** Device states as DeviceStateChange spells them, and their numeric values (QueueMember Status). */
export const DEVICE_STATE = {
  UNKNOWN: DeviceStatus.Unknown,
  NOT_INUSE: DeviceStatus.NotInUse,
  INUSE: DeviceStatus.InUse,
  BUSY: DeviceStatus.Busy,
  INVALID: DeviceStatus.Invalid,
  UNAVAILABLE: DeviceStatus.Unavailable,
  RINGING: DeviceStatus.Ringing,
  RINGINUSE: DeviceStatus.RingInUse,
  ONHOLD: DeviceStatus.OnHold,
} as const;
export type DeviceState = keyof typeof DEVICE_STATE;

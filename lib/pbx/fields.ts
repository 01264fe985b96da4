/** Reading AMI headers into model values. */
import type { Channel } from './model';

export type Fields = Record<string, string>;

/** A `Timestamp` header (seconds with microseconds) in ms, or `now` when there is none. */
export function eventTime(ts: string | undefined, now: number): number {
  if (ts === undefined) return now;
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : now;
}

export function int(value: string | undefined, fallback = 0): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export const flag = (value: string | undefined): boolean => value === '1' || value === 'true' || value === 'yes';

/** `HH:MM:SS` (CoreShowChannel Duration) in seconds. */
export function hms(value: string | undefined): number {
  if (!value) return 0;
  const parts = value.split(':');
  let s = 0;
  for (const p of parts) s = s * 60 + int(p);
  return s;
}

/** Header names of one channel snapshot, for a prefix such as '' or 'Dest'. */
export interface SnapshotKeys {
  prefix: string;
  name: string;
  state: string;
  stateDesc: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  priority: string;
  uniqueid: string;
  linkedId: string;
}

function keys(prefix: string): SnapshotKeys {
  return {
    prefix,
    name: `${prefix}Channel`,
    state: `${prefix}ChannelState`,
    stateDesc: `${prefix}ChannelStateDesc`,
    callerNum: `${prefix}CallerIDNum`,
    callerName: `${prefix}CallerIDName`,
    connectedNum: `${prefix}ConnectedLineNum`,
    connectedName: `${prefix}ConnectedLineName`,
    context: `${prefix}Context`,
    exten: `${prefix}Exten`,
    priority: `${prefix}Priority`,
    uniqueid: `${prefix}Uniqueid`,
    linkedId: `${prefix}Linkedid`,
  };
}

export const SELF = keys('');
export const DEST = keys('Dest');
export const LOCAL_ONE = keys('LocalOne');
export const LOCAL_TWO = keys('LocalTwo');
export const SOURCE = keys('Source');

/** The snapshot fields an event carries for one channel (every channel event carries all of them). */
export type ChannelSnapshot = Pick<
  Channel,
  | 'name'
  | 'state'
  | 'stateDesc'
  | 'callerNum'
  | 'callerName'
  | 'connectedNum'
  | 'connectedName'
  | 'context'
  | 'exten'
  | 'priority'
  | 'linkedId'
>;

export function readSnapshot(f: Fields, k: SnapshotKeys): ChannelSnapshot {
  return {
    name: f[k.name] ?? '',
    state: int(f[k.state]),
    stateDesc: f[k.stateDesc] ?? '',
    callerNum: f[k.callerNum] ?? '',
    callerName: f[k.callerName] ?? '',
    connectedNum: f[k.connectedNum] ?? '',
    connectedName: f[k.connectedName] ?? '',
    context: f[k.context] ?? '',
    exten: f[k.exten] ?? '',
    priority: int(f[k.priority]),
    linkedId: f[k.linkedId] ?? f[k.uniqueid] ?? '',
  };
}

export function newChannel(id: string, snap: ChannelSnapshot, startedAt: number): Channel {
  return {
    id,
    ...snap,
    app: '',
    appData: '',
    bridgeId: '',
    startedAt,
    queue: '',
    dialPeer: '',
    onHold: false,
    localPeer: '',
  };
}

/** Caller-ID values Asterisk prints for "nothing". */
export function cleanId(value: string): string {
  return value === '<unknown>' || value === '<Unknown>' ? '' : value;
}

export const isLocal = (name: string): boolean => name.startsWith('Local/');

/**
 * The device part of a channel name: `PJSIP/101-0000001a` → `PJSIP/101`,
 * `Local/101@phones-00000030;2` → `Local/101@phones`.
 */
export function deviceOf(name: string): string {
  let end = name.length;
  const semi = name.lastIndexOf(';');
  if (semi > 0 && isLocal(name)) end = semi;
  const dash = name.lastIndexOf('-', end);
  const slash = name.indexOf('/');
  return dash > slash ? name.slice(0, dash) : name.slice(0, end);
}

/** The number a channel name stands for: `PJSIP/101-…` → `101`, `Local/2001@agents-…;1` → `2001`. */
export function numberOf(name: string): string {
  const device = deviceOf(name);
  const slash = device.indexOf('/');
  const resource = slash === -1 ? device : device.slice(slash + 1);
  const at = resource.indexOf('@');
  return at === -1 ? resource : resource.slice(0, at);
}

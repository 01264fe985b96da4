/**
 * The phones view's rows: one per endpoint, with what a switchboard shows of
 * it (presence, registration, who it is talking to). Pure, from the board's
 * tables alone, so the grid, its filters and the tests read one answer.
 */
import type { Contact, Device, Endpoint, PbxState } from '../pbx/model';
import { agentCalls, type AgentCall } from './agent-calls';
import { isUsable } from './phones';
import { foldForSearch } from './search';

/**
 * What a supervisor reads from a tile's colour. `unavailable`: Asterisk knows
 * contacts for the phone but none answers (a static contact that fails its
 * qualify, or a registration whose phone went silent). `unregistered`: no
 * contact at all.
 */
export type Presence = 'free' | 'ringing' | 'in-use' | 'hold' | 'dnd' | 'unavailable' | 'unregistered';

export const PRESENCES: readonly Presence[] = ['free', 'ringing', 'in-use', 'hold', 'dnd', 'unavailable', 'unregistered'];

export interface PhoneRegistration {
  userAgent: string;
  /** Where the phone registered from (`10.0.1.4:5060`), else the host of its contact URI. */
  address: string;
  /** Round trip of the last qualify, ms; -1 when not qualified. */
  rttMs: number;
  /** The best contact's status as Asterisk says it (`Reachable`, `NonQualified`, `Unreachable`…). */
  status: string;
  contacts: number;
  /** Ms since the epoch the registration expires; 0 for a static contact or when not known. */
  expiresAt: number;
}

export interface Phone {
  /** The endpoint's id, `PJSIP/201`: also its device. */
  id: string;
  /** The extension that rings it: the hint that names the device, else the endpoint's own name. */
  number: string;
  /** From a queue membership (MemberName), else the caller ID name its calls carry; '' when nothing told it yet. */
  name: string;
  presence: Presence;
  /** Device state as DeviceStateChange spells it; '' when not known. */
  deviceState: string;
  /** Since when the device has been in its state, ms; 0 when not known. */
  since: number;
  registration: PhoneRegistration | null;
  call: AgentCall | undefined;
}

/** Device state words (DeviceStateChange) that mean a call on the device. */
const BUSY_STATES = new Set(['INUSE', 'BUSY']);
const RINGING_STATES = new Set(['RINGING', 'RINGINUSE']);
/** A Custom device whose state is one of these is set; NOT_INUSE, UNKNOWN and INVALID are not. */
const SET_STATES = new Set(['INUSE', 'BUSY', 'RINGING', 'RINGINUSE', 'ONHOLD']);

const contactRank = (c: Contact): number => (c.status === 'Reachable' ? 3 : c.status === 'NonQualified' ? 2 : !c.static ? 1 : 0);

/** The contact a tile shows: a usable one first, a registration before a static contact. */
function bestContact(contacts: readonly Contact[]): Contact | undefined {
  let best: Contact | undefined;
  for (const c of contacts) if (best === undefined || contactRank(c) > contactRank(best)) best = c;
  return best;
}

function hostOf(uri: string): string {
  const at = uri.indexOf('@');
  const rest = at >= 0 ? uri.slice(at + 1) : uri.replace(/^sips?:/, '');
  const end = rest.search(/[;>?]/);
  return end >= 0 ? rest.slice(0, end) : rest;
}

function registrationOf(contacts: readonly Contact[]): PhoneRegistration | null {
  const best = bestContact(contacts);
  if (best === undefined) return null;
  return {
    userAgent: best.userAgent,
    address: best.viaAddr || hostOf(best.uri),
    rttMs: best.rttUsec >= 0 ? best.rttUsec / 1000 : -1,
    status: best.status,
    contacts: contacts.length,
    expiresAt: best.expiresAt,
  };
}

/**
 * FreePBX and most dialplans mark do-not-disturb with a Custom device in the
 * phone's hint (`PJSIP/201&Custom:DND201`) set to BUSY; Asterisk has no DND
 * device state of its own, so this is the only place it shows.
 */
function dndOf(hint: Device | undefined, devices: PbxState['devices']): boolean {
  if (hint === undefined || !/Custom:DND/i.test(hint.hint)) return false;
  for (const part of partsOf(hint)) {
    if (!/^Custom:DND/i.test(part)) continue;
    const d = devices[part];
    if (d !== undefined && SET_STATES.has(d.state)) return true;
  }
  return false;
}

export function presenceOf(deviceState: string, contacts: readonly Contact[], dnd: boolean): Presence {
  // A call on the phone says more than a registration does (and a device in use is reachable, whatever its contacts said last).
  if (RINGING_STATES.has(deviceState)) return 'ringing';
  if (deviceState === 'ONHOLD') return 'hold';
  if (BUSY_STATES.has(deviceState)) return 'in-use';
  if (contacts.length === 0) return 'unregistered';
  if (!contacts.some(isUsable) || deviceState === 'UNAVAILABLE') return 'unavailable';
  return dnd ? 'dnd' : 'free';
}

/** A hint's devices, split once per hint object (the store replaces an entity only when it changes). */
const hintParts = new WeakMap<Device, readonly string[]>();
function partsOf(hint: Device): readonly string[] {
  let parts = hintParts.get(hint);
  if (parts === undefined) hintParts.set(hint, (parts = hint.hint.split('&')));
  return parts;
}

/** Device → the first hint naming it, for the extension number and DND. */
function hintsByDevice(devices: PbxState['devices']): Map<string, Device> {
  const out = new Map<string, Device>();
  for (const id in devices) {
    const d = devices[id];
    if (d.kind !== 'extension' || !d.hint) continue;
    for (const part of partsOf(d)) if (!out.has(part)) out.set(part, d);
  }
  return out;
}

/** Queue members name their phones (MemberName), as the site's admin typed it: that wins over a learnt caller ID name. */
function memberNames(members: PbxState['members']): Map<string, string> {
  const out = new Map<string, string>();
  for (const id in members) {
    const m = members[id];
    if (!m.name || m.name === m.interface) continue;
    if (!out.has(m.interface)) out.set(m.interface, m.name);
    if (m.stateInterface && !out.has(m.stateInterface)) out.set(m.stateInterface, m.name);
  }
  return out;
}

const extenOf = (hint: Device | undefined, endpoint: Endpoint): string => {
  if (hint === undefined) return endpoint.resource;
  const at = hint.id.lastIndexOf('@');
  return at > 0 ? hint.id.slice(0, at) : hint.id;
};

/**
 * A key whose plain string order is the order a switchboard reads: numbers
 * in numeric order (`99` before `100`), then anything else by code point.
 * Intl.Collator is too slow for 2,000 phones sorted on every batch.
 */
const sortKey = (p: Phone): string => (/^\d{1,15}$/.test(p.number) ? `0${p.number.padStart(15, '0')}` : `1${p.number}`) + ` ${p.id}`;
/** Every endpoint as a phone, ordered by number. */
export function phonesOf(state: PbxState): Phone[] {
  const contactsOf = new Map<string, Contact[]>();
  for (const id in state.contacts) {
    const c = state.contacts[id];
    const list = contactsOf.get(c.endpoint);
    if (list) list.push(c);
    else contactsOf.set(c.endpoint, [c]);
  }
  const hints = hintsByDevice(state.devices);
  const names = memberNames(state.members);
  const calls = agentCalls(state);
  const out: Phone[] = [];
  for (const id in state.endpoints) {
    const e = state.endpoints[id];
    const contacts = contactsOf.get(id) ?? [];
    const hint = hints.get(id);
    const device = state.devices[id];
    const deviceState = e.deviceState || device?.state || '';
    out.push({
      id,
      number: extenOf(hint, e),
      name: names.get(id) ?? e.name,
      presence: presenceOf(deviceState, contacts, dndOf(hint, state.devices)),
      deviceState,
      since: device?.since ?? 0,
      registration: registrationOf(contacts),
      call: calls.get(id),
    });
  }
  const keyed = out.map((p) => ({ key: sortKey(p), p }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.p);
}

export type PresenceFilter = Presence | 'all' | 'busy';

/** `busy`: anything with a call on it (ringing, in use, on hold). */
export function matchesPresence(p: Presence, filter: PresenceFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'busy') return p === 'ringing' || p === 'in-use' || p === 'hold';
  return p === filter;
}

/** Name, number, endpoint, user agent, address and the party on the line, as one folded string per phone. */
function searchText(p: Phone): string {
  const other = p.call?.other;
  return foldForSearch(
    [p.number, p.name, p.id, p.registration?.userAgent, p.registration?.address, other?.name, other?.num].filter(Boolean).join(' '),
  );
}

const searchCache = new WeakMap<Phone, string>();

/** The phones that match a search (every word must match) and a presence filter. */
export function filterPhones(phones: readonly Phone[], query: string, filter: PresenceFilter): Phone[] {
  const words = foldForSearch(query).split(/\s+/).filter(Boolean);
  return phones.filter((p) => {
    if (!matchesPresence(p.presence, filter)) return false;
    if (words.length === 0) return true;
    let text = searchCache.get(p);
    if (text === undefined) searchCache.set(p, (text = searchText(p)));
    return words.every((w) => text.includes(w));
  });
}

export function presenceCounts(phones: readonly Phone[]): Record<Presence, number> {
  const out = Object.fromEntries(PRESENCES.map((p) => [p, 0])) as Record<Presence, number>;
  for (const p of phones) out[p.presence]++;
  return out;
}

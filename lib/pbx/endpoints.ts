/**
 * Phones: endpoints and their contacts (res_pjsip), device states and hints.
 *
 * Events: ContactStatus (main/stasis_endpoints.c: URI, ContactStatus, AOR,
 * EndpointName, RoundtripUsec; nothing about the registration's expiry),
 * PeerStatus, DeviceStateChange, ExtensionStatus. Lists: PJSIPShowContacts
 * (ContactList, dynamic contacts only: 08 lists none while 209 has a static
 * one), PJSIPShowEndpoints (EndpointList, whose `Contacts` names every contact
 * of the endpoint, static ones included), DeviceStateList and
 * ExtensionStateList.
 *
 * A contact that expires without an event: Asterisk refreshes a registration
 * silently (res_pjsip's send_contact_status_on_update_registration is off by
 * default), so a passed ExpirationTime only says the contact is due. The
 * server (server/pbx/contact-expiry.ts) reads PJSIPShowContacts again when
 * `contactsDue` says so, which moves refreshed ones on and removes the rest,
 * then removes with `expireContacts` whatever is still past its expiry (the
 * list failed, or was refused).
 */
import type { Op } from '../protocol';
import { Changes } from './changes';
import { deviceOf, int, type Fields } from './fields';
import { contactId, endpointId, type Channel, type Contact, type PbxState } from './model';

const PJSIP = 'PJSIP';

/** EndpointList says ast_devstate2str ("Not in use"), DeviceStateChange ast_devstate_str ("NOT_INUSE"): main/devicestate.c. */
const DEVICE_STATE = new Map([
  ['Unknown', 'UNKNOWN'],
  ['Not in use', 'NOT_INUSE'],
  ['In use', 'INUSE'],
  ['Busy', 'BUSY'],
  ['Invalid', 'INVALID'],
  ['Unavailable', 'UNAVAILABLE'],
  ['Ringing', 'RINGING'],
  ['Ring+Inuse', 'RINGINUSE'],
  ['On Hold', 'ONHOLD'],
]);

const deviceStateOf = (text: string | undefined): string => (text ? (DEVICE_STATE.get(text) ?? text) : '');

/** An endpoint we learn of from an event (a reload added it): its device state is what the devices table knows. */
function ensureEndpoint(ch: Changes, technology: string, resource: string): string {
  const id = endpointId(technology, resource);
  if (ch.state.endpoints[id] === undefined) {
    ch.put('endpoints', id, { technology, resource, aors: '', deviceState: ch.state.devices[id]?.state ?? '', name: '' });
  }
  return id;
}

/**
 * `Peer: PJSIP/201`: an endpoint's reachability changed. Its contacts say
 * which; here it only makes the endpoint known. Only PJSIP's: chan_iax2 sends
 * PeerStatus too, but no list we read would ever remove such an endpoint.
 */
export function onPeerStatus(ch: Changes, f: Fields): void {
  const peer = f.Peer ?? '';
  if (f.ChannelType !== PJSIP || !peer.startsWith(`${PJSIP}/`) || peer.length === PJSIP.length + 1) return;
  ensureEndpoint(ch, PJSIP, peer.slice(PJSIP.length + 1));
}

/**
 * ContactStatus. Removed ends the contact (a repeat finds nothing). Created
 * and Updated (documented for older versions) say a registration was made or
 * refreshed, not a qualify result, so the status stays. A status for a
 * contact we do not hold creates it: its registration event was missed, and
 * the next ContactList gives the rest.
 */
export function onContactStatus(ch: Changes, f: Fields): void {
  if (!f.AOR || !f.URI) return;
  const id = contactId(f.AOR, f.URI);
  const prev = ch.state.contacts[id];
  const said = f.ContactStatus ?? '';
  if (said === 'Removed') {
    if (prev !== undefined) ch.del('contacts', id);
    return;
  }
  const endpoint = f.EndpointName ? ensureEndpoint(ch, PJSIP, f.EndpointName) : (prev?.endpoint ?? '');
  const registration = said === 'Created' || said === 'Updated';
  const status = registration ? (prev?.status ?? '') : said;
  // Asterisk sends RoundtripUsec 0 with NonQualified: only a Reachable contact was measured.
  const rttUsec = registration ? (prev?.rttUsec ?? -1) : status === 'Reachable' ? int(f.RoundtripUsec, -1) : -1;
  if (prev === undefined) {
    ch.put('contacts', id, { aor: f.AOR, uri: f.URI, endpoint, status, userAgent: '', rttUsec, expiresAt: 0, viaAddr: '', static: false });
  } else {
    ch.put('contacts', id, { endpoint, status, rttUsec });
  }
}

/**
 * A new channel of an endpoint's own (`PJSIP/201-0000002a`) that carries the
 * endpoint's number as its caller ID: a call the phone placed, whose caller ID
 * name is the phone's. A leg dialled to the phone carries the caller's. Only
 * an endpoint with no name yet learns one.
 */
export function learnEndpointName(ch: Changes, channel: Pick<Channel, 'name' | 'callerNum' | 'callerName'>): void {
  const id = deviceOf(channel.name);
  const e = ch.state.endpoints[id];
  const name = channel.callerName;
  // The first name stays: an Originate or a dialplan may set another caller ID on the phone's own number for one call,
  // and a name that followed each call would flip, and count as drift whenever a check met another call than the events did.
  if (e === undefined || e.name || !name || name === '<unknown>' || channel.callerNum !== e.resource) return;
  ch.put('endpoints', id, { name });
}

/** After the endpoint list: names from the calls already up when we connected (the channel list came first). */
export function learnEndpointNames(ch: Changes): void {
  for (const id in ch.state.channels) learnEndpointName(ch, ch.state.channels[id]);
}

/** A DeviceStateChange of an endpoint's device is its device state. */
export function onEndpointDeviceState(ch: Changes, device: string, state: string): void {
  if (ch.state.endpoints[device] !== undefined) ch.put('endpoints', device, { deviceState: state });
}

function contactFromList(f: Fields): Omit<Contact, 'id'> | undefined {
  // ObjectName is `aor;@hash` (res_pjsip/location.c names a dynamic contact so).
  const name = f.ObjectName ?? '';
  const cut = name.indexOf(';@');
  const aor = cut > 0 ? name.slice(0, cut) : '';
  if (!aor || !f.Uri) return undefined;
  const status = f.Status ?? '';
  const rtt = f.RoundtripUsec;
  const expiresAt = int(f.ExpirationTime) * 1000;
  return {
    aor,
    uri: f.Uri,
    endpoint: f.Endpoint ? endpointId(PJSIP, f.Endpoint) : '',
    status,
    userAgent: f.UserAgent ?? '',
    rttUsec: status === 'Reachable' && rtt !== undefined && rtt !== 'N/A' ? int(rtt, -1) : -1,
    expiresAt,
    viaAddr: f.ViaAddr ? (f.ViaPort && f.ViaPort !== '0' ? `${f.ViaAddr}:${f.ViaPort}` : f.ViaAddr) : '',
    // A registration always expires; a contact listed without an expiry is a configured one.
    static: expiresAt === 0,
  };
}

/** PJSIPShowContacts: every registration. Dynamic contacts it does not list are gone; static ones are the endpoint list's. */
export function syncContacts(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, Omit<Contact, 'id'>>();
  for (const f of items) {
    const c = contactFromList(f);
    if (c !== undefined) listed.set(contactId(c.aor, c.uri), c);
  }
  for (const id of Object.keys(ch.state.contacts)) if (!ch.state.contacts[id].static && !listed.has(id)) ch.del('contacts', id);
  for (const [id, c] of listed) {
    if (c.endpoint) ensureEndpoint(ch, PJSIP, c.endpoint.slice(PJSIP.length + 1));
    ch.put('contacts', id, c);
  }
}

/** `201/sip:201@127.0.0.1:5070,` → the contact ids (an AOR name holds no `/`; a URI holds no `,` here). */
function namedContacts(list: string | undefined): { id: string; aor: string; uri: string }[] {
  const out: { id: string; aor: string; uri: string }[] = [];
  for (const part of (list ?? '').split(',')) {
    const name = part.trim();
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) continue;
    out.push({ id: name, aor: name.slice(0, slash), uri: name.slice(slash + 1) });
  }
  return out;
}

/**
 * PJSIPShowEndpoints: every PJSIP endpoint. Those it does not list are gone
 * with their contacts (the table holds PJSIP's only, but another technology's
 * would not be this list's to judge). A contact it names that ContactList did
 * not give (read just before) is a static one of the AOR.
 */
export function syncEndpoints(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, Fields>();
  for (const f of items) if (f.ObjectName) listed.set(endpointId(PJSIP, f.ObjectName), f);
  for (const id of Object.keys(ch.state.endpoints)) {
    if (ch.state.endpoints[id].technology === PJSIP && !listed.has(id)) ch.del('endpoints', id);
  }
  const named = new Set<string>();
  for (const [id, f] of listed) {
    const known = ch.state.endpoints[id] !== undefined;
    ch.put('endpoints', id, {
      technology: PJSIP,
      resource: f.ObjectName,
      aors: f.Aor ?? '',
      deviceState: deviceStateOf(f.DeviceState),
      // The learnt name outlives a resync: no list says it, so no list can unsay it.
      ...(known ? {} : { name: '' }),
    });
    if (ch.state.endpoints[id] === undefined) continue; // refused by a bound
    for (const c of namedContacts(f.Contacts)) {
      named.add(c.id);
      const prev = ch.state.contacts[c.id];
      if (prev === undefined) {
        ch.put('contacts', c.id, {
          aor: c.aor,
          uri: c.uri,
          endpoint: id,
          status: '',
          userAgent: '',
          rttUsec: -1,
          expiresAt: 0,
          viaAddr: '',
          static: true,
        });
      } else if (!prev.endpoint) {
        ch.put('contacts', c.id, { endpoint: id });
      }
    }
  }
  // A contact of a listed endpoint that the endpoint no longer names, or of an endpoint that is gone.
  for (const id of Object.keys(ch.state.contacts)) {
    const c = ch.state.contacts[id];
    if (named.has(id)) continue;
    if (c.static || (c.endpoint.startsWith(`${PJSIP}/`) && !listed.has(c.endpoint))) ch.del('contacts', id);
  }
}

/** DeviceStateList (its items are DeviceStateChange events): every device state Asterisk caches. The others are gone. */
export function syncDevices(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, string>();
  for (const f of items) if (f.Device) listed.set(f.Device, f.State ?? '');
  for (const id of Object.keys(ch.state.devices)) if (ch.state.devices[id].kind === 'device' && !listed.has(id)) ch.del('devices', id);
  for (const [id, state] of listed) {
    const prev = ch.state.devices[id];
    // A list says what the state is, not since when: unknown until an event changes it.
    if (prev === undefined) ch.put('devices', id, { kind: 'device', state, status: -1, since: 0, hint: '' });
    else if (prev.state !== state) ch.put('devices', id, { state, since: ch.at });
    onEndpointDeviceState(ch, id, state);
  }
}

/** ExtensionStateList (its items are ExtensionStatus events): every hint. The others are gone. */
export function syncHints(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, Fields>();
  for (const f of items) if (f.Exten !== undefined) listed.set(`${f.Exten}@${f.Context ?? ''}`, f);
  for (const id of Object.keys(ch.state.devices)) if (ch.state.devices[id].kind === 'extension' && !listed.has(id)) ch.del('devices', id);
  for (const [id, f] of listed) putHint(ch, id, f, true);
}

/** An ExtensionStatus, event or list item. */
export function putHint(ch: Changes, id: string, f: Fields, listed = false): void {
  const status = int(f.Status, -1);
  const state = f.StatusText ?? '';
  const prev = ch.state.devices[id];
  const hint = f.Hint ?? prev?.hint ?? '';
  // From a list (its items carry no Timestamp) the moment is unknown; from an event it is the event's.
  if (prev === undefined) ch.put('devices', id, { kind: 'extension', state, status, since: listed ? 0 : ch.at, hint });
  else if (prev.status !== status || prev.state !== state) ch.put('devices', id, { state, status, since: ch.at, hint });
  else ch.put('devices', id, { hint });
}

/**
 * Whether a contact is more than `graceMs` past its expiry, or a
 * registration's expiry is not known yet: the server should read
 * PJSIPShowContacts. Within the grace a read would remove nothing (Asterisk
 * itself prunes a little late, and a real removal comes as ContactStatus
 * Removed), so it would only learn a silent refresh early, at the price of a
 * whole list.
 */
export function contactsDue(state: PbxState, now: number, graceMs = 0): boolean {
  for (const id in state.contacts) {
    const c = state.contacts[id];
    if (c.static) continue;
    if (c.expiresAt === 0 || c.expiresAt + graceMs <= now) return true;
  }
  return false;
}

/**
 * Removes, and returns the deletes of, every registration whose expiry is
 * more than `graceMs` past at `now`: Asterisk would no longer use it, though
 * no event said so. Pure: the server passes the time and applies nothing
 * itself (the ops are already applied to `state`).
 */
export function expireContacts(state: PbxState, now: number, graceMs = 0): Op[] {
  // Through Changes, as every write is, so the bounds keep counting right.
  const ch = new Changes(state, undefined, now, { isTrunk: () => false });
  for (const id of Object.keys(state.contacts)) {
    const c = state.contacts[id];
    if (!c.static && c.expiresAt !== 0 && c.expiresAt + graceMs <= now) ch.del('contacts', id);
  }
  return ch.ops;
}

/**
 * The phones of one PBX for REST (/api/endpoints): each endpoint with its
 * contacts, its device state and the hints that watch it, and the counts the
 * header shows (lib/ui/phones.ts, so REST and the board agree).
 */
import type { Contact, Device, Endpoint, PbxState } from '@/lib/pbx/model';
import { isUsable, phoneCounts, type PhoneCounts } from '@/lib/ui/phones';

/** A contact as REST gives it: the model's, without the endpoint it already sits under. */
export type EndpointContact = Omit<Contact, 'endpoint'>;

export interface EndpointHint {
  /** `exten@context`. */
  id: string;
  /** ExtensionStatus's StatusText and Status (-1: not known). */
  state: string;
  status: number;
  since: number;
}

export interface EndpointEntry {
  id: string;
  technology: string;
  resource: string;
  /** Learnt from the caller ID of calls it placed (lib/pbx/endpoints.ts); '' until then. */
  name: string;
  aors: string;
  deviceState: string;
  /** When the device state was last seen to change, ms; 0 = not known. */
  deviceSince: number;
  registered: boolean;
  reachable: boolean;
  contacts: EndpointContact[];
  hints: EndpointHint[];
}

export interface EndpointListing {
  counts: PhoneCounts;
  endpoints: EndpointEntry[];
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id, 'en', { numeric: true });

export function endpointListing(state: Pick<PbxState, 'endpoints' | 'contacts' | 'devices'>): EndpointListing {
  // Ids from the wire: Maps, never plain-object keys.
  const contacts = new Map<string, Contact[]>();
  for (const id in state.contacts) {
    const c = state.contacts[id];
    let list = contacts.get(c.endpoint);
    if (!list) contacts.set(c.endpoint, (list = []));
    list.push(c);
  }
  const hints = new Map<string, Device[]>();
  for (const id in state.devices) {
    const d = state.devices[id];
    if (d.kind !== 'extension' || !d.hint) continue;
    for (const device of d.hint.split('&')) {
      let list = hints.get(device);
      if (!list) hints.set(device, (list = []));
      list.push(d);
    }
  }
  const endpoints: EndpointEntry[] = [];
  for (const id in state.endpoints) {
    endpoints.push(entry(state.endpoints[id], contacts.get(id) ?? [], hints.get(id) ?? [], state.devices[id]));
  }
  return { counts: phoneCounts(state), endpoints: endpoints.sort(byId) };
}

function entry(e: Endpoint, contacts: Contact[], hints: Device[], device: Device | undefined): EndpointEntry {
  return {
    id: e.id,
    technology: e.technology,
    resource: e.resource,
    name: e.name,
    aors: e.aors,
    deviceState: e.deviceState,
    deviceSince: device?.kind === 'device' ? device.since : 0,
    registered: contacts.some((c) => !c.static),
    reachable: contacts.some(isUsable),
    contacts: contacts.sort(byId).map((c) => ({
      id: c.id,
      aor: c.aor,
      uri: c.uri,
      status: c.status,
      userAgent: c.userAgent,
      rttUsec: c.rttUsec,
      expiresAt: c.expiresAt,
      viaAddr: c.viaAddr,
      static: c.static,
    })),
    hints: hints.sort(byId).map((h) => ({ id: h.id, state: h.state, status: h.status, since: h.since })),
  };
}

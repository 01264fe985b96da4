/**
 * "N of M phones registered": the header's phone counts, from the endpoints
 * and contacts tables alone (pure, so a unit test and the header agree). One
 * pass over the contacts: no cache, since the server's tables change in place.
 */
import type { Contact, PbxState } from '../pbx/model';

export interface PhoneCounts {
  /** Every endpoint the board knows. */
  total: number;
  /** Endpoints with at least one registration (a dynamic contact). */
  registered: number;
  /** Endpoints Asterisk would call: at least one usable contact. */
  reachable: number;
  /** The others: no contact, or none that answers. `total - reachable`. */
  unavailable: number;
}

/**
 * Usable as res_pjsip judges it (pjsip_options.c): a qualified contact when it
 * answered (Reachable); an unqualified one by being there (NonQualified).
 * Unreachable and Unknown are not.
 */
export const isUsable = (c: Contact): boolean => c.status === 'Reachable' || c.status === 'NonQualified';

export function phoneCounts(state: Pick<PbxState, 'endpoints' | 'contacts'>): PhoneCounts {
  const registered = new Set<string>();
  const reachable = new Set<string>();
  for (const id in state.contacts) {
    const c = state.contacts[id];
    if (!Object.hasOwn(state.endpoints, c.endpoint)) continue;
    if (!c.static) registered.add(c.endpoint);
    if (isUsable(c)) reachable.add(c.endpoint);
  }
  const total = Object.keys(state.endpoints).length;
  return { total, registered: registered.size, reachable: reachable.size, unavailable: total - reachable.size };
}

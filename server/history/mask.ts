/**
 * A record as a masked role may see it (CALLBOARD_MASK_NUMBERS): the same
 * masking as the live board (server/realtime/views.ts), on every place a
 * number can be: parties, DID, channel names, CDRs, transfer targets.
 */
import type { CallRecord } from '@/lib/history/record';
import { maskText } from '../realtime/views';

export function maskRecord(r: CallRecord): CallRecord {
  const channel = (name: string) => {
    const cut = name.lastIndexOf('-');
    return cut < 0 ? maskText(name) : maskText(name.slice(0, cut)) + name.slice(cut);
  };
  return {
    ...r,
    from: { name: maskText(r.from.name), num: maskText(r.from.num) },
    to: { name: maskText(r.to.name), num: maskText(r.to.num) },
    did: maskText(r.did),
    legs: r.legs.map((l) => ({ ...l, channel: channel(l.channel) })),
    cdrs: r.cdrs.map((c) => ({ ...c, channel: channel(c.channel), destinationChannel: channel(c.destinationChannel) })),
    transfers: r.transfers.map((t) => ({ ...t, by: channel(t.by), to: maskText(t.to) })),
    parks: r.parks.map((p) => ({ ...p, parker: maskText(p.parker) })),
  };
}

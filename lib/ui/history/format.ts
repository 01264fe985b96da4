/** How the history page writes a record's parts. */
import type { CallOutcome, CallRecord, HangupSide, HistoryParty } from '@/lib/history/record';
import type { CallDirection } from '@/lib/pbx/model';
import { formatDuration } from '../format';

/** Seconds (the record's tenths) as `m:ss`, rounded: a 4.6 s wait reads 0:05, not 0:04. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '';
  return formatDuration(Math.round(s) * 1000);
}

/** `Name (num)`, or whichever of the two there is; '—' for none. */
export function partyLabel(p: HistoryParty): string {
  if (p.name && p.num && p.name !== p.num) return `${p.name} (${p.num})`;
  return p.name || p.num || '—';
}

// Maps, not objects: the outcome and direction come from the wire, and an unknown one reads as itself.
const OUTCOME_LABEL = new Map<CallOutcome, string>([
  ['answered', 'Answered'],
  ['abandoned', 'Abandoned'],
  ['missed', 'Missed'],
  ['busy', 'Busy'],
  ['failed', 'Failed'],
  ['transferred', 'Transferred'],
  ['voicemail', 'Voicemail'],
]);

const DIRECTION_LABEL = new Map<CallDirection, string>([
  ['inbound', 'Inbound'],
  ['outbound', 'Outbound'],
  ['internal', 'Internal'],
  ['unknown', 'Unknown'],
]);

export const outcomeLabel = (o: CallOutcome): string => OUTCOME_LABEL.get(o) ?? String(o);
export const directionLabel = (d: CallDirection): string => DIRECTION_LABEL.get(d) ?? String(d);

/**
 * Who hung up, named as the call's parties: a queue call's callee is its agent,
 * until a transfer hands the call to someone else.
 */
export function hangupParty(r: Pick<CallRecord, 'hungUpBy' | 'agent' | 'transfers'>): 'caller' | 'agent' | 'callee' | '' {
  const side: HangupSide = r.hungUpBy;
  if (side === 'caller') return 'caller';
  if (side !== 'callee') return '';
  return r.agent && !r.transfers.some((t) => t.result === 'Success') ? 'agent' : 'callee';
}

export function hungUpLabel(r: Pick<CallRecord, 'hungUpBy' | 'agent' | 'transfers'>): string {
  const party = hangupParty(r);
  return party ? party[0].toUpperCase() + party.slice(1) : '—';
}

/** The queue a row shows: where it was answered, else the last joined (as the server counts it). */
export function shownQueue(r: Pick<CallRecord, 'agent' | 'queues'>): string {
  return r.agent?.queue ?? r.queues.at(-1) ?? '';
}

/** A record's key among several PBXs' records: ids are per PBX. */
export const recordKey = (r: Pick<CallRecord, 'pbx' | 'id'>): string => `${r.pbx} ${r.id}`;

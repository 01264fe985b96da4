/**
 * A call's story, told from its record alone: no events are kept, so every
 * entry is one of the record's own fields at the time it carries. Some parts
 * have no time of their own (the agents rung, the hold total): they stand at
 * the moment they belong to (the queue join, the answer) and keep their place
 * by their kind's order.
 */
import type { CallRecord } from '@/lib/history/record';
import { formatSeconds, hangupParty, partyLabel } from './format';

export type TimelineKind = 'start' | 'queue' | 'ring' | 'answer' | 'hold' | 'transfer' | 'park' | 'action' | 'hangup' | 'end';

export interface TimelineEntry {
  /** ms since the epoch (the PBX's clock); 0 when the journal never saw it (a partial record). */
  at: number;
  kind: TimelineKind;
  label: string;
  /** A second line: the cause, the result, who; '' for none. */
  detail: string;
  /** A supervisor action's audit entry (`GET /api/audit?before=<audit>&limit=1`). */
  audit?: number;
}

/** Ties on time keep the order a call lives them in. */
const RANK: Record<TimelineKind, number> = {
  start: 0,
  queue: 1,
  ring: 2,
  answer: 3,
  hold: 4,
  transfer: 5,
  park: 6,
  action: 7,
  hangup: 8,
  end: 9,
};

export function timeline(r: CallRecord): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (at: number, kind: TimelineKind, label: string, detail = '', audit?: number) =>
    out.push(audit === undefined ? { at, kind, label, detail } : { at, kind, label, detail, audit });

  add(
    r.startedAt,
    'start',
    `Started: ${partyLabel(r.from)} called ${r.did || partyLabel(r.to)}`,
    r.partial ? 'Seen only in part (after a restart or a link drop)' : '',
  );

  // Only the first join has a time; later queues follow it in the order they were joined.
  const queuedAt = r.queuedAt || r.startedAt;
  const rung = new Map<string, string[]>();
  for (const a of r.agentsRung) rung.set(a.queue, [...(rung.get(a.queue) ?? []), a.name]);
  const rungInKnownQueue = new Set<string>();
  for (const q of r.queues) {
    add(queuedAt, 'queue', `Joined queue ${q}`);
    const names = rung.get(q);
    if (names && !rungInKnownQueue.has(q)) add(queuedAt, 'ring', `Rang ${names.join(', ')}`, `Queue ${q}`);
    rungInKnownQueue.add(q);
  }
  for (const [q, names] of rung) if (!rungInKnownQueue.has(q)) add(queuedAt, 'ring', `Rang ${names.join(', ')}`, q ? `Queue ${q}` : '');

  if (r.answeredAt) {
    const wait = `after ${formatSeconds(r.waitSeconds)}`;
    if (r.agent) add(r.answeredAt, 'answer', `Answered by ${r.agent.name}`, `Queue ${r.agent.queue}, ${wait}`);
    // `to` is whoever talked last: after a transfer that is its target, not who answered.
    else if (r.transfers.some((t) => t.result === 'Success')) add(r.answeredAt, 'answer', 'Answered', wait);
    else add(r.answeredAt, 'answer', `Answered by ${partyLabel(r.to)}`, wait);
  }
  if (r.holdSeconds > 0) add(r.answeredAt || r.startedAt, 'hold', `On hold ${formatSeconds(r.holdSeconds)} in all`);

  for (const t of r.transfers) {
    const kind = t.kind === 'blind' ? 'Blind transfer' : 'Attended transfer';
    add(t.at, 'transfer', `${kind} to ${t.to}`, `${t.result}${t.by ? `, asked by ${t.by}` : ''}`);
  }
  for (const p of r.parks) add(p.at, 'park', `Parked on ${p.space}`, `Lot ${p.lot}${p.parker ? `, returns to ${p.parker}` : ''}`);
  for (const a of r.actions) add(a.at, 'action', `${a.who}: ${a.action}`, 'Supervisor action through Callboard', a.audit);

  const party = hangupParty(r);
  const who = party ? ` by the ${party}` : '';
  const { code, text } = r.hangupCause;
  const cause = code ? `Cause ${code}${text ? ` ${text}` : ''}` : text ? `Cause: ${text}` : '';
  // The record keeps who hung up, not when: a leg's end would not do (a rung agent's leg ends when another answers).
  add(r.endedAt, 'hangup', `Hung up${who}`, cause);
  add(r.endedAt, 'end', 'Ended', `Wait ${formatSeconds(r.waitSeconds)}, talk ${formatSeconds(r.talkSeconds)}`);

  // An unknown time (0) sorts where it was added, at the time of the entry before it: entries are added in the
  // order a call lives them, so "where it belongs" is a time too, and the order stays a total one.
  let known = 0;
  return out
    .map((e, i) => ({ e, i, t: (known = e.at || known) }))
    .sort((a, b) => a.t - b.t || RANK[a.e.kind] - RANK[b.e.kind] || a.i - b.i)
    .map(({ e }) => e);
}

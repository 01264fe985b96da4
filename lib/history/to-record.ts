/** A followed conversation as its CallRecord: parties, times, outcome, who hung up. */
import { deviceOf } from '../pbx/fields';
import { outcomeOf } from './outcome';
import type { Conversation, Leg } from './conversation';
import type { CallLeg, CallRecord, HangupSide, LegParty } from './record';

export function toRecord(pbx: string, c: Conversation): CallRecord {
  const call = c.call;
  const callerSide = sideOf(c, [c.id, call?.from.channel ?? '']);
  const to = c.talkingTo ?? c.lastTo ?? call?.to;
  const calleeSide = sideOf(c, [to?.channel ?? '', c.agentLeg]);
  const legs: CallLeg[] = [];
  for (const leg of c.legs.values()) {
    let party: LegParty = 'other';
    if (callerSide.has(leg.uniqueid)) party = 'caller';
    else if (c.agentLegs.includes(leg.uniqueid) || (leg.twin !== '' && c.agentLegs.includes(leg.twin))) party = 'agent';
    else if (calleeSide.has(leg.uniqueid)) party = 'callee';
    legs.push({
      uniqueid: leg.uniqueid,
      channel: leg.channel,
      party,
      startedAt: leg.startedAt,
      endedAt: leg.endedAt,
      cause: leg.cause,
      causeText: leg.causeText,
    });
  }
  const answeredAt = c.agent !== null && c.answeredAt === 0 ? c.endedAt : c.answeredAt;
  const waitFrom = c.queuedAt || c.startedAt;
  const waitTo = answeredAt || c.endedAt;
  const personAnswered = c.agent !== null || (answeredAt > 0 && to !== undefined && to.channel !== '');
  const gone = handedOver(c);
  const cause = causeOf(c, callerSide, calleeSide, gone);
  const outcome = outcomeOf({
    answered: answeredAt > 0,
    personAnswered,
    transferred: c.completeReason === 'transfer' || c.transfers.some((t) => t.result === 'Success'),
    voicemail: c.voicemail,
    abandoned: c.abandonedIn !== '',
    dialStatuses: c.dialStatuses,
    cause: cause.code,
  });
  const waitSeconds = seconds(waitTo - waitFrom);
  return {
    id: c.id,
    pbx,
    direction: call?.direction ?? 'unknown',
    from: { name: call?.from.name ?? '', num: call?.from.num ?? '' },
    // A queue call nobody answered reached the queue, whatever the row showed as it came apart.
    to:
      answeredAt === 0 && c.queues.length > 0
        ? { name: c.queues[c.queues.length - 1], num: call?.did ?? '' }
        : { name: to?.name ?? '', num: to?.num ?? '' },
    did: call?.did ?? '',
    queues: c.queues,
    agentsRung: c.agentsRung,
    agent: c.agent,
    startedAt: c.startedAt,
    queuedAt: c.queuedAt,
    answeredAt,
    endedAt: c.endedAt,
    waitSeconds,
    talkSeconds: answeredAt > 0 && c.endedAt > answeredAt ? seconds(c.endedAt - answeredAt) : 0,
    holdSeconds: seconds(c.holdMs),
    outcome,
    withinSla: slaOf(c, outcome, waitSeconds),
    hangupCause: cause,
    hungUpBy: sideThatEnded(c, callerSide, calleeSide, gone),
    transfers: c.transfers,
    parks: c.parks,
    actions: c.actions,
    cdrs: c.cdrs,
    legs,
    partial: c.partial,
  };
}

const seconds = (ms: number): number => (ms > 0 ? Math.round(ms / 100) / 10 : 0);

/** The given legs and the other halves of their Local pairs. */
function sideOf(c: Conversation, uids: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const uid of uids) {
    if (!uid) continue;
    out.add(uid);
    const twin = c.legs.get(uid)?.twin;
    if (twin) out.add(twin);
  }
  return out;
}

/**
 * Legs that left the call by handing it on, not by hanging up: the transferer
 * of a transfer that succeeded (Asterisk hangs it up once the transferee is
 * on its way), and the phone a call was parked from (a bridged Park hangs it
 * up). Their hangups say nothing about who ended the conversation.
 */
function handedOver(c: Conversation): Set<string> {
  // Blind only: an attended transfer may leave its transferer in a three-way bridge, whose hangup is real.
  const by = new Set(c.transfers.filter((t) => t.kind === 'blind' && t.result === 'Success').map((t) => t.by));
  const out = new Set<string>();
  for (const leg of c.legs.values()) {
    // The parker's own leg, in the call when it was parked: not the call coming back to that phone afterwards.
    const parked = c.parks.some(
      (p) => p.parker !== '' && deviceOf(leg.channel) === p.parker && leg.startedAt <= p.at && leg.endedAt >= p.at,
    );
    if (!by.has(leg.channel) && !parked) continue;
    out.add(leg.uniqueid);
    if (leg.twin) out.add(leg.twin);
  }
  return out;
}

function sideThatEnded(c: Conversation, caller: Set<string>, callee: Set<string>, gone: Set<string>): HangupSide {
  // app_queue knows which side left the member's bridge; the channels' hangups only show who went first.
  if (c.completeReason === 'caller') return 'caller';
  if (c.completeReason === 'agent') return 'callee';
  for (const uid of c.marks) {
    if (gone.has(uid)) continue;
    if (caller.has(uid)) return 'caller';
    if (callee.has(uid)) return 'callee';
  }
  return 'unknown';
}

/** The cause the first of the two parties hung up with; else the originator's. */
function causeOf(c: Conversation, caller: Set<string>, callee: Set<string>, gone: Set<string>): { code: number; text: string } {
  let first: Leg | undefined;
  for (const leg of c.legs.values()) {
    if (leg.open || leg.endedAt === 0 || gone.has(leg.uniqueid) || !(caller.has(leg.uniqueid) || callee.has(leg.uniqueid))) continue;
    if (first === undefined || leg.endedAt < first.endedAt || (first.cause === 0 && leg.cause !== 0 && leg.endedAt === first.endedAt))
      first = leg;
  }
  first ??= c.legs.get(c.id);
  return { code: first?.cause ?? 0, text: first?.causeText ?? '' };
}

function slaOf(c: Conversation, outcome: string, waitSeconds: number): boolean | null {
  if (c.queues.length === 0) return null;
  const queue = outcome === 'abandoned' ? c.abandonedIn : (c.agent?.queue ?? c.queues[c.queues.length - 1]);
  const level = c.serviceLevels[c.queues.indexOf(queue)] ?? 0;
  if (level <= 0 || (outcome !== 'abandoned' && c.agent === null)) return null;
  return waitSeconds <= level;
}

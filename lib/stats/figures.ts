/**
 * Today's figures as the board holds them: one entity per queue and one per
 * queue membership, counted from the call history (docs/metrics.md), sent
 * as ops like any entity. They hold sums, not averages, so that the live
 * part the browser adds (a caller still waiting, a pause still running) and
 * a sum over several queues stay exact; `rates` turns them into what a
 * person reads.
 */

export interface QueueDay {
  /** The queue's name. */
  id: string;
  /** The day they count (`YYYY-MM-DD`) and its first ms: the browser clips live intervals to it. */
  date: string;
  dayStart: number;
  /** Calls that joined the queue. */
  offered: number;
  /** Answered by one of its members. */
  answered: number;
  answeredInSla: number;
  /** The caller hung up while waiting in it (Asterisk's QueueCallerAbandon). */
  abandoned: number;
  /** Abandoned within the service level: a short abandon, left out of the SLA. */
  abandonedInSla: number;
  /**
   * The calls the SLA counts: answered, and abandoned after the service level, each with a known wait
   * against it (a call adopted mid-way after a restart has none, and is left out rather than guessed).
   */
  slaCalls: number;
  /** Left without an answer otherwise: a queue timeout, an empty queue, moved on by the dialplan. */
  unanswered: number;
  /** Sum of the answered calls' waits, for the ASA. */
  answeredWaitSeconds: number;
  /** Sum of the answered calls' talk (hold included), for the AHT. */
  talkSeconds: number;
  /** The longest wait of a call that left the queue today, answered or not. */
  longestWaitSeconds: number;
  /** Missed and abandoned calls whose callers are still owed a call back. */
  callbacksOwed: number;
}

export interface MemberDay {
  /** The membership's id, as `members` names it: `queue|interface`. */
  id: string;
  queue: string;
  interface: string;
  date: string;
  dayStart: number;
  /** Calls it answered in this queue. */
  handled: number;
  /** Calls it was rung for in this queue and did not answer. */
  missed: number;
  talkSeconds: number;
  /** Finished pauses today, per reason ('' for none): pairs, since reasons are free text from the PBX. */
  pauses: [reason: string, seconds: number][];
  /** Finished logged-in spans today (the membership's removal ended them). */
  loggedInSeconds: number;
}

export function emptyQueueDay(id: string, date: string, dayStart: number): QueueDay {
  return {
    id,
    date,
    dayStart,
    offered: 0,
    answered: 0,
    answeredInSla: 0,
    abandoned: 0,
    abandonedInSla: 0,
    slaCalls: 0,
    unanswered: 0,
    answeredWaitSeconds: 0,
    talkSeconds: 0,
    longestWaitSeconds: 0,
    callbacksOwed: 0,
  };
}

export function emptyMemberDay(queue: string, iface: string, date: string, dayStart: number): MemberDay {
  return {
    id: `${queue}|${iface}`,
    queue,
    interface: iface,
    date,
    dayStart,
    handled: 0,
    missed: 0,
    talkSeconds: 0,
    pauses: [],
    loggedInSeconds: 0,
  };
}

export interface QueueRates {
  /** Answered within the service level of the calls that count for it (answered, and abandoned after it); null before any. */
  slaPercent: number | null;
  /** Average speed of answer, seconds; null before any answer. */
  asaSeconds: number | null;
  /** Average handling time (talk and hold), seconds; null before any answer. */
  ahtSeconds: number | null;
}

export function queueRates(
  q: Pick<QueueDay, 'answered' | 'answeredInSla' | 'abandoned' | 'abandonedInSla' | 'answeredWaitSeconds' | 'talkSeconds'>,
): QueueRates {
  const counted = q.answered + (q.abandoned - q.abandonedInSla);
  return {
    slaPercent: counted > 0 ? (q.answeredInSla / counted) * 100 : null,
    asaSeconds: q.answered > 0 ? q.answeredWaitSeconds / q.answered : null,
    ahtSeconds: q.answered > 0 ? q.talkSeconds / q.answered : null,
  };
}

/** Several queues' figures as one (the "all queues" line): sums, and the longest of the longest waits. */
export function sumQueueDays(days: readonly QueueDay[]): Omit<QueueDay, 'id' | 'date' | 'dayStart'> {
  const out = emptyQueueDay('', '', 0);
  for (const d of days) {
    out.offered += d.offered;
    out.answered += d.answered;
    out.answeredInSla += d.answeredInSla;
    out.abandoned += d.abandoned;
    out.abandonedInSla += d.abandonedInSla;
    out.slaCalls += d.slaCalls;
    out.unanswered += d.unanswered;
    out.answeredWaitSeconds += d.answeredWaitSeconds;
    out.talkSeconds += d.talkSeconds;
    out.callbacksOwed += d.callbacksOwed;
    out.longestWaitSeconds = Math.max(out.longestWaitSeconds, d.longestWaitSeconds);
  }
  return out;
}

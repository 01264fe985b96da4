/**
 * How a finished conversation is classed. The facts are what the journal
 * saw; the order of the rules is the definition (docs/history.md).
 */
import type { CallOutcome } from './record';

export interface OutcomeFacts {
  /** A person, or the PBX itself (Playback, an answered hold), took the call. */
  answered: boolean;
  /** A person took it: a queue member connected, or a channel party talked. */
  personAnswered: boolean;
  /** A blind or attended transfer succeeded while it was answered. */
  transferred: boolean;
  /** The dialplan ran VoiceMail on one of its legs. */
  voicemail: boolean;
  /** Asterisk said the caller left a queue by hanging up (QueueCallerAbandon). */
  abandoned: boolean;
  /** Every DialStatus its dials ended with (DialEnd): ANSWER, BUSY, NOANSWER, CANCEL, CHANUNAVAIL, CONGESTION… */
  dialStatuses: ReadonlySet<string>;
  /** The hangup cause the call ended with (Q.850), 0 when none. */
  cause: number;
}

/** Q.850 causes that mean the network or the far end could not take the call at all. */
const FAILURE_CAUSES: ReadonlySet<number> = new Set([1, 2, 3, 22, 27, 28, 34, 38, 41, 42, 44, 47, 58, 63, 65, 66, 79, 88, 127]);
const USER_BUSY = 17;

export function outcomeOf(f: OutcomeFacts): CallOutcome {
  // A caller who reached a mailbox and nobody else left a message (or meant to): that is its own list to work.
  if (f.voicemail && !f.personAnswered) return 'voicemail';
  if (f.answered) return f.transferred ? 'transferred' : 'answered';
  if (f.abandoned) return 'abandoned';
  if (f.dialStatuses.has('BUSY') || f.cause === USER_BUSY) return 'busy';
  if (f.dialStatuses.has('CHANUNAVAIL') || f.dialStatuses.has('CONGESTION') || FAILURE_CAUSES.has(f.cause)) return 'failed';
  return 'missed';
}

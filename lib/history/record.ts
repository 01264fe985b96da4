/**
 * What Callboard keeps of one finished conversation: the call history's row.
 * Built by the journal (journal.ts) from the events of one Linkedid; times
 * are ms since the epoch on the PBX's clock (AMI `Timestamp`), 0 = never.
 */
import type { CallDirection } from '../pbx/model';

export type CallOutcome = 'answered' | 'abandoned' | 'missed' | 'busy' | 'failed' | 'transferred' | 'voicemail';

/** Who ended the conversation first: its originator, the party it reached, or not known (ended unseen, or no answer). */
export type HangupSide = 'caller' | 'callee' | 'unknown';

export type LegParty = 'caller' | 'callee' | 'agent' | 'other';

export interface CallLeg {
  uniqueid: string;
  channel: string;
  party: LegParty;
  startedAt: number;
  /** 0 while it was still up when the journal lost sight of it (a restart, a link drop). */
  endedAt: number;
  cause: number;
  causeText: string;
}

export interface HistoryParty {
  name: string;
  num: string;
}

export interface AgentRef {
  /** Asterisk's MemberName (`Bob`, `Jon Park`). */
  name: string;
  /** The queue member's Interface (`PJSIP/202`, `Local/2002@agents/n`). */
  interface: string;
  queue: string;
}

export interface TransferRecord {
  at: number;
  kind: 'blind' | 'attended';
  /** Asterisk's Result: `Success`, `Fail`, `Invalid`, `Not Permitted`. */
  result: string;
  /** The channel that asked for it. */
  by: string;
  /** Blind: `exten@context`; attended: the target channel (or the merged bridge). */
  to: string;
}

export interface ParkRecord {
  at: number;
  lot: string;
  space: string;
  /** ParkerDialString: where the call goes back when the timeout ends. */
  parker: string;
}

/** A supervisor's action on the call that Asterisk accepted, with its audit entry. */
export interface SupervisorAction {
  at: number;
  who: string;
  /** The action's type: `hangup`, `transfer`, `redirect`, `park`, `listen`, `whisper`, `barge`. */
  action: string;
  /** The audit entry: `GET /api/audit?before=<audit>&limit=1` is exactly it. */
  audit: number;
}

/** One `Cdr` event of cdr_manager, matched to a leg by its UniqueID. */
export interface CdrFigures {
  uniqueid: string;
  channel: string;
  destinationChannel: string;
  lastApplication: string;
  duration: number;
  billableSeconds: number;
  /** `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`. */
  disposition: string;
}

export interface CallRecord {
  /** The call's id: the Linkedid that started the conversation, as the board names it. */
  id: string;
  pbx: string;
  direction: CallDirection;
  from: HistoryParty;
  to: HistoryParty;
  /** Dialled number on entry (the DID of an inbound call). */
  did: string;
  /** Every queue the caller joined, in order. */
  queues: string[];
  /** Every member a queue rang (AgentCalled), in order, once each. */
  agentsRung: AgentRef[];
  /** The member who answered (the last AgentConnect), null when none did. */
  agent: AgentRef | null;
  startedAt: number;
  /** The first QueueCallerJoin; 0 when it never queued. */
  queuedAt: number;
  answeredAt: number;
  endedAt: number;
  /** From the queue join (else the start) to the answer, or to the end when never answered. */
  waitSeconds: number;
  /** From the answer to the end, hold included (as Asterisk's billsec counts it). */
  talkSeconds: number;
  /** Time any leg spent on Hold (Hold/Unhold; the queue's music is not hold). */
  holdSeconds: number;
  outcome: CallOutcome;
  /** Queue calls: whether it was answered (or abandoned) within the queue's service level; null when not a queue call or no level. */
  withinSla: boolean | null;
  hangupCause: { code: number; text: string };
  hungUpBy: HangupSide;
  transfers: TransferRecord[];
  parks: ParkRecord[];
  /** What supervisors did to it through Callboard (ended it, moved it, listened in). */
  actions: SupervisorAction[];
  /** Asterisk's own CDRs of its legs (cdr_manager), when the PBX sends them. */
  cdrs: CdrFigures[];
  legs: CallLeg[];
  /**
   * The journal did not see the whole conversation: it started from the
   * lists after a (re)connect, or ended while the link was down. Times it
   * never saw are 0 and the outcome is the best the rest allows.
   */
  partial: boolean;
}

/**
 * Asterisk's own measure of the talk, to set beside `talkSeconds`: the
 * billable seconds of the answering side's own Cdrs (an agent's or callee's
 * leg that was party A of a CDR). null when it has none. The caller's Cdrs
 * do not measure the talk: Asterisk counts their billsec from the caller's
 * own answer, and a Local caller is answered before it queues or rings (10).
 */
export function cdrTalkSeconds(r: CallRecord): number | null {
  const answering = new Set<string>();
  for (const l of r.legs) if (l.party === 'agent' || l.party === 'callee') answering.add(l.uniqueid);
  let own: number | null = null;
  for (const c of r.cdrs) if (answering.has(c.uniqueid) && c.disposition === 'ANSWERED') own = Math.max(own ?? 0, c.billableSeconds);
  return own;
}

/**
 * What the journal keeps of one conversation while it follows it: the
 * facts the events gave, before they become a CallRecord (to-record.ts).
 */
import type { Call, CallParty } from '../pbx/model';
import type { AgentRef, CdrFigures, ParkRecord, SupervisorAction, TransferRecord } from './record';

/** Per conversation: a hostile or looping dialplan must not grow one record without end. */
export const MAX_LEGS = 64;
export const MAX_ITEMS = 32;
export const MAX_MARKS = 64;

export interface Leg {
  uniqueid: string;
  channel: string;
  startedAt: number;
  endedAt: number;
  cause: number;
  causeText: string;
  /** The other half of a Local pair (LocalBridge), '' when none. */
  twin: string;
  open: boolean;
  holdSince: number;
}

export interface Conversation {
  id: string;
  startedAt: number;
  legs: Map<string, Leg>;
  open: number;
  queues: string[];
  /** The service level of each queue in `queues`, read when it joined. */
  serviceLevels: number[];
  queuedAt: number;
  abandonedIn: string;
  agentsRung: AgentRef[];
  /** Uniqueids of the channels a queue rang (AgentCalled's DestUniqueid): the agent's side. */
  agentLegs: string[];
  agent: AgentRef | null;
  /** The answering member's leg (AgentConnect's DestUniqueid). */
  agentLeg: string;
  /** Between QueueCallerJoin and QueueCallerLeave. */
  inQueue: boolean;
  answeredAt: number;
  /** The board's row of this call, as last seen: it is gone once the last leg hangs up. */
  call: Call | undefined;
  /** The far party while the call talked (a parked call's row names the lot instead). */
  talkingTo: CallParty | undefined;
  /** The far party as the row last showed it before the hangups began. */
  lastTo: CallParty | undefined;
  dialStatuses: Set<string>;
  voicemail: boolean;
  holdMs: number;
  /** Uniqueids in the order they asked to hang up or hung up, to tell which side ended it. */
  marks: string[];
  /** AgentComplete's Reason: caller, agent or transfer. */
  completeReason: string;
  transfers: TransferRecord[];
  parks: ParkRecord[];
  actions: SupervisorAction[];
  cdrs: CdrFigures[];
  endedAt: number;
  partial: boolean;
  /** When the journal may hand it out (`now` at its end plus the Cdr wait); 0 while live. */
  readyAt: number;
}

export function newConversation(id: string, at: number): Conversation {
  return {
    id,
    startedAt: at,
    legs: new Map(),
    open: 0,
    queues: [],
    serviceLevels: [],
    queuedAt: 0,
    abandonedIn: '',
    agentsRung: [],
    agentLegs: [],
    agent: null,
    agentLeg: '',
    inQueue: false,
    answeredAt: 0,
    call: undefined,
    talkingTo: undefined,
    lastTo: undefined,
    dialStatuses: new Set(),
    voicemail: false,
    holdMs: 0,
    marks: [],
    completeReason: '',
    transfers: [],
    parks: [],
    actions: [],
    cdrs: [],
    endedAt: 0,
    partial: false,
    readyAt: 0,
  };
}

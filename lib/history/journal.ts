/**
 * The call journal: follows every conversation by its Linkedid, from the AMI
 * events the session sees, and yields one CallRecord when it ends.
 *
 * Pure: the caller passes each event, the time and the state the reducer has
 * just updated (read, never written: it gives the derived Call, whose parties,
 * direction and DID are the board's own), and asks for what is finished with
 * `take(now)`. Most events (VarSet, Newexten, DeviceStateChange) cost one Map
 * lookup of their name.
 *
 * When it ends: once every leg it saw has hung up. A PBX that sends `Cdr`
 * events (cdr_manager) sends them within milliseconds of the hangup (08, 09,
 * 10: at most 1.5 ms after the last leg), sometimes before it; so an ended
 * conversation waits `cdrWaitMs` for its Cdrs before it is handed out. It
 * waits on every PBX: nothing says in advance whether one sends Cdrs, and
 * guessing from the first one would lose that one's.
 */
import { headerOf } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';
import { eventTime, int } from '../pbx/fields';
import type { PbxState } from '../pbx/model';
import { MAX_ITEMS, MAX_LEGS, MAX_MARKS, newConversation, type Conversation, type Leg } from './conversation';
import type { AgentRef, CallRecord, SupervisorAction } from './record';
import { toRecord } from './to-record';

export interface JournalOptions {
  pbx: string;
  /** How long an ended conversation waits for its Cdr events (default 2 s). */
  cdrWaitMs?: number;
  /** Conversations followed at once (live and waiting for Cdrs); past it a new one is not followed and counted. */
  maxConversations?: number;
}

export const DEFAULT_CDR_WAIT_MS = 2_000;
const DEFAULT_MAX_CONVERSATIONS = 20_000;

type Handler = (j: CallJournal, event: AmiPacket, at: number, state: PbxState) => void;

export class CallJournal {
  readonly pbx: string;
  private readonly cdrWaitMs: number;
  private readonly max: number;
  /** By Linkedid. */
  private readonly live = new Map<string, Conversation>();
  /** Every leg's Uniqueid to its conversation, until the record is handed out (Cdrs name a leg, never the Linkedid). */
  private readonly byLeg = new Map<string, Conversation>();
  /** Ended, in the order they ended: their `readyAt` only grows. */
  private readonly ended: Conversation[] = [];
  /** Conversations not followed because the bound was reached. */
  dropped = 0;
  /** The `now` of the event being handled, for `readyAt`. */
  private now = 0;

  constructor(opts: JournalOptions) {
    this.pbx = opts.pbx;
    this.cdrWaitMs = opts.cdrWaitMs ?? DEFAULT_CDR_WAIT_MS;
    this.max = opts.maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
  }

  /** Conversations followed now, live or waiting for their Cdrs. */
  get size(): number {
    return this.live.size + this.ended.length;
  }

  /** One AMI event, after the reducer applied it to `state`. `name` is its Event header (the session has read it already). */
  event(event: AmiPacket, name: string | undefined, now: number, state: PbxState): void {
    const handler = name === undefined ? undefined : HANDLERS.get(name);
    if (handler === undefined) return;
    this.now = now;
    // The frequent events need no time: reading the Timestamp is left to those that do.
    handler(this, event, UNTIMED.has(name!) ? now : eventTime(headerOf(event, 'Timestamp'), now), state);
  }

  /** The records whose conversation ended and whose Cdr wait is over. */
  take(now: number): CallRecord[] {
    const out: CallRecord[] = [];
    while (this.ended.length > 0 && this.ended[0].readyAt <= now) out.push(this.finish(this.ended.shift()!));
    return out;
  }

  /** Every ended conversation, waiting or not (a clean shutdown). Live ones stay: the next start rebuilds them from the lists. */
  drain(): CallRecord[] {
    const out = this.ended.map((c) => this.finish(c));
    this.ended.length = 0;
    return out;
  }

  /**
   * After a complete resync: the state's calls are Asterisk's. A call the
   * journal does not follow started while it could not see (before this
   * start, or while the link was down): it is followed from the list, partial.
   * A conversation the state no longer has ended unseen: it ends now, partial.
   */
  reconcile(state: PbxState, now: number): void {
    this.now = now;
    for (const [id, c] of this.live) {
      if (state.calls[id] !== undefined) continue;
      c.partial = true;
      for (const leg of c.legs.values()) leg.open = false;
      c.open = 0;
      this.end(c, now);
    }
    for (const id in state.calls) {
      if (this.live.has(id)) continue;
      const call = state.calls[id];
      const c = this.open(id, call.startedAt);
      if (c === undefined) return;
      c.partial = true;
      c.call = call;
      c.answeredAt = call.answeredAt;
      if (call.state === 'talking') c.talkingTo = call.to;
      if (call.queue) this.joinQueue(c, call.queue, 0, state);
      for (const uid of call.channels) {
        const ch = state.channels[uid];
        this.addLeg(c, uid, ch?.name ?? '', ch?.startedAt ?? 0);
        if (ch?.onHold) c.legs.get(uid)!.holdSince = now;
      }
    }
  }

  /**
   * A supervisor's action, named by the call (its Linkedid) or one of its
   * channels (a Uniqueid), as the action request named it. Kept while the
   * conversation is followed, live or waiting for its Cdrs.
   */
  noteAction(target: { call?: string; channel?: string }, action: SupervisorAction): boolean {
    const c = this.conversation(target.call) ?? this.leg(target.call) ?? this.leg(target.channel);
    if (c === undefined || c.actions.length >= MAX_ITEMS) return false;
    c.actions.push(action);
    return true;
  }

  // ---- what the handlers use ----

  conversation(linkedId: string | undefined): Conversation | undefined {
    return linkedId ? this.live.get(linkedId) : undefined;
  }

  leg(uid: string | undefined): Conversation | undefined {
    return uid ? this.byLeg.get(uid) : undefined;
  }

  open(id: string, at: number): Conversation | undefined {
    if (this.size >= this.max) {
      this.dropped++;
      return undefined;
    }
    const c = newConversation(id, at);
    this.live.set(id, c);
    return c;
  }

  addLeg(c: Conversation, uid: string, channel: string, at: number): void {
    if (c.legs.has(uid) || c.legs.size >= MAX_LEGS) return;
    c.legs.set(uid, { uniqueid: uid, channel, startedAt: at, endedAt: 0, cause: 0, causeText: '', twin: '', open: true, holdSince: 0 });
    c.open++;
    this.byLeg.set(uid, c);
  }

  joinQueue(c: Conversation, queue: string, at: number, state: PbxState): void {
    if (!c.queuedAt) c.queuedAt = at;
    if (c.queues.includes(queue) || c.queues.length >= MAX_ITEMS) return;
    c.queues.push(queue);
    c.serviceLevels.push(state.queues[queue]?.serviceLevel ?? 0);
  }

  /**
   * Keeps the board's row of the call while it exists. A row that talks is
   * an answer, except while the caller is in a queue (there only
   * AgentConnect answers: the member's leg is up a moment before it), and
   * except during a hangup (the row of a call coming apart is no answer).
   */
  see(c: Conversation, state: PbxState, hangingUp = false): void {
    const call = state.calls[c.id];
    if (call === undefined) return;
    c.call = call;
    if (hangingUp) return;
    c.lastTo = call.to;
    if (call.state !== 'talking') return;
    if (c.queuedAt !== 0 && c.agent === null && (c.inQueue || call.to.channel === '')) return;
    c.talkingTo = call.to;
    if (!c.answeredAt) c.answeredAt = call.answeredAt;
  }

  mark(c: Conversation, uid: string): void {
    if (c.marks.length < MAX_MARKS) c.marks.push(uid);
  }

  hangup(c: Conversation, leg: Leg, at: number, cause: number, text: string): void {
    if (!leg.open) return;
    leg.open = false;
    leg.endedAt = at;
    leg.cause = cause;
    leg.causeText = text;
    if (leg.holdSince) c.holdMs += Math.max(0, at - leg.holdSince);
    leg.holdSince = 0;
    if (--c.open === 0) this.end(c, at);
  }

  private end(c: Conversation, at: number): void {
    this.live.delete(c.id);
    c.endedAt = at;
    c.readyAt = this.now + this.cdrWaitMs;
    this.ended.push(c);
  }

  private finish(c: Conversation): CallRecord {
    for (const uid of c.legs.keys()) if (this.byLeg.get(uid) === c) this.byLeg.delete(uid);
    return toRecord(this.pbx, c);
  }
}

// ---- the events ----

function linked(j: CallJournal, e: AmiPacket, state: PbxState): Conversation | undefined {
  const c = j.conversation(headerOf(e, 'Linkedid'));
  if (c !== undefined) j.see(c, state);
  return c;
}

function agentOf(f: Record<string, string>): AgentRef {
  return { name: f.MemberName ?? '', interface: f.Interface ?? '', queue: f.Queue ?? '' };
}

function hangupMark(j: CallJournal, e: AmiPacket): void {
  const uid = headerOf(e, 'Uniqueid');
  const c = j.leg(uid);
  if (c !== undefined && c.endedAt === 0) j.mark(c, uid!);
}

const HANDLERS = new Map<string, Handler>([
  [
    'Newchannel',
    (j, e, at, state) => {
      const uid = headerOf(e, 'Uniqueid');
      if (!uid) return;
      const linkedId = headerOf(e, 'Linkedid') || uid;
      const c = j.conversation(linkedId) ?? j.open(linkedId, at);
      if (c === undefined) return;
      j.addLeg(c, uid, headerOf(e, 'Channel') ?? '', at);
      j.see(c, state);
    },
  ],
  [
    'Newexten',
    (j, e, _at, state) => {
      // The most frequent event of all: only a mailbox, and a pick-up from a parking lot (an answer without a Newstate, 09), matter.
      const app = headerOf(e, 'Application');
      if (app !== 'VoiceMail' && app !== 'ParkedCall') return;
      const c = linked(j, e, state);
      if (c !== undefined && app === 'VoiceMail') c.voicemail = true;
    },
  ],
  [
    'LocalBridge',
    (j, e) => {
      const one = headerOf(e, 'LocalOneUniqueid');
      const two = headerOf(e, 'LocalTwoUniqueid');
      const c = j.leg(one);
      const a = c?.legs.get(one!);
      const b = c?.legs.get(two ?? '');
      if (a === undefined || b === undefined) return;
      a.twin = b.uniqueid;
      b.twin = a.uniqueid;
    },
  ],
  ['HangupRequest', (j, e) => hangupMark(j, e)],
  ['SoftHangupRequest', (j, e) => hangupMark(j, e)],
  [
    'Hangup',
    (j, e, at, state) => {
      const uid = headerOf(e, 'Uniqueid');
      const c = j.leg(uid);
      const leg = c?.legs.get(uid!);
      if (c === undefined || leg === undefined) return;
      j.see(c, state, true);
      j.mark(c, uid!);
      j.hangup(c, leg, at, int(headerOf(e, 'Cause')), headerOf(e, 'Cause-txt') ?? '');
    },
  ],
  [
    'DialEnd',
    (j, e, _at, state) => {
      const c = j.conversation(headerOf(e, 'Linkedid') ?? headerOf(e, 'DestLinkedid'));
      if (c === undefined) return;
      j.see(c, state);
      const status = headerOf(e, 'DialStatus');
      if (status) c.dialStatuses.add(status);
    },
  ],
  // The moments a row may start to talk: an answer, a bridge, an application run by Originate (ChanSpy, 09).
  ['Newstate', (j, e, _at, state) => void linked(j, e, state)],
  [
    'BridgeEnter',
    (j, e, _at, state) => {
      linked(j, e, state);
      // A call picked up from a parking lot (09) talks once the parked one enters: its row changes with the other's event.
      const bridge = state.bridges[headerOf(e, 'BridgeUniqueid') ?? ''];
      if (bridge === undefined || bridge.channels.length > MAX_ITEMS) return;
      for (const uid of bridge.channels) {
        const other = j.leg(uid);
        if (other !== undefined && other.endedAt === 0) j.see(other, state);
      }
    },
  ],
  [
    'OriginateResponse',
    (j, e, _at, state) => {
      const c = j.leg(headerOf(e, 'Uniqueid'));
      if (c !== undefined) j.see(c, state);
    },
  ],
  [
    'QueueCallerJoin',
    (j, e, at, state) => {
      const c = linked(j, e, state);
      const queue = headerOf(e, 'Queue');
      if (c === undefined || !queue) return;
      j.joinQueue(c, queue, at, state);
      c.inQueue = true;
    },
  ],
  [
    'QueueCallerLeave',
    (j, e, _at, state) => {
      const c = linked(j, e, state);
      if (c !== undefined) c.inQueue = false;
    },
  ],
  [
    'QueueCallerAbandon',
    (j, e, _at, state) => {
      const c = linked(j, e, state);
      if (c !== undefined) c.abandonedIn = headerOf(e, 'Queue') ?? '';
    },
  ],
  [
    'AgentCalled',
    (j, e, _at, state) => {
      const c = linked(j, e, state);
      if (c === undefined) return;
      const f = e.fields;
      const dest = f.DestUniqueid;
      if (dest && c.agentLegs.length < MAX_ITEMS) c.agentLegs.push(dest);
      const agent = agentOf(f);
      if (c.agentsRung.length < MAX_ITEMS && !c.agentsRung.some((a) => a.interface === agent.interface && a.queue === agent.queue))
        c.agentsRung.push(agent);
    },
  ],
  [
    'AgentConnect',
    (j, e, at, state) => {
      const c = linked(j, e, state);
      if (c === undefined) return;
      c.agent = agentOf(e.fields);
      c.agentLeg = e.fields.DestUniqueid ?? '';
      if (!c.answeredAt) c.answeredAt = at;
      j.see(c, state);
    },
  ],
  [
    'AgentComplete',
    (j, e, _at, state) => {
      const c = linked(j, e, state);
      if (c !== undefined) c.completeReason = e.fields.Reason ?? '';
    },
  ],
  [
    'Hold',
    (j, e, at) => {
      const uid = headerOf(e, 'Uniqueid');
      const leg = j.leg(uid)?.legs.get(uid!);
      if (leg !== undefined && leg.open && !leg.holdSince) leg.holdSince = at;
    },
  ],
  [
    'Unhold',
    (j, e, at) => {
      const uid = headerOf(e, 'Uniqueid');
      const c = j.leg(uid);
      const leg = c?.legs.get(uid!);
      if (c === undefined || leg === undefined || !leg.holdSince) return;
      c.holdMs += Math.max(0, at - leg.holdSince);
      leg.holdSince = 0;
    },
  ],
  [
    'BlindTransfer',
    (j, e, at, state) => {
      const f = e.fields;
      const c = j.conversation(f.TransfererLinkedid) ?? j.conversation(f.TransfereeLinkedid);
      if (c === undefined) return;
      j.see(c, state);
      if (c.transfers.length < MAX_ITEMS)
        c.transfers.push({
          at,
          kind: 'blind',
          result: f.Result ?? '',
          by: f.TransfererChannel ?? '',
          to: `${f.Extension ?? ''}@${f.Context ?? ''}`,
        });
    },
  ],
  [
    'AttendedTransfer',
    (j, e, at, state) => {
      const f = e.fields;
      // Two conversations become one: each keeps the transfer in its own record.
      const to = f.TransferTargetChannel ?? f.DestBridgeUniqueid ?? f.DestApp ?? '';
      for (const id of new Set([f.OrigTransfererLinkedid, f.SecondTransfererLinkedid])) {
        const c = j.conversation(id);
        if (c === undefined) continue;
        j.see(c, state);
        if (c.transfers.length < MAX_ITEMS)
          c.transfers.push({ at, kind: 'attended', result: f.Result ?? '', by: f.OrigTransfererChannel ?? '', to });
      }
    },
  ],
  [
    'ParkedCall',
    (j, e, at, state) => {
      const f = e.fields;
      const c = j.conversation(f.ParkeeLinkedid);
      if (c === undefined) return;
      j.see(c, state);
      if (c.parks.length < MAX_ITEMS)
        c.parks.push({ at, lot: f.Parkinglot ?? '', space: f.ParkingSpace ?? '', parker: f.ParkerDialString ?? '' });
    },
  ],
  [
    'Cdr',
    (j, e) => {
      const f = e.fields;
      const c = j.leg(f.UniqueID);
      if (c === undefined || c.cdrs.length >= MAX_ITEMS * 2) return;
      c.cdrs.push({
        uniqueid: f.UniqueID,
        channel: f.Channel ?? '',
        destinationChannel: f.DestinationChannel ?? '',
        lastApplication: f.LastApplication ?? '',
        duration: int(f.Duration),
        billableSeconds: int(f.BillableSeconds),
        disposition: f.Disposition ?? '',
      });
    },
  ],
]);

/** Handlers that never read their event's time. */
const UNTIMED: ReadonlySet<string> = new Set([
  'Newexten',
  'Newstate',
  'LocalBridge',
  'HangupRequest',
  'SoftHangupRequest',
  'DialEnd',
  'BridgeEnter',
  'OriginateResponse',
  'QueueCallerAbandon',
  'QueueCallerLeave',
  'AgentCalled',
  'AgentComplete',
  'Cdr',
]);

/** The events the journal reads: the session must not filter them out, and `cdr` must be in its Events. */
export const JOURNAL_EVENTS: readonly string[] = [...HANDLERS.keys()];

/**
 * The steps of each call a CRM hears about, read from what the board itself
 * sees: the state engine's ops on `channels` and `calls` (ringing, answered,
 * transferred) and the history's stored records (ended). No I/O and no
 * clock: the server feeds it (crm/call-events.ts) and the tests replay the
 * transcripts through it.
 *
 * - `call.ringing`: a channel of the call that is not the caller's is
 *   Ringing; once per call and extension, so a queue that rings three agents
 *   gives three, a Local member and the phone it dials give one, and a
 *   resync that re-lists a ringing channel gives none.
 * - `call.answered`: the call's `answeredAt` is first set; once per call.
 * - `call.transferred`: after the answer, the party the caller talks to
 *   becomes another phone; once per call and new party. A park is not one
 *   (the pick-up from the lot is); a blind transfer to an extension the PBX
 *   answers itself names no phone, and shows in the ended record's
 *   `transfers` only.
 * - `call.ended`: the call's history record is stored; once per call.
 *
 * Memory is bounded: what was sent is kept per call id, for at most
 * `maxCalls` calls (the oldest forgotten first), and forgotten calls are
 * never the live ones a resync could show again, except past that bound.
 */
import type { CallEvent, CallEventType } from '@/lib/alerts/model';
import type { CallRecord } from '@/lib/history/record';
import { isLocal, numberOf } from '@/lib/pbx/fields';
import type { Call, Channel, PbxState } from '@/lib/pbx/model';
import { ChannelState } from '@/lib/pbx/states';
import type { Op } from '@/lib/protocol';

/** Ringing channels remembered per call: a queue ringing more agents than this is not a call a CRM follows anyway. */
const MAX_RINGS = 32;

interface Sent {
  /** The extensions it rang at. */
  rang: Set<string>;
  answered: boolean;
  /** The channel (or extension) the caller last talked to, once answered, and its extension. */
  talkingTo: string;
  agent: string;
  ended: boolean;
}

export class CallSteps {
  private readonly sent = new Map<string, Sent>();

  constructor(
    private readonly pbx: string,
    private readonly maxCalls = 10_000,
  ) {}

  get tracked(): number {
    return this.sent.size;
  }

  private progress(id: string): Sent {
    let s = this.sent.get(id);
    if (!s) {
      s = { rang: new Set(), answered: false, talkingTo: '', agent: '', ended: false };
      this.sent.set(id, s);
      if (this.sent.size > this.maxCalls) this.sent.delete(this.sent.keys().next().value!);
    }
    return s;
  }

  /** The steps a batch of ops (already applied to `state`) makes, in order. */
  ops(ops: readonly Op[], state: PbxState, now: number): CallEvent[] {
    const out: CallEvent[] = [];
    for (const op of ops) {
      if (op[0] !== 'u') continue;
      if (op[1] === 'channels') {
        const c = state.channels[op[2]];
        if (c && c.state === ChannelState.Ringing) this.ringing(c, state, now, out);
      } else if (op[1] === 'calls') {
        const call = state.calls[op[2]];
        if (call) this.callChanged(call, state, now, out);
      }
    }
    return out;
  }

  private ringing(c: Channel, state: PbxState, now: number, out: CallEvent[]): void {
    const call = state.calls[c.linkedId];
    // The caller's own channel (or its Local half) ringing is an outbound call's start, not a phone ringing for it.
    if (!call || call.from.channel === c.id || c.id === state.channels[call.from.channel]?.localPeer) return;
    const agent = numberOf(c.name);
    if (!agent || agent === call.from.num) return;
    const s = this.progress(call.id);
    // Keyed by the extension: a Local member ringing its phone is one ring, whichever leg shows it first.
    if (s.ended || s.rang.has(agent) || s.rang.size >= MAX_RINGS) return;
    s.rang.add(agent);
    out.push(this.event('call.ringing', call, agent, now));
  }

  private callChanged(call: Call, state: PbxState, now: number, out: CallEvent[]): void {
    if (call.answeredAt <= 0) return;
    const s = this.progress(call.id);
    if (s.ended) return;
    if (!s.answered) {
      // Answered by a phone; a call the PBX answers itself (a recording, voicemail) has no one to name.
      if (!call.to.channel) return;
      s.answered = true;
      s.talkingTo = call.to.channel;
      s.agent = agentOf(call, state.channels[call.to.channel]);
      out.push(this.event('call.answered', call, s.agent, now));
      return;
    }
    // Only another phone's channel counts: a park (held in a lot), the PBX answering it itself, or the row
    // falling back to the caller while the call is torn down is not a transfer a CRM can act on.
    if (!call.to.channel || call.to.channel === s.talkingTo) return;
    s.talkingTo = call.to.channel;
    const agent = agentOf(call, state.channels[call.to.channel]);
    // The same phone on a new channel (a Local leg optimised away) is no transfer.
    if (!agent || agent === s.agent || agent === call.from.num) return;
    s.agent = agent;
    out.push(this.event('call.transferred', call, agent, now));
  }

  private event(type: CallEventType, call: Call, agent: string, now: number): CallEvent {
    return {
      type,
      pbx: this.pbx,
      at: now,
      call: call.id,
      queue: call.queue || null,
      callerNum: call.from.num,
      callerName: call.from.name,
      agent,
    };
  }

  /** `call.ended` for each stored record of this PBX, once per call. */
  records(records: readonly CallRecord[]): CallEvent[] {
    const out: CallEvent[] = [];
    for (const r of records) {
      if (r.pbx !== this.pbx) continue;
      const s = this.progress(r.id);
      if (s.ended) continue;
      s.ended = true;
      out.push({
        type: 'call.ended',
        pbx: r.pbx,
        at: r.endedAt,
        call: r.id,
        queue: r.queues[0] ?? null,
        callerNum: r.from.num,
        callerName: r.from.name,
        agent: r.agent ? numberOf(r.agent.interface) : r.answeredAt > 0 ? r.to.num : '',
        record: r,
      });
    }
    return out;
  }
}

/** The extension the caller talks to: its channel's number, else the call's far party. */
function agentOf(call: Call, channel: Channel | undefined): string {
  if (channel && !isLocal(channel.name)) return numberOf(channel.name);
  return call.to.num;
}

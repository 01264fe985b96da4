import { AmiActionError } from './errors';
import type { AmiPacket } from './packet';
import { headerOf } from './decode';

/** What `send` resolves with. */
export interface AmiResult {
  /** The `Response:` packet that answered the action. */
  readonly response: AmiPacket;
  /** The items of a list action (`EventList: start` … Complete), in order; empty otherwise. */
  readonly events: AmiPacket[];
  /** The list's closing `…Complete` event. */
  readonly complete?: AmiPacket;
  /** List items not kept because the list passed `maxListItems` (absent when none): `events` is incomplete. */
  readonly dropped?: number;
  /** For `Originate` with `Async: true`: its OriginateResponse (always `Response: Success` here). */
  readonly originateResponse?: AmiPacket;
}

export type Settle = (error: Error | null, result: AmiResult | null) => void;

type Stage = 'response' | 'list' | 'originate';

interface Pending {
  readonly action: string;
  readonly asyncOriginate: boolean;
  stage: Stage;
  response?: AmiPacket;
  events: AmiPacket[];
  dropped: number;
  readonly settle: Settle;
}

/**
 * Matches the packets of one connection to the actions it sent.
 *
 * Asterisk broadcasts OriginateResponse with the *originating* session's
 * ActionID, so an ActionID alone proves nothing: a packet is an answer only if
 * its kind fits what the pending action waits for (a Response, an item of an
 * open list, or the OriginateResponse of an async Originate).
 */
export class Correlator {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;
  /** Pending actions that wait for events (open lists, async Originates). */
  private waitingForEvents = 0;
  /** An action was given up (timed out): its late list items may still come. */
  private abandoned = false;

  /**
   * `prefix` must be unique per connection, so that late answers of an old
   * one can never match. A list keeps at most `maxListItems` items: past it
   * they are only counted, so a list that never completes holds bounded memory.
   */
  constructor(
    private readonly prefix: string,
    private readonly maxListItems = Infinity,
  ) {}

  nextActionId(): string {
    return `${this.prefix}${++this.counter}`;
  }

  get size(): number {
    return this.pending.size;
  }

  track(actionId: string, action: string, asyncOriginate: boolean, settle: Settle): void {
    this.pending.set(actionId, { action, asyncOriginate, stage: 'response', events: [], dropped: 0, settle });
  }

  /**
   * Offers a packet. Returns true when it was part of an answer and is not an
   * event for subscribers (responses, list items, stale answers of ours).
   */
  accept(packet: AmiPacket): boolean {
    const event = headerOf(packet, 'Event');
    // Most of the time nothing of ours can be among the events: don't even look for an ActionID.
    if (event !== undefined && this.waitingForEvents === 0 && !this.abandoned) return false;
    const id = headerOf(packet, 'ActionID');
    if (event === undefined) {
      if (id === undefined || headerOf(packet, 'Response') === undefined) return true;
      const p = this.pending.get(id);
      if (p !== undefined && p.stage === 'response') this.onResponse(id, p, packet);
      return true;
    }
    if (id === undefined) return false;
    if (event === 'OriginateResponse') {
      const p = this.pending.get(id);
      if (p !== undefined && p.stage === 'originate') {
        this.remove(id, p);
        if (headerOf(packet, 'Response') === 'Success')
          p.settle(null, { response: p.response!, events: p.events, originateResponse: packet });
        else p.settle(new AmiActionError(p.action, originateFailure(packet), packet), null);
      }
      // Still an ordinary call event for subscribers, ours or not.
      return false;
    }
    const p = this.pending.get(id);
    if (p !== undefined && p.stage === 'list') {
      if (isListEnd(headerOf(packet, 'EventList'))) {
        this.remove(id, p);
        p.settle(null, { response: p.response!, events: p.events, complete: packet, ...(p.dropped ? { dropped: p.dropped } : {}) });
      } else if (p.events.length < this.maxListItems) {
        p.events.push(packet);
      } else {
        p.dropped++;
      }
      return true;
    }
    // A late list item of an action of ours that timed out: not a live event.
    return id.startsWith(this.prefix);
  }

  /** Settles one pending action with `error` (its timeout); false when it was already settled. */
  cancel(actionId: string, error: Error): boolean {
    const p = this.pending.get(actionId);
    if (p === undefined) return false;
    this.remove(actionId, p);
    this.abandoned = true;
    p.settle(error, null);
    return true;
  }

  /** Fails every pending action, e.g. when the connection is gone. */
  failAll(makeError: (action: string) => Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.waitingForEvents = 0;
    for (const p of all) p.settle(makeError(p.action), null);
  }

  private remove(id: string, p: Pending): void {
    this.pending.delete(id);
    if (p.stage !== 'response') this.waitingForEvents--;
  }

  private onResponse(id: string, p: Pending, packet: AmiPacket): void {
    const f = packet.fields;
    const r = f.Response;
    if (r === 'Error' || r === 'Failure' || r === 'Fail') {
      this.pending.delete(id);
      p.settle(new AmiActionError(p.action, f.Message ?? r, packet), null);
      return;
    }
    p.response = packet;
    if (f.EventList !== undefined && f.EventList.toLowerCase() === 'start') {
      p.stage = 'list';
      this.waitingForEvents++;
    } else if (p.asyncOriginate) {
      p.stage = 'originate';
      this.waitingForEvents++;
    } else {
      this.pending.delete(id);
      p.settle(null, { response: packet, events: p.events });
    }
  }
}

function isListEnd(eventList: string | undefined): boolean {
  return eventList !== undefined && eventList.toLowerCase() === 'complete';
}

/** OriginateResponse has no Message; its Reason is Asterisk's AST_CONTROL code (0: no channel, 5: busy, 8: congestion…). */
function originateFailure(packet: AmiPacket): string {
  const f = packet.fields;
  return f.Message ?? `Originate failed (Reason: ${f.Reason ?? 'unknown'})`;
}

import type { Channel, PbxCore, Queue, QueueCaller } from './core';
import { DialFlow } from './dial';
import { PHONES, TRUNK, didOf } from './directory';
import { PARKING_CONTEXT, FIRST_SPACE, LAST_SPACE, ParkingLot } from './parking';
import { QueueFlow } from './queue-call';
import { ChanSpy } from './chanspy';
import { Talk } from './talk';
import { bridgeHeaders, channelHeaders } from './dialect';
import { ChannelState } from '@/lib/pbx/states';

/**
 * The demo PBX's dialplan and the call flows it runs: Dial to a phone or the
 * trunk, Queue with ringing members, an answered hold, Originate and Redirect.
 * Each flow emits its events in the order the recorded Asterisk 22 sessions show
 * for the `;1` legs of their Local channels (transcripts 01 and 02).
 */

export interface Timing {
  /** Seconds a phone rings before it is picked up. */
  answerAfter: [number, number];
  /** Seconds a phone or agent talks before hanging up. */
  talk: [number, number];
  /** Chance that a rung phone is not picked up at all. */
  noAnswer: number;
  /** Per endpoint (`201`), a ring time that overrides `answerAfter` (tests script who answers first). */
  answerAfterFor?: Record<string, [number, number]>;
}

export const DEFAULT_TIMING: Timing = { answerAfter: [2, 8], talk: [20, 120], noAnswer: 0.15 };

const DIAL_VARS = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

const phoneName = (exten: string) => PHONES.find((p) => p.exten === exten)?.name;

type Route =
  | { kind: 'phone'; exten: string }
  | { kind: 'queue'; queue: string }
  | { kind: 'hold' }
  | { kind: 'outbound'; number: string }
  | { kind: 'did'; queue: string }
  | { kind: 'pickup'; space: number };

export class Dialplan {
  timing: Timing = DEFAULT_TIMING;
  private readonly agentExtens = new Set<string>();
  readonly parking = new ParkingLot(this);
  /** ChanSpy sessions running now, so a spyee's hangup can end them. */
  readonly spies = new Set<ChanSpy>();

  constructor(readonly core: PbxCore) {
    for (const q of core.queues.values()) for (const m of q.members) this.agentExtens.add(m.interface.replace('PJSIP/', ''));
    [...core.queues.keys()].forEach((q, i) => (this.dids[didOf(i)] = q));
    core.onDeviceIdle = () => this.kickQueues();
    core.onBeforeHangup = (ch) => {
      for (const spy of [...this.spies]) spy.channelGone(ch);
    };
  }

  /** Inbound numbers on the trunk and the queue each one reaches. */
  readonly dids: Record<string, string> = {};

  route(context: string, exten: string): Route | undefined {
    const queues = [...this.core.queues.keys()];
    if (context === 'internal') {
      if (/^1\d\d$/.test(exten) && phoneName(exten)) return { kind: 'phone', exten };
      if (/^2\d\d$/.test(exten) && this.agentExtens.has(exten)) return { kind: 'phone', exten };
      // As on the recording PBX: 5[0-4]X reaches the first queue (sales), 5[5-9]X the second (support).
      if (/^5[0-4]\d$/.test(exten) && queues[0]) return { kind: 'queue', queue: queues[0] };
      if (/^5[5-9]\d$/.test(exten) && (queues[1] ?? queues[0])) return { kind: 'queue', queue: queues[1] ?? queues[0] };
      if (/^7\d\d$/.test(exten)) return { kind: 'hold' };
      if (/^9\d{6,15}$/.test(exten)) return { kind: 'outbound', number: exten.slice(1) };
    }
    if (context === 'from-trunk' && Object.hasOwn(this.dids, exten)) return { kind: 'did', queue: this.dids[exten] };
    // res_parking registers every space of the lot as ParkedCall(default,SPACE), parked in or not.
    if (context === PARKING_CONTEXT && /^\d+$/.test(exten) && Number(exten) >= FIRST_SPACE && Number(exten) <= LAST_SPACE) {
      return { kind: 'pickup', space: Number(exten) };
    }
    return undefined;
  }

  /** Whether an endpoint can be rung: a phone, an agent, or a number on the trunk. */
  endpointExists(endpoint: string): boolean {
    return !!phoneName(endpoint) || this.agentExtens.has(endpoint) || endpoint === TRUNK;
  }

  displayName(endpoint: string): string {
    if (phoneName(endpoint)) return phoneName(endpoint)!;
    for (const q of this.core.queues.values()) for (const m of q.members) if (m.interface === `PJSIP/${endpoint}`) return m.name;
    return '';
  }

  /** Runs the channel from (context, exten), as pbx_exec would after an answer, redirect or originate. */
  run(ch: Channel, context: string, exten: string): void {
    const core = this.core;
    const r = this.route(context, exten);
    if (!r) {
      core.newexten(ch, 'Hangup', '', { context, exten });
      core.hangup(ch, 1);
      return;
    }
    switch (r.kind) {
      case 'phone':
        this.dial(ch, r.exten, r.exten, { context, exten });
        return;
      case 'outbound':
        this.dial(ch, TRUNK, `${r.number}@${TRUNK}`, { context, exten }, r.number);
        return;
      case 'hold':
        this.hold(ch, { context, exten });
        return;
      case 'queue':
        core.newexten(ch, 'Set', `CALLERID(name)=Customer ${exten}`, { context, exten });
        core.setCallerId(ch, ch.callerNum, `Customer ${exten}`);
        this.queue(ch, r.queue);
        return;
      case 'pickup':
        this.parking.retrieve(ch, r.space);
        return;
      case 'did':
        core.newexten(ch, 'Answer', '', { context, exten });
        core.setState(ch, ChannelState.Up);
        this.armTalk(ch);
        core.newexten(ch, 'Set', `CALLERID(name)=${ch.callerName || 'Caller'}`);
        this.queue(ch, r.queue);
        return;
    }
  }

  /** A party hangs up on its own `talk` seconds after it answered (Wait(${TALK}) then Hangup in the recordings). */
  armTalk(ch: Channel, seconds = ch.talk): void {
    if (seconds === undefined) return;
    this.core.after(seconds, () => this.core.requestHangup(ch, 16, 'remote'));
  }

  /** Seconds until this endpoint picks up, or undefined if it will not. */
  ringTime(endpoint: string): number | undefined {
    const rng = this.core.rng;
    const [min, max] = this.timing.answerAfterFor?.[endpoint] ?? this.timing.answerAfter;
    if (rng.chance(this.timing.noAnswer)) return undefined;
    return rng.int(min, max);
  }

  randomTalk(): number {
    return this.core.rng.int(this.timing.talk[0], this.timing.talk[1]);
  }

  /** Moves a channel elsewhere in the dialplan (Redirect action, blind transfer). */
  redirect(ch: Channel, context: string, exten: string): void {
    const owner = ch.owner;
    ch.owner = undefined;
    owner?.onRedirect?.(ch);
    if (!ch.alive) return;
    this.run(ch, context, exten);
  }

  /**
   * ast_bridge_transfer_blind from `transferer`'s side of a two-party bridge, in
   * transcript 09's order: the BlindTransfer event, the conversation counted
   * (AgentComplete), the transferee out of the bridge and into the dialplan at
   * context/exten (its dial keeps the Linkedid, so the call goes on), then the
   * transferer, alone, leaves and hangs up.
   */
  blindTransfer(transferer: Channel, context: string, exten: string): 'ok' | 'invalid' {
    const core = this.core;
    const b = transferer.bridge;
    const talk = transferer.owner;
    if (!b || b.channels.size !== 2 || !(talk instanceof Talk)) return 'invalid';
    const transferee = talk.peer(transferer);
    if (transferee.bridge !== b) return 'invalid';
    core.varSet(transferee, 'BLINDTRANSFER', transferer.name);
    core.varSet(transferer, 'BLINDTRANSFER', transferee.name);
    core.varSet(transferer, 'BRIDGEPEER', '');
    core.emit('BlindTransfer', [
      ['Result', 'Success'],
      ...channelHeaders(transferer, 'Transferer'),
      ...channelHeaders(transferee, 'Transferee'),
      ...bridgeHeaders(b),
      ['IsExternal', 'Yes'],
      ['Context', context],
      ['Extension', exten],
    ]);
    talk.release();
    core.varSet(transferee, 'BRIDGEPEER', '');
    core.bridgeLeave(transferee);
    this.run(transferee, context, exten);
    if (transferer.alive) {
      core.bridgeLeave(transferer);
      core.bridgeDestroy(b);
      core.hangup(transferer, 16);
    }
    return 'ok';
  }

  // ── Dial ────────────────────────────────────────────────────────────────

  dial(
    caller: Channel,
    endpoint: string,
    dialString: string,
    where: { context: string; exten: string },
    number?: string,
    timeoutSec = endpoint === TRUNK ? 60 : 20,
  ): void {
    const core = this.core;
    const target = endpoint === TRUNK ? `PJSIP/${dialString}` : `PJSIP/${endpoint}`;
    core.newexten(caller, 'Dial', `${target},${timeoutSec}`, where);
    for (const v of DIAL_VARS) core.varSet(caller, v, '');
    const callee = core.newChannel({
      endpoint,
      state: ChannelState.Down,
      context: endpoint === TRUNK ? 'from-trunk' : 'internal',
      exten: 's',
      linkedid: caller.linkedid,
    });
    core.varSet(callee, 'DIALEDPEERNUMBER', dialString);
    core.outgoingLine(callee, 'AppDial');
    core.setCallerId(callee, number ?? endpoint, number ? '' : this.displayName(endpoint));
    core.setConnected(callee, caller.callerNum, caller.callerName);
    core.dialBegin(caller, callee, dialString);
    new DialFlow(this, caller, callee, timeoutSec);
  }

  // ── Hold ────────────────────────────────────────────────────────────────

  hold(ch: Channel, where: { context: string; exten: string }): void {
    const core = this.core;
    core.newexten(ch, 'Answer', '', where);
    if (ch.state !== ChannelState.Up) {
      core.setState(ch, ChannelState.Up);
      this.armTalk(ch);
    }
    core.newexten(ch, 'MusicOnHold', 'default');
    ch.owner = {
      onHangup: (c, cause, by) => {
        if (by === 'remote') core.hangupRequest(c, cause);
        else core.softHangupRequest(c, cause);
        core.hangup(c, cause);
      },
    };
  }

  /** An originated channel running one application (Originate `Application:`), e.g. Wait or Playback. */
  application(ch: Channel, app: string, data: string): void {
    const core = this.core;
    if (app.toLowerCase() === 'chanspy') {
      new ChanSpy(this, ch, data);
      return;
    }
    core.newexten(ch, app, data, { context: ch.context, exten: ch.exten });
    ch.owner = {
      onHangup: (c, cause, by) => {
        if (by === 'remote') core.hangupRequest(c, cause);
        else core.softHangupRequest(c, cause);
        core.hangup(c, cause);
      },
    };
    const seconds = Number(data);
    if (app.toLowerCase() === 'wait' && Number.isFinite(seconds)) this.armTalk(ch, seconds);
  }

  // ── Queue ───────────────────────────────────────────────────────────────

  queue(caller: Channel, name: string): void {
    const core = this.core;
    const q = core.queues.get(name)!;
    core.newexten(caller, 'Queue', `${name},r,,,${q.def.timeout}`);
    const entry: QueueCaller = { ch: caller, joinedMs: core.now(), originalPosition: q.callers.length + 1 };
    q.callers.push(entry);
    core.chanEvent('QueueCallerJoin', caller, [
      ['Queue', name],
      ['Position', q.callers.length],
      ['Count', q.callers.length],
    ]);
    const flow = new QueueFlow(this, q, entry);
    caller.owner = flow;
    this.kickQueue(q);
  }

  kickQueues(): void {
    for (const q of this.core.queues.values()) this.kickQueue(q);
  }

  /** Rings free members for waiting callers, in queue order (autofill). */
  kickQueue(q: Queue): void {
    for (const entry of q.callers) {
      const flow = entry.ch.owner;
      if (!(flow instanceof QueueFlow) || flow.ringingCount() > 0) continue;
      const free = q.members.filter(
        (m) => !m.paused && !m.ringing && this.core.deviceState(m.interface.replace('PJSIP/', '')) === 'NOT_INUSE',
      );
      if (free.length === 0) return;
      if (q.def.strategy === 'ringall') {
        for (const m of free) flow.ring(m);
      } else {
        const order = [...q.members.keys()].map((i) => (i + q.lastMember + 1) % q.members.length);
        const next = order.map((i) => q.members[i]).find((m) => free.includes(m))!;
        q.lastMember = q.members.indexOf(next);
        flow.ring(next);
      }
    }
  }
}

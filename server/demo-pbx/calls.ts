import type { TimerHandle } from './scheduler';
import { recordAbandoned, recordCompleted, recordHold, type Channel, type ChannelOwner, type Member, type PbxCore, type Queue, type QueueCaller } from './core';
import { DIDS, PHONES, TRUNK } from './directory';

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
  'DIALSTATUS', 'DIALEDPEERNUMBER', 'DIALEDPEERNAME', 'ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME',
  'DIALEDTIME_MS', 'RINGTIME', 'RINGTIME_MS', 'PROGRESSTIME', 'PROGRESSTIME_MS',
];

const phoneName = (exten: string) => PHONES.find((p) => p.exten === exten)?.name;

type Route =
  | { kind: 'phone'; exten: string }
  | { kind: 'queue'; queue: string }
  | { kind: 'hold' }
  | { kind: 'outbound'; number: string }
  | { kind: 'did'; queue: string };

export class Dialplan {
  timing: Timing = DEFAULT_TIMING;
  private readonly agentExtens = new Set<string>();

  constructor(readonly core: PbxCore) {
    for (const q of core.queues.values()) for (const m of q.members) this.agentExtens.add(m.interface.replace('PJSIP/', ''));
    core.onDeviceIdle = () => this.kickQueues();
  }

  route(context: string, exten: string): Route | undefined {
    if (context === 'internal') {
      if (/^1\d\d$/.test(exten) && phoneName(exten)) return { kind: 'phone', exten };
      if (/^2\d\d$/.test(exten) && this.agentExtens.has(exten)) return { kind: 'phone', exten };
      if (/^5[0-4]\d$/.test(exten) && this.core.queues.has('sales')) return { kind: 'queue', queue: 'sales' };
      if (/^5[5-9]\d$/.test(exten) && this.core.queues.has('support')) return { kind: 'queue', queue: 'support' };
      if (/^6\d\d$/.test(exten)) {
        const q = [...this.core.queues.keys()][Number(exten[2])];
        if (q) return { kind: 'queue', queue: q };
      }
      if (/^7\d\d$/.test(exten)) return { kind: 'hold' };
      if (/^9\d{6,15}$/.test(exten)) return { kind: 'outbound', number: exten.slice(1) };
    }
    if (context === 'from-trunk' && DIDS[exten] && this.core.queues.has(DIDS[exten])) return { kind: 'did', queue: DIDS[exten] };
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
      case 'did':
        core.newexten(ch, 'Answer', '', { context, exten });
        core.setState(ch, 6);
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

  // ── Dial ────────────────────────────────────────────────────────────────

  dial(caller: Channel, endpoint: string, dialString: string, where: { context: string; exten: string }, number?: string): void {
    const core = this.core;
    const target = endpoint === TRUNK ? `PJSIP/${dialString}` : `PJSIP/${endpoint}`;
    core.newexten(caller, 'Dial', `${target},${endpoint === TRUNK ? 60 : 20}`, where);
    for (const v of DIAL_VARS) core.varSet(caller, v, '');
    const callee = core.newChannel({
      endpoint,
      state: 0,
      context: endpoint === TRUNK ? 'from-trunk' : 'internal',
      exten: 's',
      linkedid: caller.linkedid,
    });
    core.varSet(callee, 'DIALEDPEERNUMBER', dialString);
    core.outgoingLine(callee, 'AppDial');
    core.setCallerId(callee, number ?? endpoint, number ? '' : this.displayName(endpoint));
    core.setConnected(callee, caller.callerNum, caller.callerName);
    core.dialBegin(caller, callee, dialString);
    new DialFlow(this, caller, callee, endpoint === TRUNK ? 60 : 20);
  }

  // ── Hold ────────────────────────────────────────────────────────────────

  hold(ch: Channel, where: { context: string; exten: string }): void {
    const core = this.core;
    core.newexten(ch, 'Answer', '', where);
    if (ch.state !== 6) {
      core.setState(ch, 6);
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
      const free = q.members.filter((m) => !m.paused && !m.ringing && this.core.deviceState(m.interface.replace('PJSIP/', '')) === 'NOT_INUSE');
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

/** A Dial from `caller` to `callee`: ringing, then a bridged conversation. */
class DialFlow implements ChannelOwner {
  private ringTimer?: TimerHandle;
  private answered = false;
  private readonly startedMs: number;

  constructor(
    private readonly plan: Dialplan,
    private readonly caller: Channel,
    private readonly callee: Channel,
    timeout: number,
  ) {
    const core = plan.core;
    this.startedMs = core.now();
    caller.owner = this;
    callee.owner = this;
    core.setState(callee, 5);
    core.varSet(caller, 'RINGTIME', 0);
    core.varSet(caller, 'RINGTIME_MS', 0);
    core.dialState(caller, callee, 'RINGING');
    const after = plan.ringTime(callee.endpoint);
    if (after !== undefined && after < timeout) this.ringTimer = core.after(after, () => this.answer());
    else this.ringTimer = core.after(timeout, () => this.fail('NOANSWER', 16));
  }

  private answer(): void {
    const core = this.plan.core;
    const { caller, callee } = this;
    this.answered = true;
    core.setState(callee, 6);
    core.varSet(caller, 'DIALSTATUS', 'ANSWER');
    core.varSet(caller, 'DIALEDPEERNAME', callee.name);
    core.varSet(caller, 'DIALEDPEERNUMBER', callee.exten);
    core.dialEnd(caller, callee, 'ANSWER');
    if (caller.state !== 6) {
      core.setState(caller, 6);
      this.plan.armTalk(caller);
    }
    const bridge = core.bridgeCreate();
    core.outgoingLine(callee, 'AppDial');
    core.bridgeEnter(bridge, callee);
    core.bridgeEnter(bridge, caller);
    core.varSet(callee, 'BRIDGEPEER', caller.name);
    core.varSet(caller, 'BRIDGEPEER', callee.name);
    new Talk(this.plan, caller, callee, this.startedMs);
    this.plan.armTalk(callee, this.plan.randomTalk());
  }

  /** The callee never answered: Dial returns and the caller's dialplan ends. */
  private fail(status: string, cause: number): void {
    const core = this.plan.core;
    core.varSet(this.caller, 'DIALSTATUS', status);
    core.dialEnd(this.caller, this.callee, status);
    core.hangup(this.callee, cause);
    core.newexten(this.caller, 'Hangup', '');
    core.hangup(this.caller, cause);
  }

  onHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void {
    if (this.answered) return;
    const core = this.plan.core;
    core.cancel(this.ringTimer);
    if (by === 'remote') core.hangupRequest(ch, cause);
    else core.softHangupRequest(ch, cause);
    if (ch === this.caller) {
      core.dialEnd(this.caller, this.callee, 'CANCEL');
      core.hangup(this.callee, cause);
      core.hangup(this.caller, cause);
    } else {
      this.fail(by === 'action' ? 'CANCEL' : 'BUSY', 17);
    }
  }

  onRedirect(ch: Channel): void {
    const core = this.plan.core;
    core.cancel(this.ringTimer);
    if (ch === this.caller) {
      core.dialEnd(this.caller, this.callee, 'CANCEL');
      core.hangup(this.callee, 16);
    } else {
      this.fail('CANCEL', 16);
    }
  }
}

/**
 * Two parties in a bridge. Whoever hangs up first ends it for both, in the order
 * transcript 01 (caller hangs up) and 02 (agent hangs up) show.
 */
class Talk implements ChannelOwner {
  private readonly bridgedMs: number;

  constructor(
    private readonly plan: Dialplan,
    private readonly caller: Channel,
    private readonly callee: Channel,
    private readonly startedMs: number,
    private readonly onEnd?: (reason: 'caller' | 'agent' | 'transfer', talkSeconds: number) => void,
  ) {
    this.bridgedMs = plan.core.now();
    caller.owner = this;
    callee.owner = this;
  }

  onHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void {
    const core = this.plan.core;
    const { caller, callee } = this;
    const bridge = caller.bridge ?? callee.bridge;
    if (by === 'remote') core.hangupRequest(ch, cause);
    else core.softHangupRequest(ch, cause);
    this.onEnd?.(ch === caller ? 'caller' : 'agent', this.talkSeconds());
    if (caller.alive) core.varSet(caller, 'BRIDGEPEER', '');
    if (callee.alive) core.varSet(callee, 'BRIDGEPEER', '');
    if (ch === caller) {
      core.bridgeLeave(caller);
      this.dialVars();
      if (by === 'remote') core.softHangupRequest(caller, cause);
      core.hangup(caller, cause);
      core.bridgeLeave(callee);
      if (bridge) core.bridgeDestroy(bridge);
      core.hangup(callee, cause);
    } else {
      core.bridgeLeave(callee);
      core.bridgeLeave(caller);
      core.softHangupRequest(caller, 16);
      core.hangup(caller, 16);
      if (bridge) core.bridgeDestroy(bridge);
      core.hangup(callee, cause);
    }
  }

  onRedirect(ch: Channel): void {
    const core = this.plan.core;
    const other = ch === this.caller ? this.callee : this.caller;
    const bridge = ch.bridge;
    this.onEnd?.('transfer', this.talkSeconds());
    core.varSet(ch, 'BRIDGEPEER', '');
    core.varSet(other, 'BRIDGEPEER', '');
    core.bridgeLeave(ch);
    core.bridgeLeave(other);
    if (bridge) core.bridgeDestroy(bridge);
    if (other === this.caller) core.softHangupRequest(other, 16);
    core.hangup(other, 16);
  }

  private talkSeconds(): number {
    return Math.round((this.plan.core.now() - this.bridgedMs) / 1000);
  }

  private dialVars(): void {
    const core = this.plan.core;
    const talkMs = core.now() - this.bridgedMs;
    const dialMs = core.now() - this.startedMs;
    core.varSet(this.caller, 'ANSWEREDTIME', Math.floor(talkMs / 1000));
    core.varSet(this.caller, 'ANSWEREDTIME_MS', Math.floor(talkMs));
    core.varSet(this.caller, 'DIALEDTIME', Math.floor(dialMs / 1000));
    core.varSet(this.caller, 'DIALEDTIME_MS', Math.floor(dialMs));
    core.varSet(this.caller, 'DIALSTATUS', 'ANSWER');
  }
}

/** A caller waiting in a queue, and the members being rung for it. */
class QueueFlow implements ChannelOwner {
  private readonly ringing = new Map<Member, { ch: Channel; timer: TimerHandle; startedMs: number }>();
  private readonly timeout: TimerHandle;
  private done = false;

  constructor(
    private readonly plan: Dialplan,
    private readonly q: Queue,
    private readonly entry: QueueCaller,
  ) {
    this.timeout = plan.core.after(q.def.timeout, () => this.timedOut());
  }

  ringingCount(): number {
    return this.ringing.size;
  }

  ring(m: Member): void {
    const core = this.plan.core;
    const caller = this.entry.ch;
    const endpoint = m.interface.replace('PJSIP/', '');
    const agent = core.newChannel({ endpoint, state: 0, context: 'agents', exten: 's', linkedid: caller.linkedid });
    m.ringing = this;
    core.outgoingLine(agent, 'AppQueue');
    core.setCallerId(agent, caller.callerNum, caller.callerName);
    core.varSet(agent, 'DIALEDPEERNUMBER', endpoint);
    core.pairEvent('AgentCalled', caller, agent, [
      ['Queue', this.q.def.name],
      ['Interface', m.interface],
      ['MemberName', m.name],
    ]);
    core.dialBegin(caller, agent, m.interface);
    core.setState(agent, 5);
    agent.owner = { onHangup: (_c, cause, by) => this.memberRejected(m, cause, by) };
    const after = this.plan.ringTime(endpoint);
    const timer = after !== undefined && after < this.q.def.memberTimeout ? core.after(after, () => this.connect(m)) : core.after(this.q.def.memberTimeout, () => this.noAnswer(m));
    this.ringing.set(m, { ch: agent, timer, startedMs: core.now() });
  }

  private stopRinging(m: Member, status: string, cause: number, twice = false): void {
    const core = this.plan.core;
    const r = this.ringing.get(m);
    if (!r) return;
    this.ringing.delete(m);
    m.ringing = undefined;
    core.cancel(r.timer);
    core.dialEnd(this.entry.ch, r.ch, status);
    // app_queue reports a cancelled ringall member twice (ring_entry and hangupcalls), as in transcript 02.
    if (twice) core.dialEnd(this.entry.ch, r.ch, status);
    core.hangup(r.ch, cause);
  }

  private cancelAll(): void {
    for (const m of [...this.ringing.keys()]) this.stopRinging(m, 'CANCEL', 16);
  }

  private noAnswer(m: Member): void {
    const core = this.plan.core;
    const r = this.ringing.get(m);
    if (!r) return;
    core.pairEvent('AgentRingNoAnswer', this.entry.ch, r.ch, [
      ['Queue', this.q.def.name],
      ['Interface', m.interface],
      ['MemberName', m.name],
      ['RingTime', Math.round((core.now() - r.startedMs) / 1000)],
    ]);
    this.stopRinging(m, 'NOANSWER', 16);
    core.after(3, () => this.plan.kickQueue(this.q));
  }

  private memberRejected(m: Member, cause: number, by: 'remote' | 'action'): void {
    const core = this.plan.core;
    const r = this.ringing.get(m);
    if (!r) return;
    if (by === 'remote') core.hangupRequest(r.ch, cause);
    else core.softHangupRequest(r.ch, cause);
    this.stopRinging(m, 'BUSY', 17);
    core.after(3, () => this.plan.kickQueue(this.q));
  }

  /** Leaves the queue's caller list; returns the position it held. */
  private leave(): number {
    const core = this.plan.core;
    this.done = true;
    core.cancel(this.timeout);
    const pos = this.q.callers.indexOf(this.entry) + 1;
    this.q.callers = this.q.callers.filter((e) => e !== this.entry);
    return pos;
  }

  private callerLeave(pos: number): void {
    const core = this.plan.core;
    core.chanEvent('QueueCallerLeave', this.entry.ch, [
      ['Queue', this.q.def.name],
      ['Position', pos],
      ['Count', this.q.callers.length],
    ]);
    core.varSet(this.entry.ch, 'QUEUEPOSITION', pos);
  }

  private connect(m: Member): void {
    const core = this.plan.core;
    const r = this.ringing.get(m);
    if (!r || this.done) return;
    const caller = this.entry.ch;
    const agent = r.ch;
    this.ringing.delete(m);
    m.ringing = undefined;
    core.cancel(r.timer);
    core.setState(agent, 6);
    core.outgoingLine(agent, 'AppQueue');
    core.setConnected(agent, caller.callerNum, caller.callerName);
    core.dialEnd(caller, agent, 'ANSWER');
    for (const other of [...this.ringing.keys()]) this.stopRinging(other, 'CANCEL', 26, true);
    const pos = this.leave();
    this.callerLeave(pos);
    const holdTime = Math.round((core.now() - this.entry.joinedMs) / 1000);
    recordHold(this.q, holdTime);
    core.pairEvent('AgentConnect', caller, agent, [
      ['Queue', this.q.def.name],
      ['Interface', m.interface],
      ['MemberName', m.name],
      ['HoldTime', holdTime],
      ['RingTime', Math.round((core.now() - r.startedMs) / 1000)],
    ]);
    core.bridgePair(agent, caller);
    m.inCall = true;
    new Talk(this.plan, caller, agent, this.entry.joinedMs, (reason, talk) => {
      // app_queue's update_queue: the member's call is over and counted.
      recordCompleted(this.q, holdTime, talk);
      m.inCall = false;
      m.callsTaken++;
      m.lastCall = Math.floor(core.now() / 1000);
      core.pairEvent('AgentComplete', caller.alive ? caller : undefined, agent.alive ? agent : undefined, [
        ['Queue', this.q.def.name],
        ['Interface', m.interface],
        ['MemberName', m.name],
        ['HoldTime', holdTime],
        ['TalkTime', talk],
        ['Reason', reason],
      ]);
    });
    this.plan.armTalk(agent, this.plan.randomTalk());
  }

  private timedOut(): void {
    if (this.done) return;
    const core = this.plan.core;
    this.cancelAll();
    const pos = this.leave();
    this.callerLeave(pos);
    core.newexten(this.entry.ch, 'Hangup', '');
    core.hangup(this.entry.ch, 16);
  }

  onHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void {
    if (this.done) return;
    const core = this.plan.core;
    if (by === 'remote') core.hangupRequest(ch, cause);
    this.cancelAll();
    const holdTime = Math.round((core.now() - this.entry.joinedMs) / 1000);
    const pos = this.q.callers.indexOf(this.entry) + 1;
    core.varSet(ch, 'ABANDONED', 'TRUE');
    core.chanEvent('QueueCallerAbandon', ch, [
      ['Queue', this.q.def.name],
      ['Position', pos],
      ['OriginalPosition', this.entry.originalPosition],
      ['HoldTime', holdTime],
    ]);
    recordAbandoned(this.q, holdTime);
    this.leave();
    this.callerLeave(pos);
    if (by === 'action') core.softHangupRequest(ch, cause);
    core.hangup(ch, by === 'action' ? 0 : cause);
  }

  onRedirect(): void {
    if (this.done) return;
    this.cancelAll();
    const pos = this.leave();
    this.callerLeave(pos);
  }
}

export { Talk };

import {
  recordAbandoned,
  recordCompleted,
  recordHold,
  type Channel,
  type ChannelOwner,
  type Member,
  type Queue,
  type QueueCaller,
} from './core';
import type { Dialplan } from './dialplan';
import type { TimerHandle } from './scheduler';
import { Talk } from './talk';
import { ChannelState } from '@/lib/pbx/states';

/** A caller waiting in a queue, and the members being rung for it. */
export class QueueFlow implements ChannelOwner {
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
    const agent = core.newChannel({ endpoint, state: ChannelState.Down, context: 'agents', exten: 's', linkedid: caller.linkedid });
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
    core.setState(agent, ChannelState.Ringing);
    agent.owner = { onHangup: (_c, cause, by) => this.memberRejected(m, cause, by) };
    const after = this.plan.ringTime(endpoint);
    const timer =
      after !== undefined && after < this.q.def.memberTimeout
        ? core.after(after, () => this.connect(m))
        : core.after(this.q.def.memberTimeout, () => this.noAnswer(m));
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
    core.setState(agent, ChannelState.Up);
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

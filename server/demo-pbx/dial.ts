import type { Channel, ChannelOwner } from './core';
import type { Dialplan } from './dialplan';
import type { TimerHandle } from './scheduler';
import { Talk } from './talk';
import { ChannelState } from '@/lib/pbx/states';

/** A Dial from `caller` to `callee`: ringing, then a bridged conversation. */
export class DialFlow implements ChannelOwner {
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
    core.setState(callee, ChannelState.Ringing);
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
    core.setState(callee, ChannelState.Up);
    core.varSet(caller, 'DIALSTATUS', 'ANSWER');
    core.varSet(caller, 'DIALEDPEERNAME', callee.name);
    core.varSet(caller, 'DIALEDPEERNUMBER', callee.exten);
    core.dialEnd(caller, callee, 'ANSWER');
    if (caller.state !== ChannelState.Up) {
      core.setState(caller, ChannelState.Up);
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

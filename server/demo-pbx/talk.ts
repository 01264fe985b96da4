import type { Channel, ChannelOwner } from './core';
import type { Dialplan } from './dialplan';

/**
 * Two parties in a bridge. Whoever hangs up first ends it for both, in the order
 * transcript 01 (caller hangs up) and 02 (agent hangs up) show.
 */
export class Talk implements ChannelOwner {
  private readonly bridgedMs: number;
  private released = false;

  constructor(
    private readonly plan: Dialplan,
    readonly caller: Channel,
    readonly callee: Channel,
    private readonly startedMs: number,
    private readonly onEnd?: (reason: 'caller' | 'agent' | 'transfer', talkSeconds: number) => void,
    /**
     * The callee runs dialplan of its own (a parked call's retriever), so a redirect
     * of the caller asks it to hang up (SoftHangupRequest) as transcript 09 shows,
     * rather than dropping a dialled leg.
     */
    private readonly calleeRunsDialplan = false,
  ) {
    this.bridgedMs = plan.core.now();
    caller.owner = this;
    callee.owner = this;
  }

  /** The other party of `ch` in this conversation. */
  peer(ch: Channel): Channel {
    return ch === this.caller ? this.callee : this.caller;
  }

  /**
   * Both parties leave the conversation without it hanging either up (a blind
   * transfer, a park, a dual redirect): it is over and counted, and whoever
   * called `release` now decides what becomes of each channel.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.caller.owner === this) this.caller.owner = undefined;
    if (this.callee.owner === this) this.callee.owner = undefined;
    this.onEnd?.('transfer', this.talkSeconds());
  }

  onHangup(ch: Channel, cause: number, by: 'remote' | 'action'): void {
    const core = this.plan.core;
    const { caller, callee } = this;
    const bridge = caller.bridge ?? callee.bridge;
    if (by === 'remote') core.hangupRequest(ch, cause);
    else core.softHangupRequest(ch, cause);
    this.released = true;
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
    this.released = true;
    this.onEnd?.('transfer', this.talkSeconds());
    core.varSet(ch, 'BRIDGEPEER', '');
    core.varSet(other, 'BRIDGEPEER', '');
    core.bridgeLeave(ch);
    core.bridgeLeave(other);
    if (bridge) core.bridgeDestroy(bridge);
    if (other === this.caller || this.calleeRunsDialplan) core.softHangupRequest(other, 16);
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

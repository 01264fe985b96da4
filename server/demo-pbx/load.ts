import type { Dialplan } from './dialplan';
import { Talk } from './talk';
import type { Channel, PbxCore } from './core';
import { CUSTOMER_NAMES, PHONES, TRUNK } from './directory';
import { ChannelState } from '@/lib/pbx/states';

export interface LoadOptions {
  /** Live channels to hold (two per bridged call), up to 5,000. */
  channels: number;
  /** Events per second to generate, up to a few thousand. */
  eventsPerSec: number;
}

const TICK_MS = 50;
const MAX_QUEUE_CALLERS = 12;

/**
 * Load mode for benchmarks: a big population of bridged calls with steady churn
 * (calls ending and starting, caller-id and dialplan updates) plus queue callers,
 * paced per 50 ms tick. Sessions batch each tick's events into one write.
 */
export class LoadGenerator {
  private readonly pairs: [Channel, Channel][] = [];
  private readonly timer: NodeJS.Timeout;
  private credit = 0;
  private lastTick = performance.now();
  private serial = 0;

  constructor(
    private readonly core: PbxCore,
    private readonly plan: Dialplan,
    private readonly options: LoadOptions,
  ) {
    const target = Math.floor(Math.min(options.channels, 10_000) / 2);
    for (let i = 0; i < target; i++) this.startPair();
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const core = this.core;
    const rng = core.rng;
    // Pace by the time that really passed, so a late tick does not lower the rate; a long stall is not made up.
    const now = performance.now();
    const elapsed = Math.min(250, now - this.lastTick);
    this.lastTick = now;
    this.credit += (this.options.eventsPerSec * elapsed) / 1000;
    const target = Math.floor(Math.min(this.options.channels, 10_000) / 2);
    this.prune();
    while (this.credit >= 1) {
      const before = core.eventsEmitted;
      const r = rng.next();
      if (this.pairs.length < target || (r < 0.12 && this.pairs.length > 0)) {
        if (this.pairs.length >= target) this.endPair(rng.int(0, this.pairs.length - 1));
        this.startPair();
      } else if (r < 0.2) {
        this.queueCaller();
      } else if (this.pairs.length > 0) {
        const [a, b] = this.pairs[rng.int(0, this.pairs.length - 1)];
        const ch = rng.chance(0.5) ? a : b;
        if (r < 0.6) core.setCallerId(ch, ch.callerNum, rng.pick(CUSTOMER_NAMES));
        else core.newexten(ch, ch === a ? 'Dial' : 'AppDial', ch === a ? `PJSIP/${b.endpoint},20` : '(Outgoing Line)');
      } else {
        this.startPair();
      }
      this.credit -= Math.max(1, core.eventsEmitted - before);
    }
  }

  /** A trunk call answered by a phone: the same events as a real Dial, without the timers. */
  private startPair(): void {
    const core = this.core;
    const rng = core.rng;
    const phone = PHONES[this.serial++ % PHONES.length];
    const caller = core.newChannel({
      endpoint: TRUNK,
      state: ChannelState.Ring,
      context: 'from-trunk',
      exten: phone.exten,
      callerNum: `+1555${rng.int(1000000, 9999999)}`,
      callerName: rng.pick(CUSTOMER_NAMES),
    });
    core.newexten(caller, 'Dial', `PJSIP/${phone.exten},20`);
    const callee = core.newChannel({
      endpoint: phone.exten,
      state: ChannelState.Down,
      context: 'internal',
      exten: 's',
      linkedid: caller.linkedid,
    });
    core.setCallerId(callee, phone.exten, phone.name);
    core.dialBegin(caller, callee, phone.exten);
    core.setState(callee, ChannelState.Ringing);
    core.setState(callee, ChannelState.Up);
    core.dialEnd(caller, callee, 'ANSWER');
    core.setState(caller, ChannelState.Up);
    const bridge = core.bridgeCreate();
    core.bridgeEnter(bridge, callee);
    core.bridgeEnter(bridge, caller);
    new Talk(this.plan, caller, callee, core.now());
    core.processedCalls++;
    this.pairs.push([caller, callee]);
  }

  private endPair(index: number): void {
    const [caller, callee] = this.pairs[index];
    this.pairs[index] = this.pairs[this.pairs.length - 1];
    this.pairs.pop();
    const hanger = this.core.rng.chance(0.5) ? caller : callee;
    if (hanger.alive) this.core.requestHangup(hanger, 16, 'remote');
  }

  /** Drops pairs an action or a fault already ended. */
  private prune(): void {
    for (let i = this.pairs.length - 1; i >= 0; i--) {
      const [a, b] = this.pairs[i];
      if (a.alive && b.alive) continue;
      if (a.alive) this.core.requestHangup(a, 16, 'remote');
      if (b.alive) this.core.requestHangup(b, 16, 'remote');
      this.pairs[i] = this.pairs[this.pairs.length - 1];
      this.pairs.pop();
    }
  }

  private queueCaller(): void {
    const core = this.core;
    const waiting = [...core.queues.values()].reduce((n, q) => n + q.callers.length, 0);
    const dids = Object.keys(this.plan.dids);
    if (waiting >= MAX_QUEUE_CALLERS || dids.length === 0) return;
    const did = core.rng.pick(dids);
    const caller = core.newChannel({
      endpoint: TRUNK,
      state: ChannelState.Ring,
      context: 'from-trunk',
      exten: did,
      callerNum: `+1555${core.rng.int(1000000, 9999999)}`,
      callerName: core.rng.pick(CUSTOMER_NAMES),
    });
    caller.talk = core.rng.int(2, 20);
    core.processedCalls++;
    this.plan.run(caller, 'from-trunk', did);
  }
}

import type { TimerHandle } from './scheduler';
import type { Dialplan } from './dialplan';
import type { Channel, PbxCore } from './core';
import { CUSTOMER_NAMES, PAUSE_REASONS, PHONES, TRUNK } from './directory';
import { ChannelState } from '@/lib/pbx/states';

export interface TrafficOptions {
  /** New calls per minute, on average (Poisson arrivals). */
  callsPerMinute?: number;
  /** No new call starts while this many are up. */
  maxConcurrentCalls?: number;
  enabled?: boolean;
}

export const DEFAULT_TRAFFIC: Required<TrafficOptions> = { callsPerMinute: 12, maxConcurrentCalls: 16, enabled: true };

/**
 * Lively but readable traffic: internal calls, trunk calls into the queues,
 * outbound calls, answered holds, blind transfers and agents pausing. Every
 * choice comes from the PBX's seeded RNG, so a seed replays the same calls.
 */
export class Traffic {
  private options: Required<TrafficOptions>;
  private nextCall?: TimerHandle;
  private nextPause?: TimerHandle;
  private nextTransfer?: TimerHandle;

  constructor(
    private readonly core: PbxCore,
    private readonly plan: Dialplan,
    options: TrafficOptions = {},
  ) {
    this.options = { ...DEFAULT_TRAFFIC, ...options };
    if (this.options.enabled) this.start();
  }

  get settings(): Required<TrafficOptions> {
    return { ...this.options };
  }

  set(options: TrafficOptions): void {
    this.options = { ...this.options, ...options };
    this.stop();
    if (this.options.enabled) this.start();
  }

  stop(): void {
    this.core.cancel(this.nextCall);
    this.core.cancel(this.nextPause);
    this.core.cancel(this.nextTransfer);
    this.nextCall = this.nextPause = this.nextTransfer = undefined;
  }

  private start(): void {
    this.scheduleCall();
    this.nextPause = this.core.after(this.core.rng.int(10, 30), () => this.pauseTick());
    this.nextTransfer = this.core.after(this.core.rng.int(30, 60), () => this.transferTick());
  }

  private scheduleCall(): void {
    const perSecond = Math.max(0.001, this.options.callsPerMinute / 60);
    const gap = -Math.log(1 - this.core.rng.next()) / perSecond;
    this.nextCall = this.core.after(Math.min(gap, 3600), () => {
      if (this.core.callCount() < this.options.maxConcurrentCalls) this.startCall();
      this.scheduleCall();
    });
  }

  private idlePhone(except?: string): string | undefined {
    const free = PHONES.filter((p) => p.exten !== except && this.core.deviceState(p.exten) === 'NOT_INUSE');
    return free.length ? this.core.rng.pick(free).exten : undefined;
  }

  private phoneCall(exten: string, from: string): Channel {
    const phone = PHONES.find((p) => p.exten === from)!;
    const ch = this.core.newChannel({
      endpoint: from,
      state: ChannelState.Ring,
      context: 'internal',
      exten,
      callerNum: from,
      callerName: phone.name,
    });
    ch.talk = this.plan.randomTalk();
    return ch;
  }

  /** One new call of a random kind. */
  startCall(): void {
    const { core, plan } = this;
    const rng = core.rng;
    const kind = rng.next();
    core.processedCalls++;
    const dids = Object.keys(plan.dids);
    if (kind < 0.45 && dids.length > 0) {
      const did = rng.pick(dids);
      const caller = core.newChannel({
        endpoint: TRUNK,
        state: ChannelState.Ring,
        context: 'from-trunk',
        exten: did,
        callerNum: `+1555${rng.int(1000000, 9999999)}`,
        callerName: rng.pick(CUSTOMER_NAMES),
      });
      // Patience and conversation in one: abandons if no agent answers in time.
      caller.talk = rng.int(25, 150);
      plan.run(caller, 'from-trunk', did);
      return;
    }
    const from = this.idlePhone();
    if (!from) return;
    if (kind < 0.8) {
      const to = this.idlePhone(from) ?? rng.pick(PHONES).exten;
      plan.run(this.phoneCall(to, from), 'internal', to);
    } else if (kind < 0.95) {
      const exten = `9${rng.int(2000000000, 9999999999)}`;
      plan.run(this.phoneCall(exten, from), 'internal', exten);
    } else {
      const exten = `7${rng.int(0, 99).toString().padStart(2, '0')}`;
      const ch = this.phoneCall(exten, from);
      plan.run(ch, 'internal', exten);
    }
  }

  private pauseTick(): void {
    const { core } = this;
    const members = [...core.queues.values()].flatMap((q) => q.members);
    const interfaces = [...new Set(members.map((m) => m.interface))];
    // An agent a supervisor paused stays paused until someone resumes it; the simulation only undoes its own pauses.
    const paused = interfaces.filter(
      (i) => members.some((m) => m.interface === i && m.paused) && !members.some((m) => m.interface === i && m.pausedByAction),
    );
    if (paused.length > 0 && (paused.length >= 2 || core.rng.chance(0.5))) {
      const iface = core.rng.pick(paused);
      for (const m of core.findMembers(iface)) core.setPaused(m, false, '');
      this.plan.kickQueues();
    } else {
      const iface = core.rng.pick(interfaces);
      const reason = core.rng.pick(PAUSE_REASONS);
      for (const m of core.findMembers(iface)) if (!m.paused) core.setPaused(m, true, reason);
    }
    this.nextPause = core.after(core.rng.int(15, 45), () => this.pauseTick());
  }

  /** A blind transfer: the called party sends the caller on to another phone. */
  private transferTick(): void {
    const { core, plan } = this;
    const bridged = [...core.bridges.values()].filter((b) => b.channels.size === 2);
    if (bridged.length > 0) {
      const b = core.rng.pick(bridged);
      // Bridges are entered callee first, so the second channel is the caller: the one transferred.
      const [transferer, transferee] = [...b.channels];
      const to = this.idlePhone(transferer.endpoint);
      if (to && transferee.alive) plan.redirect(transferee, 'internal', to);
    }
    this.nextTransfer = core.after(core.rng.int(30, 60), () => this.transferTick());
  }
}

import type { TimerHandle } from './scheduler';
import type { Dialplan } from './dialplan';
import type { Channel, PbxCore } from './core';
import { CUSTOMER_NAMES, PAUSE_REASONS, PHONES, TRUNK } from './directory';
import { originate } from './originate';
import { PARKING_CONTEXT, PARKING_TIMEOUT_SEC } from './parking';
import { Talk } from './talk';
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
 * outbound calls, answered holds, blind transfers, parked calls (picked up or
 * timing out) and agents pausing with a reason for a few minutes. Every choice
 * comes from the PBX's seeded RNG, so a seed replays the same calls.
 */
export class Traffic {
  private options: Required<TrafficOptions>;
  private nextCall?: TimerHandle;
  private nextPause?: TimerHandle;
  private nextTransfer?: TimerHandle;
  private nextPark?: TimerHandle;
  /** Agents the simulation paused, each with the timer that resumes it. */
  private readonly onBreak = new Map<string, TimerHandle | undefined>();
  private readonly pickups = new Set<TimerHandle>();

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
    this.core.cancel(this.nextPark);
    this.nextCall = this.nextPause = this.nextTransfer = this.nextPark = undefined;
    // Paused agents stay paused and parked calls stay parked (they still time out) until traffic runs again.
    for (const [iface, t] of this.onBreak) {
      this.core.cancel(t);
      this.onBreak.set(iface, undefined);
    }
    for (const t of this.pickups) this.core.cancel(t);
    this.pickups.clear();
  }

  private start(): void {
    this.scheduleCall();
    this.nextPause = this.core.after(this.core.rng.int(10, 30), () => this.pauseTick());
    this.nextTransfer = this.core.after(this.core.rng.int(30, 60), () => this.transferTick());
    this.nextPark = this.core.after(this.core.rng.int(40, 80), () => this.parkTick());
    for (const iface of [...this.onBreak.keys()]) this.resumeLater(iface);
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
      // Every phone busy: ring one anyway (it is busy), but never one that has no contact to ring.
      const reachable = PHONES.filter((p) => core.deviceState(p.exten) !== 'UNAVAILABLE');
      const to = this.idlePhone(from) ?? rng.pick(reachable.length ? reachable : PHONES).exten;
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

  /**
   * An agent goes on a break with a reason and comes back a few minutes later.
   * An agent a supervisor paused (pausedByAction) is left alone: it waits for
   * someone to resume it, and the simulation only undoes its own pauses.
   */
  private pauseTick(): void {
    const { core } = this;
    const members = [...core.queues.values()].flatMap((q) => q.members);
    const interfaces = [...new Set(members.map((m) => m.interface))];
    const free = interfaces.filter(
      (i) => !this.onBreak.has(i) && !members.some((m) => m.interface === i && (m.paused || m.pausedByAction)),
    );
    // Never more than a quarter of the agents away at once (at least one), so the queues keep moving.
    if (free.length > 0 && this.onBreak.size < Math.max(1, interfaces.length / 4)) {
      const iface = core.rng.pick(free);
      const reason = core.rng.pick(PAUSE_REASONS);
      for (const m of core.findMembers(iface)) if (!m.paused) core.setPaused(m, true, reason);
      this.onBreak.set(iface, undefined);
      this.resumeLater(iface);
    }
    this.nextPause = core.after(core.rng.int(30, 90), () => this.pauseTick());
  }

  private resumeLater(iface: string): void {
    const { core } = this;
    this.onBreak.set(
      iface,
      core.after(core.rng.int(60, 180), () => {
        this.onBreak.delete(iface);
        let resumed = false;
        for (const m of core.findMembers(iface)) {
          if (m.paused && !m.pausedByAction) {
            core.setPaused(m, false, '');
            resumed = true;
          }
        }
        if (resumed) this.plan.kickQueues();
      }),
    );
  }

  /** Two-party conversations, the called party first (bridges are entered callee first). */
  private conversations(): [Channel, Channel][] {
    const pairs: [Channel, Channel][] = [];
    for (const b of this.core.bridges.values()) {
      if (b.type !== 'basic' || b.channels.size !== 2) continue;
      const [callee, caller] = [...b.channels];
      if (callee.owner instanceof Talk && caller.owner === callee.owner && callee.alive && caller.alive) pairs.push([callee, caller]);
    }
    return pairs;
  }

  /** A blind transfer: the called party (an agent, a phone) sends the caller on to another phone. */
  private transferTick(): void {
    const { core, plan } = this;
    const pairs = this.conversations();
    if (pairs.length > 0) {
      const [transferer] = core.rng.pick(pairs);
      const to = this.idlePhone(transferer.endpoint);
      if (to) plan.blindTransfer(transferer, 'internal', to);
    }
    this.nextTransfer = core.after(core.rng.int(30, 60), () => this.transferTick());
  }

  /**
   * The called party parks the caller (a bridged Park: it hangs up, and the call
   * returns to it when the lot's time is up). Most parked calls are picked up by
   * an idle phone before that; the rest time out.
   */
  private parkTick(): void {
    const { core, plan } = this;
    const pairs = this.conversations();
    if (pairs.length > 0 && plan.parking.freeSpace() !== undefined) {
      const [parker, parkee] = core.rng.pick(pairs);
      const pu = plan.parking.park(parkee, `PJSIP/${parker.endpoint}`, PARKING_TIMEOUT_SEC, parker.name);
      if (pu && core.rng.chance(0.6)) {
        const t = core.after(core.rng.int(5, Math.max(6, PARKING_TIMEOUT_SEC - 10)), () => {
          this.pickups.delete(t);
          const from = this.idlePhone();
          if (!from || plan.parking.get(pu.space) !== pu) return;
          originate(
            core,
            plan,
            {
              channel: `PJSIP/${from}`,
              context: PARKING_CONTEXT,
              exten: String(pu.space),
              callerNum: '',
              callerName: '',
              variables: {},
              timeoutSec: 30,
            },
            () => {},
          );
        });
        this.pickups.add(t);
      }
    }
    this.nextPark = core.after(core.rng.int(40, 80), () => this.parkTick());
  }
}

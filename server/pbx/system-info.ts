/**
 * The system panel's figures (lib/pbx/system.ts reads them):
 *
 * - CoreSettings and CoreStatus on every connect, after the lists' first
 *   action (the board's truth comes first), and again after a Reload;
 * - CoreStatus alone every `checkMs`, for the call counts;
 * - the AMI link's event rate, pushed at most every `linkEventsMs`.
 *
 * A status op goes out only when a figure changed, so an idle PBX costs one
 * CoreStatus a check and nothing on the socket. Both actions need
 * write=system or write=reporting (manager.c); a refusal is remembered until
 * the next connect, shown in `system.refused`, and never retried in a loop.
 * Asterisk's version also goes to the older `version` field.
 */
import { AmiActionError, type AmiClient } from '@/lib/ami/client';
import type { PbxState, PbxSystem } from '@/lib/pbx/model';
import { fromCoreSettings, fromCoreStatus, systemChanged } from '@/lib/pbx/system';
import { status, type Op } from '@/lib/protocol';
import type { Logger } from '../log';
import { EventRate } from './event-rate';

export const SYSTEM_CHECK_MS = 60_000;
export const LINK_EVENTS_MS = 5_000;

export interface SystemInfoOptions {
  client: Pick<AmiClient, 'send'>;
  state: PbxState;
  apply: (ops: readonly Op[]) => void;
  log: Logger;
  /** The link's generation now: an answer from an older link says nothing about this one. */
  generation: () => number;
  connected: () => boolean;
  now: () => number;
  timeoutMs: number;
  /** ms between CoreStatus checks; 0: only on connect and after a reload. */
  checkMs?: number;
  linkEventsMs?: number;
  /** The zone assumed for CoreStatus's local times when no FullyBooted gives the PBX's: the server's own by default. */
  fallbackUtcOffsetMin?: (at: number) => number;
}

// `|| 0`: in UTC the negation is -0, which Object.is (and so a test) tells from 0.
const serverZone = (at: number) => -new Date(at).getTimezoneOffset() || 0;

export class SystemInfo {
  readonly events = new EventRate();
  private readonly checkMs: number;
  private checkTimer: NodeJS.Timeout | null = null;
  private eventsTimer: NodeJS.Timeout | null = null;
  /** The generation whose link refused the actions: nothing more is asked of it. */
  private refusedOn = -1;
  private reading: Promise<void> | null = null;

  constructor(private readonly opts: SystemInfoOptions) {
    this.checkMs = opts.checkMs ?? SYSTEM_CHECK_MS;
  }

  start(): void {
    if (this.checkMs > 0 && this.checkTimer === null) {
      this.checkTimer = setInterval(() => void this.check(), this.checkMs);
      this.checkTimer.unref?.();
    }
    if (this.eventsTimer === null) {
      this.eventsTimer = setInterval(() => this.pushLinkEvents(), this.opts.linkEventsMs ?? LINK_EVENTS_MS);
      this.eventsTimer.unref?.();
    }
  }

  stop(): void {
    if (this.checkTimer !== null) clearInterval(this.checkTimer);
    if (this.eventsTimer !== null) clearInterval(this.eventsTimer);
    this.checkTimer = this.eventsTimer = null;
  }

  /** An event arrived on the link. */
  heard(at: number): void {
    this.events.count(at);
  }

  /** The link is up: its counts start afresh, and a refusal by the last link may not hold for this one. */
  onConnect(): void {
    this.events.reset();
    this.pushLinkEvents();
    void this.read(true);
  }

  /** A reload may change the settings (asterisk.conf) and moves the reload time. */
  afterReload(): void {
    void this.read(true);
  }

  /** The timer's CoreStatus (a test calls it with the time it injects). */
  check(): Promise<void> {
    return this.read(false);
  }

  /** The link's event figures, when they changed: a quiet link sends nothing. */
  pushLinkEvents(): void {
    const linkEvents = { perSec: this.events.perSec(this.opts.now()), total: this.events.total };
    const prev = this.opts.state.pbx.linkEvents;
    if (prev.perSec !== linkEvents.perSec || prev.total !== linkEvents.total) this.opts.apply([status({ linkEvents })]);
  }

  private read(settings: boolean): Promise<void> {
    const generation = this.opts.generation();
    if (!this.opts.connected() || this.refusedOn === generation) return Promise.resolve();
    // A check that finds a read going joins it; a connect or a reload reads again behind it, since it wants CoreSettings too.
    if (this.reading && !settings) return this.reading;
    const tracked: Promise<void> = (this.reading ?? Promise.resolve())
      .then(() => this.ask(generation, settings))
      .finally(() => {
        if (this.reading === tracked) this.reading = null;
      });
    this.reading = tracked;
    return tracked;
  }

  private async ask(generation: number, settings: boolean): Promise<void> {
    const { client, timeoutMs } = this.opts;
    const [coreSettings, coreStatus] = await Promise.allSettled([
      settings ? client.send({ Action: 'CoreSettings' }, { timeoutMs }) : Promise.resolve(undefined),
      client.send({ Action: 'CoreStatus' }, { timeoutMs }),
    ]);
    if (generation !== this.opts.generation()) return;
    const prev = this.opts.state.pbx.system;
    let next: PbxSystem = { ...prev, checkMs: this.checkMs };
    let refusal = '';
    for (const answer of [coreSettings, coreStatus]) {
      if (answer.status === 'rejected' && answer.reason instanceof AmiActionError) refusal ||= answer.reason.amiMessage || 'refused';
    }
    if (coreSettings.status === 'fulfilled' && coreSettings.value) next = fromCoreSettings(next, coreSettings.value.response.fields);
    if (coreStatus.status === 'fulfilled') {
      const at = this.opts.now();
      const read = fromCoreStatus(next, coreStatus.value.response.fields, (this.opts.fallbackUtcOffsetMin ?? serverZone)(at), at);
      // The time of an answer that changes nothing is no news.
      if (systemChanged(next, { ...read, checkedAt: next.checkedAt })) next = read;
    }
    if (refusal) {
      this.refusedOn = generation;
      if (!prev.refused)
        this.opts.log.info(
          { message: refusal },
          'Asterisk refused CoreSettings/CoreStatus (they need write=system or write=reporting); the system panel stays empty',
        );
      next.refused = refusal;
    } else if (coreStatus.status === 'fulfilled') {
      next.refused = '';
    }
    const ops: Op[] = [];
    if (systemChanged(prev, next)) ops.push(status({ system: next }));
    const version = next.asteriskVersion;
    if (version && version !== this.opts.state.pbx.version) ops.push(status({ version }));
    if (ops.length) this.opts.apply(ops);
  }
}

/**
 * One PBX's event-reader lease (docs/architecture.md, "Several nodes").
 *
 * Not holding: try to take it when the holder's TTL ends (Redis tells us
 * how long is left), and at least every `takeMs`. Holding: renew every
 * `renewMs`, and count it lost at our own deadline, `safetyMs` before the
 * TTL could end, counted from when the last successful renewal was *sent*.
 * So a holder that cannot reach Redis gives up before anyone else can win,
 * without needing Redis to tell it. Times are monotonic (performance.now):
 * a wall-clock step must not stretch a deadline.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PbxKeys } from './keys';
import { RELEASE_LEASE, RENEW_LEASE, TAKE_LEASE } from './scripts';

export interface LeaseTerm {
  /** What the lease key holds while this term lasts: the fenced scripts compare with it. */
  value: string;
  epoch: string;
  token: number;
}

export interface LeaseOptions {
  redis: Redis;
  keys: PbxKeys;
  /** This node's name, in the lease value (for operators reading Redis). */
  node: string;
  ttlMs?: number;
  renewMs?: number;
  takeMs?: number;
  safetyMs?: number;
  onGained(term: LeaseTerm): void;
  onLost(term: LeaseTerm, why: 'taken' | 'deadline' | 'released'): void;
  onError?(err: unknown): void;
}

/**
 * A 4 s TTL keeps a failover under the 5 s even when the reader dies
 * just after a renewal; renewing every second leaves two missed renewals
 * before the holder's own deadline (TTL − safety) ends its term.
 */
export const LEASE_DEFAULTS = { ttlMs: 4_000, renewMs: 1_000, takeMs: 1_000, safetyMs: 1_000 } as const;

/** Past the holder's TTL, so our attempt lands after Redis has expired it. */
const AFTER_EXPIRY_MS = 2;

export class Lease {
  private term: LeaseTerm | null = null;
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** Bumped on every change of term, so an answer to an older request is ignored. */
  private round = 0;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly takeMs: number;
  private readonly safetyMs: number;

  constructor(private readonly opts: LeaseOptions) {
    this.ttlMs = opts.ttlMs ?? LEASE_DEFAULTS.ttlMs;
    this.renewMs = opts.renewMs ?? LEASE_DEFAULTS.renewMs;
    this.takeMs = opts.takeMs ?? LEASE_DEFAULTS.takeMs;
    this.safetyMs = opts.safetyMs ?? LEASE_DEFAULTS.safetyMs;
    if (this.renewMs + this.safetyMs >= this.ttlMs) throw new Error('lease: renewMs + safetyMs must be below ttlMs');
  }

  get held(): LeaseTerm | null {
    return this.term;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops trying; a held lease is released so the next node need not wait for its TTL. */
  async stop(): Promise<void> {
    this.running = false;
    this.clear();
    const term = this.term;
    if (!term) return;
    this.lose('released');
    try {
      await this.opts.redis.eval(RELEASE_LEASE, 1, this.opts.keys.lease, term.value);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const round = this.round;
    const sentAt = performance.now();
    let next = this.takeMs;
    try {
      if (this.term) await this.renew(this.term, round, sentAt);
      else next = await this.take(round, sentAt);
    } catch (err) {
      // No answer: a holder keeps its deadline, which ends the term if Redis stays away.
      this.opts.onError?.(err);
    }
    this.schedule(this.term ? this.renewMs : next);
  }

  /** Resolves to when to try again if the lease is someone else's. */
  private async take(round: number, sentAt: number): Promise<number> {
    const { redis, keys, node } = this.opts;
    const won = (await redis.eval(TAKE_LEASE, 2, keys.lease, keys.fence, node, this.ttlMs, randomUUID())) as [string, number] | number;
    if (typeof won === 'number') return won >= 0 ? Math.min(this.takeMs, won + AFTER_EXPIRY_MS) : this.takeMs;
    const [epoch, token] = won;
    if (round !== this.round || !this.running) {
      // Won after we stopped: give it back at once, or the next node waits out the TTL for nothing.
      await redis.eval(RELEASE_LEASE, 1, keys.lease, `${node} ${epoch} ${token}`).catch((err: unknown) => this.opts.onError?.(err));
      return this.takeMs;
    }
    this.round++;
    this.term = { value: `${node} ${epoch} ${token}`, epoch, token: Number(token) };
    this.extendTo(sentAt);
    this.opts.onGained(this.term);
    return this.takeMs;
  }

  private async renew(term: LeaseTerm, round: number, sentAt: number): Promise<void> {
    const ok = await this.opts.redis.eval(RENEW_LEASE, 1, this.opts.keys.lease, term.value, this.ttlMs);
    if (round !== this.round) return;
    if (ok === 1) this.extendTo(sentAt);
    else this.lose('taken');
  }

  private extendTo(sentAt: number): void {
    this.deadline = sentAt + this.ttlMs - this.safetyMs;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => this.checkDeadline(), Math.max(0, this.deadline - performance.now()));
  }

  private checkDeadline(): void {
    this.deadlineTimer = null;
    if (!this.term) return;
    const left = this.deadline - performance.now();
    if (left > 0) {
      this.deadlineTimer = setTimeout(() => this.checkDeadline(), left);
      return;
    }
    this.lose('deadline');
    this.schedule(this.takeMs);
  }

  private lose(why: 'taken' | 'deadline' | 'released'): void {
    const term = this.term;
    if (!term) return;
    this.term = null;
    this.round++;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.opts.onLost(term, why);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

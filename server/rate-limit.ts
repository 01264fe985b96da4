/**
 * A sliding-window counter per key: at most `limit` hits within `windowMs`.
 * Keys expire on their own, so memory stays bounded by the active keys.
 */
export interface RateLimitResult {
  ok: boolean;
  /** When refused: how long until one more hit would pass. */
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts a hit unless it would pass the limit. */
  hit(key: string, now: number): RateLimitResult {
    const check = this.check(key, now);
    if (check.ok) this.hits.get(key)!.push(now);
    return check;
  }

  /** Whether a hit would pass, without counting one. */
  check(key: string, now: number): RateLimitResult {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return { ok: true, retryAfterMs: 0 };
    return { ok: false, retryAfterMs: recent[recent.length - this.limit] + this.windowMs - now };
  }

  /** Counts a hit even when over the limit (for failures that already happened). */
  record(key: string, now: number): void {
    this.recent(key, now).push(now);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private recent(key: string, now: number): number[] {
    let list = this.hits.get(key);
    if (!list) {
      if (this.hits.size >= 1024 && this.hits.size % 1024 === 0) this.sweep(now);
      list = [];
      this.hits.set(key, list);
    }
    const cut = now - this.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop] <= cut) drop++;
    if (drop) list.splice(0, drop);
    return list;
  }

  private sweep(now: number): void {
    for (const [key, list] of this.hits) if (!list.length || list[list.length - 1] <= now - this.windowMs) this.hits.delete(key);
  }
}

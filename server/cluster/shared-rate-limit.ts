/**
 * A user's action limit held across nodes: the same sliding window as
 * server/rate-limit.ts, counted in Redis (a sorted set of hit times per
 * user, trimmed to the window, in one script), so spreading requests over
 * nodes does not multiply it. When Redis cannot answer, the node's own
 * limiter decides: the limit then holds per node, never not at all.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiter, type RateLimitResult } from '../rate-limit';

/** KEYS: the user's key. ARGV: now ms, window ms, limit, a unique member. Returns {ok, retryAfterMs}. */
const HIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], n - tonumber(ARGV[3]), n - tonumber(ARGV[3]), 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
`;

export interface ActionLimiter {
  hit(key: string, now: number): RateLimitResult | Promise<RateLimitResult>;
}

export class SharedRateLimiter implements ActionLimiter {
  private readonly local: RateLimiter;

  constructor(
    private readonly redis: Redis,
    readonly limit: number,
    readonly windowMs: number,
    private readonly prefix = 'cb:rate:actions:',
  ) {
    this.local = new RateLimiter(limit, windowMs);
  }

  async hit(key: string, now: number): Promise<RateLimitResult> {
    try {
      // The user name goes in a key, hashed by nothing: user names are 1–64 of [A-Za-z0-9._@-] or `token:` and one.
      const [ok, retry] = (await this.redis.eval(
        HIT,
        1,
        this.prefix + key,
        now,
        this.windowMs,
        this.limit,
        randomBytes(6).toString('hex'),
      )) as [number, number];
      return { ok: ok === 1, retryAfterMs: Math.max(0, retry) };
    } catch {
      return this.local.hit(key, now);
    }
  }
}

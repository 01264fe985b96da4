/**
 * Per-user limits on REST writes that are not PBX actions (those have their
 * own limiter, shared across nodes): alert settings, acknowledgements and
 * snoozes, preferences. Each is audited, so a looping client would otherwise
 * cost a disk write and, on several nodes, a Redis round trip per request.
 */
import { RateLimiter } from '../rate-limit';
import type { ApiContext } from './api';
import { HttpError } from './util';

export const USER_LIMITS = {
  /** Rules, webhooks, test alerts. */
  'alert-config': { perMinute: 30, what: 'changes to alerts' },
  /** Acknowledging and snoozing alerts. */
  'alert-ack': { perMinute: 60, what: 'acknowledgements and snoozes' },
  preferences: { perMinute: 30, what: 'changes to your preferences' },
} as const;
export type UserLimit = keyof typeof USER_LIMITS;

/** One set of limiters per running server (tests start several in one process). */
const limiters = new WeakMap<ApiContext, Map<UserLimit, RateLimiter>>();

/** Counts one request of `user` against `kind`; over the limit, a 429 with Retry-After. */
export function spend(ctx: ApiContext, kind: UserLimit, user: string): void {
  let mine = limiters.get(ctx);
  if (!mine) limiters.set(ctx, (mine = new Map()));
  let limiter = mine.get(kind);
  if (!limiter) mine.set(kind, (limiter = new RateLimiter(USER_LIMITS[kind].perMinute, 60_000)));
  const limit = limiter.hit(user, ctx.now());
  if (limit.ok) return;
  const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
  throw new HttpError(429, `Too many ${USER_LIMITS[kind].what} at once; try again in ${seconds} s`, 'rate-limited', {
    'retry-after': String(seconds),
  });
}

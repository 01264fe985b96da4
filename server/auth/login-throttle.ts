/**
 * Login throttling without lockouts. Failures are counted per (user name,
 * address) and per address; past a few free failures each further attempt
 * from that pair waits twice as long as the one before (1 s, 2 s, 4 s … up to
 * a cap). Counts fade with a half-life, so an office NAT's typos are
 * forgotten on their own. Nothing is counted per user name alone: a
 * stranger's guesses from elsewhere never delay the real user, and a correct
 * password from an address that has not failed always gets through.
 */
export interface LoginThrottleOptions {
  /** Failures of one user name from one address before delays start. */
  freeFailures: number;
  /** Failures from one address, whatever the names, before delays start. */
  addressFreeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A failure of a (user, address) pair counts half after this long, a quarter
   * after twice this, … Long, so a patient guesser stays at the longest delay;
   * the real user's pair starts afresh on their next success anyway.
   */
  halfLifeMs: number;
  /** The same for an address's count: shorter, so an office NAT's typos are forgotten within hours. */
  addressHalfLifeMs: number;
  /** Tracked pairs and addresses at most (memory bound); the least recently failed go first. */
  maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailures: 3,
  addressFreeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  halfLifeMs: 24 * 3600_000,
  addressHalfLifeMs: 3600_000,
  maxEntries: 10_000,
};

interface Failures {
  /** Decayed failure count as of `at`. */
  level: number;
  at: number;
}

export type ThrottleCheck = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * One client for the per-address count: IPv4 (also when mapped into IPv6) as
 * is, IPv6 by its /64, since one host can hold a whole /64.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class LoginThrottle {
  readonly options: LoginThrottleOptions;
  private readonly pairs = new Map<string, Failures>();
  private readonly addresses = new Map<string, Failures>();

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  check(user: string, address: string, now: number): ThrottleCheck {
    const wait = Math.max(
      this.waitFor(this.pairs.get(pairKey(user, address)), this.options.freeFailures, now),
      this.waitFor(this.addresses.get(addressKey(address)), this.options.addressFreeFailures, now),
    );
    return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
  }

  failure(user: string, address: string, now: number): void {
    this.bump(this.pairs, pairKey(user, address), now, this.options.halfLifeMs);
    this.bump(this.addresses, addressKey(address), now, this.options.addressHalfLifeMs);
  }

  /** The pair starts afresh. The address keeps its count: one good account must not wash a guesser's slate clean. */
  success(user: string, address: string): void {
    this.pairs.delete(pairKey(user, address));
  }

  private decayed(entry: Failures, now: number, halfLifeMs: number): number {
    return entry.level * 2 ** (-Math.max(0, now - entry.at) / halfLifeMs);
  }

  private waitFor(entry: Failures | undefined, free: number, now: number): number {
    if (!entry) return 0;
    const over = Math.round(entry.level) - free;
    if (over <= 0) return 0;
    const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (over - 1));
    return Math.max(0, entry.at + delay - now);
  }

  private bump(map: Map<string, Failures>, key: string, now: number, halfLifeMs: number): void {
    const entry = map.get(key);
    const level = (entry ? this.decayed(entry, now, halfLifeMs) : 0) + 1;
    // Re-inserted so the map's order is least recently failed first.
    map.delete(key);
    while (map.size >= this.options.maxEntries) map.delete(map.keys().next().value!);
    map.set(key, { level, at: now });
  }
}

const pairKey = (user: string, address: string) => `${user.toLowerCase()}\u0000${address}`;

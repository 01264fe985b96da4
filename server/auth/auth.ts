/**
 * Who is asking: login with rate limiting, and identity from a session
 * cookie, a Bearer token or a socket's auth token. Demo accounts live only in
 * memory and only exist in demo mode.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '@/lib/protocol';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { RateLimiter } from '../rate-limit';
import { parseCookies, SESSION_COOKIE, SessionSigner } from './session-cookie';
import type { UserRole, UserStore } from './user-store';

export interface Identity {
  user: string;
  role: Role;
  via: 'session' | 'token';
}

export interface DemoAccount {
  username: string;
  password: string;
  role: UserRole;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', password: 'admin', role: 'admin' },
  { username: 'supervisor', password: 'supervisor', role: 'supervisor' },
  { username: 'viewer', password: 'viewer', role: 'viewer' },
];

const DEMO_STAMP = 'demo';

export interface LoginLimits {
  /** Failed attempts per address per window. */
  perAddress: number;
  /** Failed attempts per user name per window. */
  perUser: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddress: 20, perUser: 5, windowMs: 5 * 60_000 };

/**
 * Password checks in flight at once, per user name and per address. A failure
 * is counted only once its check is done, so without this bound a burst of
 * parallel attempts would all pass the limiter before the first one failed.
 */
const IN_FLIGHT_PER_USER = 1;
const IN_FLIGHT_PER_ADDRESS = 4;

const MAX_LOGGED_OUT = 50_000;

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Compares without telling, by its timing, how much of the guess was right. */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export type LoginResult =
  | { ok: true; identity: Identity; cookieValue: string }
  | { ok: false; status: 401 | 429; error: string };

export class Auth {
  private readonly byAddress: RateLimiter;
  private readonly byUser: RateLimiter;
  private readonly inFlight = new Map<string, number>();
  /** Cookie values ended by logout, until they would have expired anyway. */
  private readonly loggedOut = new Map<string, number>();

  constructor(
    readonly store: UserStore,
    readonly signer: SessionSigner,
    readonly demoAccounts: readonly DemoAccount[],
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.byAddress = new RateLimiter(limits.perAddress, limits.windowMs);
    this.byUser = new RateLimiter(limits.perUser, limits.windowMs);
  }

  async login(username: string, password: string, address: string, now: number): Promise<LoginResult> {
    const userKey = username.toLowerCase();
    // Only failures count, so a busy shared address (an office NAT, the e2e suite) can still log in.
    const addr = this.byAddress.check(address, now);
    const user = this.byUser.check(userKey, now);
    if (!addr.ok || !user.ok) {
      const seconds = Math.max(1, Math.ceil(Math.max(addr.retryAfterMs, user.retryAfterMs) / 1000));
      return { ok: false, status: 429, error: `Too many login attempts. Try again in ${seconds} s.` };
    }
    const userSlot = `u:${userKey}`;
    const addressSlot = `a:${address}`;
    if ((this.inFlight.get(userSlot) ?? 0) >= IN_FLIGHT_PER_USER || (this.inFlight.get(addressSlot) ?? 0) >= IN_FLIGHT_PER_ADDRESS) {
      return { ok: false, status: 429, error: 'Too many login attempts. Try again in 1 s.' };
    }
    this.take(userSlot, 1);
    this.take(addressSlot, 1);
    let found: { role: UserRole; stamp: string } | null;
    try {
      found = await this.checkPassword(username, password);
    } finally {
      this.take(userSlot, -1);
      this.take(addressSlot, -1);
    }
    if (!found) {
      this.byUser.record(userKey, now);
      this.byAddress.record(address, now);
      return { ok: false, status: 401, error: 'Wrong username or password' };
    }
    this.byUser.reset(userKey);
    return {
      ok: true,
      identity: { user: username, role: found.role, via: 'session' },
      cookieValue: this.signer.issue(username, found.stamp, now),
    };
  }

  private take(slot: string, n: 1 | -1): void {
    const next = (this.inFlight.get(slot) ?? 0) + n;
    if (next > 0) this.inFlight.set(slot, next);
    else this.inFlight.delete(slot);
  }

  /** Ends a session for good (stateless cookies would otherwise stay valid until they expire). */
  logout(cookieHeader: string | undefined, now: number): void {
    const value = parseCookies(cookieHeader)[SESSION_COOKIE];
    const expires = value ? this.signer.expiryOf(value, now) : null;
    if (value === undefined || expires === null) return;
    for (const [v, until] of this.loggedOut) if (until <= now) this.loggedOut.delete(v);
    // Bounded memory: past the cap the oldest entries go (insertion order), never the newest.
    if (this.loggedOut.size >= MAX_LOGGED_OUT) this.loggedOut.delete(this.loggedOut.keys().next().value!);
    this.loggedOut.set(value, expires);
  }

  private async checkPassword(username: string, password: string): Promise<{ role: UserRole; stamp: string } | null> {
    const demo = this.demoAccounts.find((a) => a.username === username);
    if (demo) return sameSecret(demo.password, password) ? { role: demo.role, stamp: DEMO_STAMP } : null;
    const user = this.store.getUser(username);
    // Same work whether or not the user exists.
    const ok = await verifyPassword(password, user?.password ?? (await dummyPasswordHash()));
    return user && ok ? { role: user.role, stamp: this.signer.stamp(user.password) } : null;
  }

  /** The identity behind a session cookie value, checked against the current users. */
  fromSession(value: string | undefined, now: number): Identity | null {
    if (!value || this.loggedOut.has(value)) return null;
    const session = this.signer.verify(value, now);
    if (!session) return null;
    const demo = this.demoAccounts.find((a) => a.username === session.user);
    if (demo) return session.stamp === DEMO_STAMP ? { user: demo.username, role: demo.role, via: 'session' } : null;
    const user = this.store.getUser(session.user);
    if (!user || this.signer.stamp(user.password) !== session.stamp) return null;
    return { user: user.name, role: user.role, via: 'session' };
  }

  fromToken(token: string | undefined): Identity | null {
    if (!token) return null;
    const stored = this.store.findToken(token);
    return stored ? { user: `token:${stored.name}`, role: stored.role, via: 'token' } : null;
  }

  fromCookieHeader(header: string | undefined, now: number): Identity | null {
    return this.fromSession(parseCookies(header)[SESSION_COOKIE], now);
  }

  /** Cookie session first, then `Authorization: Bearer <token>`. */
  fromRequest(req: IncomingMessage, now: number): Identity | null {
    const session = this.fromCookieHeader(req.headers.cookie, now);
    if (session) return session;
    const auth = req.headers.authorization;
    const match = auth && /^Bearer\s+(\S+)$/i.exec(auth);
    return match ? this.fromToken(match[1]) : null;
  }
}

/**
 * Who is asking: login with throttling, and identity from a session cookie
 * (a person), a wallboard cookie (a screen that showed its token once), a
 * Bearer token or a socket's auth token. Demo accounts live only in memory and
 * only exist in demo mode.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '@/lib/protocol';
import { grantsFor, type Grants } from '@/lib/grants';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle';
import { parseCookies, passwordStamper, SESSION_COOKIE, WALLBOARD_COOKIE } from './session-cookie';
import type { SessionStore } from './session-store';
import type { StoredToken, UserRole, UserStore } from './user-store';

export interface Identity {
  user: string;
  role: Role;
  via: 'session' | 'token';
  /** What this identity may do and see: the role's, narrowed by the user's settings (tokens: their role's). */
  grants: Grants;
}

export interface DemoAccount {
  username: string;
  password: string;
  role: UserRole;
  /** The demo phone that listen, whisper, barge and pick-up ring for this account. */
  extension?: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', password: 'admin', role: 'admin', extension: '115' },
  { username: 'supervisor', password: 'supervisor', role: 'supervisor', extension: '116' },
  { username: 'viewer', password: 'viewer', role: 'viewer' },
];

const DEMO_STAMP = 'demo';

const demoGrants = (demo: DemoAccount) => grantsFor(demo.role, demo.extension === undefined ? {} : { extension: demo.extension });

export interface AuthOptions {
  throttle?: Partial<LoginThrottleOptions>;
  /** How long a login lasts (default 12 h). */
  sessionTtlMs?: number;
  /** How long a wallboard's cookie lasts after its token was exchanged (default 400 days, the most browsers keep a cookie). */
  wallboardTtlMs?: number;
}

/**
 * Password checks in flight at once, per (user name, address) and per
 * address. A failure is counted only once its check is done, so without this
 * bound a burst of parallel attempts would all pass the throttle before the
 * first one failed. Never per user name alone: that would let anyone keep the
 * real user out.
 */
const IN_FLIGHT_PER_PAIR = 1;
const IN_FLIGHT_PER_ADDRESS = 4;

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Compares without telling, by its timing, how much of the guess was right. */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export type LoginResult =
  { ok: true; identity: Identity; cookieValue: string } | { ok: false; status: 401 | 429; error: string; retryAfterSeconds?: number };

/** Why a wallboard is turned away, for the page that says so. */
export type WallboardRefusal = 'missing' | 'invalid' | 'revoked' | 'ended';

export class Auth {
  readonly throttle: LoginThrottle;
  readonly sessionTtlMs: number;
  readonly wallboardTtlMs: number;
  private readonly stamp: (passwordHash: string) => string;
  private readonly inFlight = new Map<string, number>();

  constructor(
    readonly store: UserStore,
    readonly sessions: SessionStore,
    stampKey: Buffer,
    readonly demoAccounts: readonly DemoAccount[],
    opts: AuthOptions = {},
  ) {
    this.stamp = passwordStamper(stampKey);
    this.throttle = new LoginThrottle(opts.throttle);
    this.sessionTtlMs = opts.sessionTtlMs ?? 12 * 3600_000;
    this.wallboardTtlMs = opts.wallboardTtlMs ?? 400 * 24 * 3600_000;
  }

  async login(username: string, password: string, address: string, now: number): Promise<LoginResult> {
    const wait = this.throttle.check(username, address, now);
    if (!wait.ok) return tooMany(wait.retryAfterMs);
    const pairSlot = `p:${username.toLowerCase()}\u0000${address}`;
    const addressSlot = `a:${address}`;
    if ((this.inFlight.get(pairSlot) ?? 0) >= IN_FLIGHT_PER_PAIR || (this.inFlight.get(addressSlot) ?? 0) >= IN_FLIGHT_PER_ADDRESS)
      return tooMany(1000);
    this.take(pairSlot, 1);
    this.take(addressSlot, 1);
    let found: { role: UserRole; stamp: string; grants: Grants } | null;
    try {
      found = await this.checkPassword(username, password);
    } finally {
      this.take(pairSlot, -1);
      this.take(addressSlot, -1);
    }
    if (!found) {
      this.throttle.failure(username, address, now);
      return { ok: false, status: 401, error: 'Wrong username or password' };
    }
    this.throttle.success(username, address);
    return {
      ok: true,
      identity: { user: username, role: found.role, via: 'session', grants: found.grants },
      cookieValue: this.sessions.create({ kind: 'user', subject: username, stamp: found.stamp, expires: now + this.sessionTtlMs }, now),
    };
  }

  private take(slot: string, n: 1 | -1): void {
    const next = (this.inFlight.get(slot) ?? 0) + n;
    if (next > 0) this.inFlight.set(slot, next);
    else this.inFlight.delete(slot);
  }

  /** Ends the session in the cookie for good, across restarts. */
  logout(cookieHeader: string | undefined): void {
    this.sessions.revoke(parseCookies(cookieHeader)[SESSION_COOKIE]);
  }

  private async checkPassword(username: string, password: string): Promise<{ role: UserRole; stamp: string; grants: Grants } | null> {
    const demo = this.demoAccounts.find((a) => a.username === username);
    if (demo) return sameSecret(demo.password, password) ? { role: demo.role, stamp: DEMO_STAMP, grants: demoGrants(demo) } : null;
    const user = this.store.getUser(username);
    // Same work whether or not the user exists.
    const ok = await verifyPassword(password, user?.password ?? (await dummyPasswordHash()));
    return user && ok ? { role: user.role, stamp: this.stamp(user.password), grants: grantsFor(user.role, user) } : null;
  }

  /** The person behind a session cookie value, checked against the current users. */
  fromSession(value: string | undefined, now: number): Identity | null {
    const session = this.sessions.get(value, now);
    if (!session || session.kind !== 'user') return null;
    const demo = this.demoAccounts.find((a) => a.username === session.subject);
    if (demo)
      return session.stamp === DEMO_STAMP ? { user: demo.username, role: demo.role, via: 'session', grants: demoGrants(demo) } : null;
    const user = this.store.getUser(session.subject);
    if (!user || this.stamp(user.password) !== session.stamp) return null;
    return { user: user.name, role: user.role, via: 'session', grants: grantsFor(user.role, user) };
  }

  /** Trades a token for a wallboard session, so the token can leave the URL. */
  startWallboardSession(
    token: string | undefined,
    now: number,
  ): { ok: true; cookieValue: string } | { ok: false; reason: WallboardRefusal } {
    if (!token) return { ok: false, reason: 'missing' };
    const stored = this.store.findToken(token);
    if (!stored) return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      cookieValue: this.sessions.create({ kind: 'token', subject: stored.id, stamp: '', expires: now + this.wallboardTtlMs }, now),
    };
  }

  /** The token behind a wallboard cookie, or why there is none. */
  wallboardSession(value: string | undefined, now: number): { ok: true; identity: Identity } | { ok: false; reason: WallboardRefusal } {
    if (!value) return { ok: false, reason: 'missing' };
    const session = this.sessions.get(value, now);
    if (!session || session.kind !== 'token') return { ok: false, reason: 'ended' };
    const stored = this.store.tokens.find((t) => t.id === session.subject);
    if (!stored) return { ok: false, reason: 'revoked' };
    return { ok: true, identity: tokenIdentity(stored) };
  }

  fromToken(token: string | undefined): Identity | null {
    if (!token) return null;
    const stored = this.store.findToken(token);
    return stored ? tokenIdentity(stored) : null;
  }

  /** A person's session only (what the dashboard needs). */
  fromCookieHeader(header: string | undefined, now: number): Identity | null {
    return this.fromSession(parseCookies(header)[SESSION_COOKIE], now);
  }

  /** A person's session, else a wallboard's (what the API and the socket accept). */
  fromCookies(header: string | undefined, now: number): Identity | null {
    const cookies = parseCookies(header);
    const person = this.fromSession(cookies[SESSION_COOKIE], now);
    if (person) return person;
    const wall = this.wallboardSession(cookies[WALLBOARD_COOKIE], now);
    return wall.ok ? wall.identity : null;
  }

  /** Cookies first, then `Authorization: Bearer <token>`. */
  fromRequest(req: IncomingMessage, now: number): Identity | null {
    const session = this.fromCookies(req.headers.cookie, now);
    if (session) return session;
    const auth = req.headers.authorization;
    const match = auth && /^Bearer\s+(\S+)$/i.exec(auth);
    return match ? this.fromToken(match[1]) : null;
  }
}

/** A token acts with its role's grants: every action the role allows, on every queue unless it was made for some. */
function tokenIdentity(stored: StoredToken): Identity {
  return { user: `token:${stored.name}`, role: stored.role, via: 'token', grants: grantsFor(stored.role, { queues: stored.queues }) };
}

function tooMany(retryAfterMs: number): LoginResult {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return { ok: false, status: 429, error: `Too many login attempts. Try again in ${seconds} s.`, retryAfterSeconds: seconds };
}

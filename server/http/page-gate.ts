/**
 * Which pages need a login, decided before Next sees the request: the
 * dashboard needs a person's session, the users page (/admin) an admin's; the wallboard a session or a wallboard
 * cookie; the login page, the wallboard's refusal page, Next's assets and
 * public files are open.
 *
 * `/wallboard?token=…` trades the token for an HttpOnly wallboard cookie and
 * redirects to the same URL without it, so the token stays out of history,
 * proxy logs and screenshots. A wallboard that cannot get in is sent to
 * /wallboard/unavailable, which says why (never silently to the login page:
 * nobody at a wall screen types a password).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Auth, WallboardRefusal } from '../auth/auth';
import { clearedWallboardCookie, parseCookies, wallboardCookie, WALLBOARD_COOKIE } from '../auth/session-cookie';

export type GateDecision = { allow: true; cookies?: string[] } | { allow: false; redirect: string; status: 302 | 303; cookies?: string[] };

export const WALLBOARD_UNAVAILABLE = '/wallboard/unavailable';

const OPEN_PREFIXES = ['/_next/', '/__nextjs'];
const OPEN_PATHS = new Set(['/login', WALLBOARD_UNAVAILABLE, '/favicon.ico', '/robots.txt']);

export interface GateOptions {
  /** The request came over TLS (the cookie gets Secure). */
  secure: boolean;
  /** The wallboard may be framed by another site, so its cookie must be SameSite=None (only possible over TLS). */
  wallboardFramed: boolean;
}

/** Every file under `public/`, as URL paths. */
export function listPublicFiles(publicDir: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
      else out.add(`${prefix}${e.name}`);
    }
  };
  walk(publicDir, '/');
  return out;
}

const unavailable = (reason: WallboardRefusal, cookies?: string[]): GateDecision => ({
  allow: false,
  redirect: `${WALLBOARD_UNAVAILABLE}?reason=${reason}`,
  status: 303,
  cookies,
});

export function gatePage(
  auth: Auth,
  req: IncomingMessage,
  url: URL,
  publicFiles: ReadonlySet<string>,
  now: number,
  opts: GateOptions,
): GateDecision {
  const p = url.pathname;
  if (OPEN_PATHS.has(p) || publicFiles.has(p) || OPEN_PREFIXES.some((prefix) => p.startsWith(prefix))) return { allow: true };
  const wallboard = p === '/wallboard' || p.startsWith('/wallboard/');
  if (!wallboard) {
    const person = auth.fromCookieHeader(req.headers.cookie, now);
    // Back to the page asked for once logged in (the login form accepts only a same-site path).
    if (!person) return { allow: false, redirect: p === '/' ? '/login' : `/login?next=${encodeURIComponent(p + url.search)}`, status: 302 };
    // The users page is an admin's; anyone else is sent back to the board (the API refuses them as well).
    if ((p === '/admin' || p.startsWith('/admin/')) && person.role !== 'admin') return { allow: false, redirect: '/', status: 303 };
    return { allow: true };
  }

  const cookieOpts = { secure: opts.secure, sameSite: opts.wallboardFramed ? ('None' as const) : ('Lax' as const) };
  const token = url.searchParams.get('token');
  if (token !== null) {
    const started = auth.startWallboardSession(token || undefined, now);
    if (!started.ok) return unavailable(started.reason === 'missing' ? 'invalid' : started.reason);
    const clean = new URL(url);
    clean.searchParams.delete('token');
    return {
      allow: false,
      redirect: `${clean.pathname}${clean.search}`,
      status: 303,
      cookies: [wallboardCookie(started.cookieValue, Math.floor(auth.wallboardTtlMs / 1000), cookieOpts)],
    };
  }
  if (auth.fromCookieHeader(req.headers.cookie, now)) return { allow: true };
  const held = parseCookies(req.headers.cookie)[WALLBOARD_COOKIE];
  const wall = auth.wallboardSession(held, now);
  if (wall.ok) return { allow: true };
  // A cookie that no longer opens anything is dropped, so the next visit with a token starts clean.
  return unavailable(wall.reason, held ? [clearedWallboardCookie(cookieOpts)] : undefined);
}

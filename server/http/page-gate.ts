/**
 * Which pages need a login, decided before Next sees the request: the
 * dashboard needs a session, the wallboard a session or a `?token=`, and the
 * login page, Next's assets and public files are open.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Auth } from '../auth/auth';

export type GateDecision = { allow: true } | { allow: false; redirect: string };

const OPEN_PREFIXES = ['/_next/', '/__nextjs'];
const OPEN_PATHS = new Set(['/login', '/favicon.ico', '/robots.txt']);

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

export function gatePage(auth: Auth, req: IncomingMessage, url: URL, publicFiles: ReadonlySet<string>, now: number): GateDecision {
  const p = url.pathname;
  if (OPEN_PATHS.has(p) || publicFiles.has(p) || OPEN_PREFIXES.some((prefix) => p.startsWith(prefix))) return { allow: true };
  if (auth.fromCookieHeader(req.headers.cookie, now)) return { allow: true };
  if ((p === '/wallboard' || p.startsWith('/wallboard/')) && auth.fromToken(url.searchParams.get('token') ?? undefined)) {
    return { allow: true };
  }
  return { allow: false, redirect: '/login' };
}

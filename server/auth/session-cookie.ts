/**
 * The session cookies and the key behind password stamps. The cookies hold
 * only random ids (server/auth/session-store.ts keeps what they mean):
 * `cb_session` for a person who logged in, `cb_wallboard` for a wall screen
 * that presented a token once.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SESSION_COOKIE = 'cb_session';
export const WALLBOARD_COOKIE = 'cb_wallboard';

export function loadOrCreateKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'session.key');
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length >= 32) return key;
  } catch {
    // absent: create it below
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, key.toString('base64url'), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}

/** A stamp that changes whenever a user's password hash does, so a new password ends every old session. */
export function passwordStamper(key: Buffer): (passwordHash: string) => string {
  return (passwordHash) => createHmac('sha256', key).update(`stamp:${passwordHash}`).digest('base64url').slice(0, 16);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  // Names come from the wire: no prototype to trip over (`__proto__=…`).
  const out: Record<string, string> = Object.create(null);
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

export interface CookieOptions {
  secure: boolean;
  /** Strict for people; Lax for a wallboard, whose first visit may come from a link on another site. `None` only when it may be framed elsewhere (and then Secure). */
  sameSite?: 'Strict' | 'Lax' | 'None';
}

function cookie(name: string, value: string, maxAgeSeconds: number, { secure, sameSite = 'Strict' }: CookieOptions): string {
  const crossSite = sameSite === 'None' && secure; // SameSite=None without Secure is refused by browsers
  return `${name}=${value}; HttpOnly; SameSite=${crossSite ? 'None' : sameSite === 'None' ? 'Lax' : sameSite}; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}${crossSite ? '; Partitioned' : ''}`;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return cookie(SESSION_COOKIE, value, maxAgeSeconds, { secure });
}

export function clearedSessionCookie(secure: boolean): string {
  return cookie(SESSION_COOKIE, '', 0, { secure });
}

export function wallboardCookie(value: string, maxAgeSeconds: number, opts: CookieOptions): string {
  return cookie(WALLBOARD_COOKIE, value, maxAgeSeconds, { sameSite: 'Lax', ...opts });
}

export function clearedWallboardCookie(opts: CookieOptions): string {
  return cookie(WALLBOARD_COOKIE, '', 0, { sameSite: 'Lax', ...opts });
}

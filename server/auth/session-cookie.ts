/**
 * Stateless sessions: the cookie holds `user.stamp.expiry` signed with an
 * HMAC key kept in the data directory. The stamp is derived from the user's
 * password hash, so changing a password (or deleting the user) ends every
 * session of that user.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SESSION_COOKIE = 'cb_session';

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

export class SessionSigner {
  constructor(
    private readonly key: Buffer,
    readonly ttlMs: number = 12 * 3600_000,
  ) {}

  /** A stamp that changes whenever `secretMaterial` (a password hash) does. */
  stamp(secretMaterial: string): string {
    return createHmac('sha256', this.key).update(`stamp:${secretMaterial}`).digest('base64url').slice(0, 16);
  }

  issue(user: string, stamp: string, now: number): string {
    const body = `${Buffer.from(user).toString('base64url')}.${stamp}.${(now + this.ttlMs).toString(36)}`;
    return `${body}.${this.sign(body)}`;
  }

  verify(value: string, now: number): { user: string; stamp: string } | null {
    if (value.length > 512) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const body = parts.slice(0, 3).join('.');
    const given = Buffer.from(parts[3], 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (parseInt(parts[2], 36) <= now) return null;
    return { user: Buffer.from(parts[0], 'base64url').toString('utf8'), stamp: parts[1] };
  }

  /** When a valid cookie value expires; null when it is not valid now. */
  expiryOf(value: string, now: number): number | null {
    return this.verify(value, now) ? parseInt(value.split('.')[2], 36) : null;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
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

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure ? '; Secure' : ''}`;
}

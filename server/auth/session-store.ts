/**
 * Server-side sessions. The cookie holds only a random id (32 bytes); what it
 * stands for (user, password stamp, expiry) lives here, keyed by the id's
 * sha256, so the data directory never holds a usable cookie. Every change is
 * appended to `sessions.jsonl` before it takes effect, so a logout survives a
 * restart; the journal is compacted on load and whenever it has grown well
 * past the live sessions.
 *
 * An id is looked up by the hash of its exact text: a cookie with any
 * character changed is simply unknown (no decoder that ignores spare bits).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export type SessionKind = 'user' | 'token';

export interface SessionRecord {
  kind: SessionKind;
  /** The user name, or for `token` sessions the token's id. */
  subject: string;
  /** For `user` sessions: the password stamp the session was issued under. */
  stamp: string;
  expires: number;
}

const added = z.object({
  add: z.string(),
  kind: z.enum(['user', 'token']),
  subject: z.string(),
  stamp: z.string(),
  expires: z.number(),
});
const removed = z.object({ del: z.string() });
const sessionRecord = z.object({
  kind: z.enum(['user', 'token']),
  subject: z.string().max(200),
  stamp: z.string().max(200),
  expires: z.number(),
});
const journalLine = z.union([added, removed]);

/** A change to the live sessions, as several nodes pass it on: a session by the hash of its id, or its end. */
export type SessionChange = { add: string; record: SessionRecord } | { del: string };

export interface SessionStoreOptions {
  /** Live sessions kept at most; past it the oldest go. */
  maxSessions?: number;
  /** Live sessions of one user (or token) at most, so one account logging in over and over cannot push everyone else's out. */
  maxPerSubject?: number;
  /** Told about journal lines that could not be read (a crash mid-append, a hand edit). */
  onWarning?: (message: string) => void;
  now?: () => number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  readonly file: string;
  private readonly live = new Map<string, SessionRecord>();
  private readonly maxSessions: number;
  private readonly maxPerSubject: number;
  private journalLines = 0;
  private readonly listeners = new Set<(change: SessionChange, origin: 'local' | 'remote') => void>();

  constructor(dataDir: string, opts: SessionStoreOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'sessions.jsonl');
    this.maxSessions = opts.maxSessions ?? 20_000;
    this.maxPerSubject = opts.maxPerSubject ?? 100;
    this.load(opts.onWarning ?? (() => {}), (opts.now ?? Date.now)());
  }

  get size(): number {
    return this.live.size;
  }

  /** A new session; the returned id is the cookie value and exists nowhere else. */
  create(record: SessionRecord, now: number): string {
    this.sweep(now);
    const same = [...this.live].filter(([, r]) => r.kind === record.kind && r.subject === record.subject);
    for (const [hash] of same.slice(0, Math.max(0, same.length - this.maxPerSubject + 1))) this.remove(hash);
    while (this.live.size >= this.maxSessions) this.remove(this.live.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const hash = hashOf(id);
    this.append({ add: hash, ...record });
    this.live.set(hash, record);
    this.tell({ add: hash, record });
    return id;
  }

  /** Told of every session started or ended, here (`local`) or by another node (`remote`, through `apply`); not of expiries. */
  onChange(listener: (change: SessionChange, origin: 'local' | 'remote') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Another node's change, kept like our own (journalled), told as `remote`. */
  apply(change: SessionChange, now: number): void {
    if ('del' in change) {
      if (typeof change.del !== 'string' || !this.live.has(change.del)) return;
      this.append({ del: change.del });
      this.live.delete(change.del);
      this.tell(change, 'remote');
      return;
    }
    const record = sessionRecord.safeParse(change.record);
    if (!record.success || record.data.expires <= now || typeof change.add !== 'string' || !/^[0-9a-f]{64}$/.test(change.add)) return;
    while (this.live.size >= this.maxSessions) this.remove(this.live.keys().next().value!);
    this.append({ add: change.add, ...record.data });
    this.live.set(change.add, record.data);
    this.tell({ add: change.add, record: record.data }, 'remote');
  }

  /** Every live session by the hash of its id, for a node that joins. */
  entries(now: number): [string, SessionRecord][] {
    return [...this.live].filter(([, r]) => r.expires > now);
  }

  /** The cluster's sessions replace ours: one ended while this node was away must not come back. */
  replaceAll(entries: readonly [string, SessionRecord][], now: number): void {
    this.live.clear();
    for (const [hash, record] of entries) {
      const parsed = sessionRecord.safeParse(record);
      if (parsed.success && parsed.data.expires > now && /^[0-9a-f]{64}$/.test(hash)) this.live.set(hash, parsed.data);
    }
    this.compact();
  }

  private tell(change: SessionChange, origin: 'local' | 'remote' = 'local'): void {
    for (const listener of this.listeners) listener(change, origin);
  }

  get(id: string | undefined, now: number): SessionRecord | null {
    if (!id || !ID_PATTERN.test(id)) return null;
    const record = this.live.get(hashOf(id));
    return record && record.expires > now ? record : null;
  }

  /** Ends one session for good; false when it was not live. */
  revoke(id: string | undefined): boolean {
    if (!id || !ID_PATTERN.test(id)) return false;
    const hash = hashOf(id);
    if (!this.live.has(hash)) return false;
    this.remove(hash);
    return true;
  }

  /** Ends every session that matches, e.g. all of one user's. */
  revokeWhere(match: (record: SessionRecord) => boolean): number {
    let n = 0;
    for (const [hash, record] of this.live) {
      if (!match(record)) continue;
      this.remove(hash);
      n++;
    }
    return n;
  }

  private remove(hash: string): void {
    this.append({ del: hash });
    this.live.delete(hash);
    this.tell({ del: hash });
  }

  private sweep(now: number): void {
    for (const [hash, record] of this.live) if (record.expires <= now) this.live.delete(hash);
    // Expired entries need no `del` line: they are dropped when the journal is next read.
    if (this.journalLines > 2 * this.live.size + 1000) this.compact();
  }

  private append(line: z.infer<typeof journalLine>): void {
    // Synchronous on purpose: a logout is answered only once it is on disk.
    fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    this.journalLines++;
  }

  private load(warn: (message: string) => void, now: number): void {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return; // no journal yet
    }
    let bad = 0;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let parsed: z.infer<typeof journalLine>;
      try {
        parsed = journalLine.parse(JSON.parse(raw));
      } catch {
        bad++;
        continue;
      }
      if ('del' in parsed) this.live.delete(parsed.del);
      else {
        const { add, ...record } = parsed;
        this.live.set(add, record);
      }
    }
    if (bad) warn(`${this.file}: ${bad} unreadable line(s) skipped`);
    for (const [hash, record] of this.live) if (record.expires <= now) this.live.delete(hash);
    this.compact();
  }

  /** Rewrites the journal as one `add` line per live session (a temporary file renamed over it). */
  private compact(): void {
    const lines = [...this.live].map(([hash, record]) => `${JSON.stringify({ add: hash, ...record })}\n`);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, lines.join(''), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.journalLines = lines.length;
  }
}

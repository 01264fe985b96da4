/**
 * The audit log: one JSON line per attempted action, appended to
 * `audit.jsonl` in the data directory, refused and invalid attempts included.
 * User-supplied values are cut to a bounded length; JSON escaping keeps a
 * hostile value on its own line.
 *
 * Every writer (socket actions, REST actions, REST resync) goes through
 * `record`, so one throttle bounds what a client looping on a refused
 * request can put on disk: refusals past it are counted, and the count is
 * written with the actor's next entry or, if none comes, as one summary line.
 * Anything that reached Asterisk is always written.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditEntry {
  time: string;
  who: string;
  role: string;
  address: string;
  action: string;
  /** The PBX the action was for; absent when the request named none that could be one. */
  pbx?: string;
  params: unknown;
  /** `ok`, or the error code (`invalid`, `forbidden`, `rate-limited`, `link-down`, `timeout`, `ami`). */
  result: string;
  /** Asterisk's message verbatim, or ours. */
  message: string;
  /** Refusals of the same actor since its previous entry that came too fast to be written one by one. */
  unwritten?: number;
}

export interface AuditQuery {
  /** Only entries that start before this byte offset (a `next` from an earlier page). */
  before?: number;
  /** Newest entries, at most this many. */
  limit: number;
  /** Exact `who`, e.g. `viewer` or `token:lobby`. */
  actor?: string;
  pbx?: string;
  action?: string;
  result?: string;
}

export interface AuditPage {
  /** Oldest first. */
  entries: AuditEntry[];
  /** Pass as `before` for the entries older than these; null at the start of the log. */
  next: number | null;
}

const MAX_STRING = 256;
const MAX_KEYS = 16;
/** Results that never reached Asterisk and that a client can repeat at will. */
const THROTTLED: ReadonlySet<string> = new Set(['invalid', 'forbidden', 'rate-limited', 'unauthenticated']);
/** Per actor (user and address): a burst of refusals is written, then one per second. */
const ACTOR_BURST = 20;
const ACTOR_REFILL_PER_SECOND = 1;
/** For all actors together, so many addresses cannot flood the disk either. */
const GLOBAL_BURST = 200;
const GLOBAL_REFILL_PER_SECOND = 20;
const MAX_TRACKED_ACTORS = 10_000;
/** Counts not yet written go out as one summary line per actor this long after the last refusal. */
const SUMMARY_AFTER_MS = 5_000;
/** Bytes read from the end of the file per page request at most; a filtered page may come back short, with `next`. */
const MAX_SCAN_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

/** A bounded copy of an untrusted value, safe to keep. */
export function boundedCopy(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= 3) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => boundedCopy(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).slice(0, MAX_KEYS))
      out[String(boundedCopy(key))] = boundedCopy((value as Record<string, unknown>)[key], depth + 1);
    return out;
  }
  return String(typeof value);
}

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  full(now: number): boolean {
    return this.tokens + ((now - this.at) / 1000) * this.perSecond >= this.burst;
  }
}

interface Suppressed {
  count: number;
  /** The last refusal not written, for the summary line. */
  last: AuditEntry;
}

export class AuditLog {
  readonly file: string;
  private readonly now: () => number;
  private readonly global: TokenBucket;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly suppressed = new Map<string, Suppressed>();
  private summaryTimer: NodeJS.Timeout | null = null;
  private readonly writeListeners = new Set<(entry: AuditEntry, end: number) => void>();

  constructor(dataDir: string, opts: { now?: () => number } = {}) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'audit.jsonl');
    this.now = opts.now ?? Date.now;
    this.global = new TokenBucket(GLOBAL_BURST, GLOBAL_REFILL_PER_SECOND, this.now());
  }

  /**
   * Synchronous on purpose: actions are few (rate-limited per user), and an
   * entry must be on disk before the caller hears the result. Unthrottled:
   * use `record` for anything a client can repeat.
   */
  write(entry: AuditEntry): void {
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    if (this.writeListeners.size === 0) return;
    // The end of the entry is its address: `page({before: end, limit: 1})` gives exactly it (the call history links to it).
    const end = fs.statSync(this.file).size;
    for (const listener of this.writeListeners) listener(entry, end);
  }

  /** Told of every entry written, with the byte offset where it ends. */
  onWrite(listener: (entry: AuditEntry, end: number) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Writes an entry, or counts it when it is a refusal past the throttle. */
  record(entry: AuditEntry): void {
    const key = `${entry.who}\n${entry.address}`;
    const now = this.now();
    if (THROTTLED.has(entry.result) && !this.admit(key, now)) {
      const held = this.suppressed.get(key);
      if (held) {
        held.count++;
        held.last = entry;
      } else if (this.suppressed.size < MAX_TRACKED_ACTORS) {
        this.suppressed.set(key, { count: 1, last: entry });
      } else {
        this.countOverflow(entry);
      }
      this.scheduleSummary();
      return;
    }
    const held = this.suppressed.get(key);
    this.suppressed.delete(key);
    this.write(held ? { ...entry, unwritten: held.count } : entry);
  }

  private admit(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_ACTORS) this.sweep(now);
      bucket = new TokenBucket(ACTOR_BURST, ACTOR_REFILL_PER_SECOND, now);
      if (this.buckets.size < MAX_TRACKED_ACTORS) this.buckets.set(key, bucket);
    }
    return bucket.take(now) && this.global.take(now);
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now) && !this.suppressed.has(key)) this.buckets.delete(key);
  }

  /** Past the tracked actors: one shared count, so memory stays bounded. */
  private countOverflow(entry: AuditEntry): void {
    const key = '\n(others)';
    const held = this.suppressed.get(key);
    const last = { ...entry, who: '(other actors)', role: '-', address: '-' };
    if (held) {
      held.count++;
      held.last = last;
    } else this.suppressed.set(key, { count: 1, last });
  }

  private scheduleSummary(): void {
    if (this.summaryTimer) this.summaryTimer.refresh();
    else {
      this.summaryTimer = setTimeout(() => this.flushSuppressed(), SUMMARY_AFTER_MS);
      this.summaryTimer.unref();
    }
  }

  /** Writes one summary line per actor with refusals not written yet. */
  flushSuppressed(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
    const held = [...this.suppressed.values()];
    this.suppressed.clear();
    const time = new Date(this.now()).toISOString();
    for (const { count, last } of held) {
      const message = `${count} similar refusal${count === 1 ? '' : 's'} suppressed (last: ${last.message})`;
      try {
        this.write({ ...last, time, params: {}, message, unwritten: count });
      } catch {
        // The data directory went away (shutdown): nothing left to write to.
      }
    }
  }

  close(): void {
    this.flushSuppressed();
    this.buckets.clear();
  }

  /** The newest `limit` entries, oldest first. */
  async tail(limit: number): Promise<AuditEntry[]> {
    return (await this.page({ limit })).entries;
  }

  /** Newest entries matching the query, read backwards from `before` (or the end). */
  async page(query: AuditQuery): Promise<AuditPage> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file, 'r');
    } catch {
      return { entries: [], next: null };
    }
    try {
      const { size } = await handle.stat();
      const found: AuditEntry[] = [];
      // buf holds the bytes [bufStart, bufStart + buf.length) not yet split into entries.
      let bufStart = Math.max(0, Math.min(query.before ?? size, size));
      let buf = Buffer.alloc(0);
      let scanned = 0;
      for (;;) {
        let lineEnd = buf.length;
        while (lineEnd > 0 && found.length < query.limit) {
          const nl = lineEnd >= 2 ? buf.lastIndexOf(0x0a, lineEnd - 2) : -1;
          if (nl < 0 && bufStart > 0) break; // the line starts in bytes not read yet
          const entry = parseLine(buf.subarray(nl + 1, lineEnd));
          if (entry && matches(entry, query)) found.push(entry);
          lineEnd = nl + 1;
        }
        buf = buf.subarray(0, lineEnd);
        const at = bufStart + lineEnd;
        if (found.length >= query.limit) return { entries: found.reverse(), next: at > 0 ? at : null };
        if (bufStart === 0) return { entries: found.reverse(), next: null };
        if (scanned >= MAX_SCAN_BYTES) return { entries: found.reverse(), next: at };
        const start = Math.max(0, bufStart - CHUNK_BYTES);
        const chunk = Buffer.alloc(bufStart - start);
        await handle.read(chunk, 0, chunk.length, start);
        scanned += chunk.length;
        buf = Buffer.concat([chunk, buf]);
        bufStart = start;
      }
    } finally {
      await handle.close();
    }
  }
}

function parseLine(bytes: Buffer): AuditEntry | null {
  const text = bytes.toString('utf8').trim();
  if (!text) return null;
  try {
    const entry = JSON.parse(text) as AuditEntry;
    return typeof entry === 'object' && entry !== null ? entry : null;
  } catch {
    return null; // a torn line from a crash
  }
}

function matches(entry: AuditEntry, q: AuditQuery): boolean {
  return (
    (q.actor === undefined || entry.who === q.actor) &&
    (q.action === undefined || entry.action === q.action) &&
    (q.pbx === undefined || entry.pbx === q.pbx) &&
    (q.result === undefined || entry.result === q.result)
  );
}

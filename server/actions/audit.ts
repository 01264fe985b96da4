/**
 * The audit log: one JSON line per attempted action, appended to
 * `audit.jsonl` in the data directory, refused and invalid attempts included.
 * User-supplied values are cut to a bounded length; JSON escaping keeps a
 * hostile value on its own line.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditEntry {
  time: string;
  who: string;
  role: string;
  address: string;
  action: string;
  params: unknown;
  /** `ok`, or the error code (`invalid`, `forbidden`, `rate-limited`, `link-down`, `timeout`, `ami`). */
  result: string;
  /** Asterisk's message verbatim, or ours. */
  message: string;
  /** Refusals of the same actor since its previous entry that came too fast to be written one by one. */
  unwritten?: number;
}

const MAX_STRING = 256;
const MAX_KEYS = 16;

/** A bounded copy of an untrusted value, safe to keep. */
export function boundedCopy(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= 3) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => boundedCopy(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).slice(0, MAX_KEYS)) out[String(boundedCopy(key))] = boundedCopy((value as Record<string, unknown>)[key], depth + 1);
    return out;
  }
  return String(typeof value);
}

export class AuditLog {
  readonly file: string;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'audit.jsonl');
  }

  /**
   * Synchronous on purpose: actions are few (rate-limited per user), and an
   * entry must be on disk before the caller hears the result.
   */
  write(entry: AuditEntry): void {
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /** The newest `limit` entries, newest last. Reads at most the file's last 4 MiB. */
  async tail(limit: number): Promise<AuditEntry[]> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4 * 1024 * 1024);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n').filter(Boolean);
      if (length < size) lines.shift(); // probably cut in the middle
      const out: AuditEntry[] = [];
      for (const line of lines.slice(-limit)) {
        try {
          out.push(JSON.parse(line) as AuditEntry);
        } catch {
          // a torn line from a crash: skip it
        }
      }
      return out;
    } finally {
      await handle.close();
    }
  }
}

/**
 * Batches finished calls into the store: a burst of hangups becomes one
 * transaction every `intervalMs` (or every `batchSize` records), never a
 * write per call on the event path. Flushes run one at a time. A failed
 * write (PostgreSQL away) keeps its records and tries again on the next
 * tick, up to `maxPending` held; past that the oldest go, counted.
 */
import type { CallRecord } from '@/lib/history/record';
import type { HistoryStore } from './store';

export interface HistoryWriterOptions {
  intervalMs?: number;
  batchSize?: number;
  maxPending?: number;
  /** Records per transaction at most: a backlog is written in several, so no one stalls the event loop long (SQLite writes synchronously). */
  maxBatch?: number;
  onError?: (err: unknown, pending: number) => void;
}

export class HistoryWriter {
  private pending: CallRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly maxBatch: number;
  /** Records written, and records lost to the bound while the database failed. */
  written = 0;
  dropped = 0;
  private readonly storedListeners = new Set<(records: readonly CallRecord[]) => void>();

  constructor(
    private readonly store: HistoryStore,
    private readonly opts: HistoryWriterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 200;
    this.batchSize = opts.batchSize ?? 100;
    this.maxPending = opts.maxPending ?? 100_000;
    this.maxBatch = opts.maxBatch ?? 100;
  }

  /** Called with each batch once it is in the database: what today's figures and the callback list count from. */
  onStored(listener: (records: readonly CallRecord[]) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  get queued(): number {
    return this.pending.length;
  }

  add(records: readonly CallRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.pending.push(r);
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (this.closed) return;
    // A write under way schedules the next itself when it ends: one waiter, not one per burst.
    if (this.flushing) return;
    if (this.pending.length >= this.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Writes everything held now; resolves once it is stored (or the attempt failed and the records are held again). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    let ok = false;
    this.flushing = this.store
      .insert(batch)
      .then(
        () => {
          this.written += batch.length;
          ok = true;
        },
        (err: unknown) => {
          this.pending = batch.concat(this.pending);
          this.opts.onError?.(err, this.pending.length);
          if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), Math.max(this.intervalMs, 1000));
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
    if (!ok) return;
    for (const listener of this.storedListeners) {
      try {
        listener(batch);
      } catch (err) {
        this.opts.onError?.(err, this.pending.length);
      }
    }
    // What came in meanwhile, or the rest of a backlog: a macrotask apart, so I/O runs between transactions.
    if (this.closed) {
      if (this.pending.length > 0) await this.flush();
    } else if (this.pending.length >= this.batchSize) setImmediate(() => void this.flush());
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Stops the timer and writes what is held; what still fails is reported and lost. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

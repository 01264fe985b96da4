/**
 * The delivery log: every attempt to deliver an event to a webhook, as the
 * admin page lists it. Kept in the history's database (table
 * `webhook_deliveries`, migration 0006) when there is one, else in a ring
 * in memory. Attempts are written in small batches off the request path;
 * the table is pruned by age and by count per webhook, so a chatty or
 * failing endpoint cannot grow it without end.
 */
import type { Kysely } from 'kysely';
import type { Delivery } from '@/lib/alerts/model';
import type { HistoryDb } from '../history/schema';
import type { HistoryStore } from '../history/store';

export interface DeliveryRow {
  id: string;
  webhook: string;
  event: string;
  subject: string;
  at: number | string;
  attempt: number;
  status: number;
  answer: string;
  ms: number;
  outcome: string;
}

/** A type, not an interface: Kysely's `withTables` wants an index signature. */
export type DeliveriesDb = { webhook_deliveries: DeliveryRow };

export interface DeliveryLogOptions {
  /** The history's database; absent: a ring of `memoryRows` in memory. */
  history?: HistoryStore | null;
  now?: () => number;
  flushMs?: number;
  batchSize?: number;
  /** Attempts held while the database is away; past it the oldest go, counted. */
  maxPending?: number;
  retentionMs?: number;
  maxPerWebhook?: number;
  pruneEveryMs?: number;
  memoryRows?: number;
  onError?: (err: unknown) => void;
}

const MAX_LIMIT = 500;

function fromRow(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    webhook: r.webhook,
    event: r.event as Delivery['event'],
    subject: r.subject,
    at: Number(r.at),
    attempt: Number(r.attempt),
    status: Number(r.status),
    answer: r.answer,
    ms: Number(r.ms),
    outcome: r.outcome as Delivery['outcome'],
  };
}

export class DeliveryLog {
  private readonly db: Kysely<HistoryDb & DeliveriesDb> | null;
  private readonly now: () => number;
  private pending: Delivery[] = [];
  private memory: Delivery[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private seq = 0;
  /** Attempts lost to the bound while the database failed. */
  dropped = 0;
  written = 0;

  constructor(private readonly opts: DeliveryLogOptions = {}) {
    this.db = opts.history ? opts.history.db.withTables<DeliveriesDb>() : null;
    this.now = opts.now ?? Date.now;
    if (this.db) {
      this.pruneTimer = setInterval(() => void this.prune(), opts.pruneEveryMs ?? 10 * 60_000);
      this.pruneTimer.unref();
    }
  }

  /** A time-ordered id, so attempts in one ms still list in the order they were made. */
  nextId(at: number): string {
    this.seq = (this.seq + 1) % 1_000_000;
    return `${String(at).padStart(14, '0')}-${String(this.seq).padStart(6, '0')}-${Math.random().toString(36).slice(2, 6)}`;
  }

  add(d: Delivery): void {
    if (!this.db) {
      this.memory.push(d);
      const cap = this.opts.memoryRows ?? 2_000;
      if (this.memory.length > cap) this.memory.splice(0, this.memory.length - cap);
      return;
    }
    this.pending.push(d);
    const max = this.opts.maxPending ?? 5_000;
    if (this.pending.length > max) {
      this.dropped += this.pending.length - max;
      this.pending.splice(0, this.pending.length - max);
    }
    if (this.closed || this.flushing) return;
    if (this.pending.length >= (this.opts.batchSize ?? 50)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 250);
      this.timer.unref();
    }
  }

  get queued(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    const db = this.db;
    if (!db || this.pending.length === 0) return;
    const batch = this.pending.splice(0, 200);
    this.flushing = db
      .insertInto('webhook_deliveries')
      .values(batch.map((d) => ({ ...d })))
      .execute()
      .then(
        () => {
          this.written += batch.length;
        },
        (err: unknown) => {
          // Held for the next try, behind the bound.
          this.pending.unshift(...batch);
          this.opts.onError?.(err);
        },
      )
      .finally(() => {
        this.flushing = null;
        if (this.pending.length > 0 && !this.closed && !this.timer) {
          this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 250);
          this.timer.unref();
        }
      });
    await this.flushing;
  }

  /** The latest attempts, newest first (what is still in the batch included). */
  async recent(options: { webhook?: string; limit: number }): Promise<Delivery[]> {
    const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(options.limit) || 1));
    if (!this.db) {
      const out: Delivery[] = [];
      for (let i = this.memory.length - 1; i >= 0 && out.length < limit; i--) {
        const d = this.memory[i];
        if (options.webhook === undefined || d.webhook === options.webhook) out.push(d);
      }
      return out;
    }
    await this.flush();
    let q = this.db.selectFrom('webhook_deliveries').selectAll();
    if (options.webhook !== undefined) q = q.where('webhook', '=', options.webhook);
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Drops what is older than the retention, and past the count each webhook may keep. */
  async prune(): Promise<number> {
    const db = this.db;
    if (!db) return 0;
    try {
      const cutoff = this.now() - (this.opts.retentionMs ?? 7 * 86_400_000);
      let removed = Number((await db.deleteFrom('webhook_deliveries').where('at', '<', cutoff).executeTakeFirst()).numDeletedRows);
      const max = this.opts.maxPerWebhook ?? 10_000;
      const hooks = await db.selectFrom('webhook_deliveries').select('webhook').distinct().execute();
      for (const { webhook } of hooks) {
        const edge = await db
          .selectFrom('webhook_deliveries')
          .select(['at', 'id'])
          .where('webhook', '=', webhook)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .offset(max - 1)
          .limit(1)
          .executeTakeFirst();
        if (!edge) continue;
        const res = await db
          .deleteFrom('webhook_deliveries')
          .where('webhook', '=', webhook)
          .where((eb) => eb.or([eb('at', '<', edge.at), eb.and([eb('at', '=', edge.at), eb('id', '<', edge.id)])]))
          .executeTakeFirst();
        removed += Number(res.numDeletedRows);
      }
      return removed;
    } catch (err) {
      this.opts.onError?.(err);
      return 0;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    await this.flush();
    // One more try for what a failed write held back.
    if (this.pending.length > 0) await this.flush();
  }
}

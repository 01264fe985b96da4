/**
 * One audit log for several nodes. Each node writes its own file first (an
 * entry is on disk before the caller hears the result, as on one node), and
 * this copies every entry to the shared database, in order, a batch at a
 * time; the admin's `GET /api/audit` then reads the table, so it shows every
 * node's actions. A database that is away keeps entries queued (bounded,
 * counted when dropped) and they go in when it is back.
 */
import type { Generated, Kysely } from 'kysely';
import type { AuditEntry, AuditLog, AuditPage, AuditQuery } from '../actions/audit';
import type { HistoryStore } from '../history/store';
import type { Logger } from '../log';

interface SharedAuditTable {
  seq: Generated<number>;
  node: string;
  who: string;
  action: string;
  pbx: string | null;
  result: string;
  entry: string;
}
interface SharedAuditDb {
  shared_audit: SharedAuditTable;
}

const MAX_QUEUED = 10_000;
const BATCH = 500;

export interface AuditReader {
  page(query: AuditQuery): Promise<AuditPage>;
}

export class SharedAudit implements AuditReader {
  private readonly db: Kysely<SharedAuditDb>;
  private queue: AuditEntry[] = [];
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private failing = false;
  readonly stats = { copied: 0, dropped: 0, failures: 0 };

  constructor(
    store: HistoryStore,
    audit: AuditLog,
    private readonly node: string,
    private readonly log: Logger,
  ) {
    this.db = store.db as unknown as Kysely<SharedAuditDb>;
    this.unsubscribe = audit.onWrite((entry) => this.take(entry));
    this.timer = setInterval(() => void this.flush(), 200);
    this.timer.unref();
  }

  private take(entry: AuditEntry): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push(entry);
  }

  /** Copies what is queued; one flush at a time, so the table keeps this node's order. */
  flush(): Promise<void> {
    this.flushing ??= this.copy().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async copy(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, BATCH);
      try {
        await this.db
          .insertInto('shared_audit')
          .values(
            batch.map((e) => ({
              node: this.node,
              who: e.who,
              action: e.action,
              pbx: e.pbx ?? null,
              result: e.result,
              entry: JSON.stringify(e),
            })),
          )
          .execute();
      } catch (err) {
        this.stats.failures++;
        if (!this.failing)
          this.log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'cluster: the shared audit log is not reachable; entries wait',
          );
        this.failing = true;
        return;
      }
      this.failing = false;
      this.queue.splice(0, batch.length);
      this.stats.copied += batch.length;
    }
  }

  /** Newest entries matching the query, oldest first; `next` is the seq to pass as `before` for older ones. */
  async page(query: AuditQuery): Promise<AuditPage> {
    let q = this.db.selectFrom('shared_audit').select(['seq', 'entry']);
    if (query.before !== undefined) q = q.where('seq', '<', query.before);
    if (query.actor !== undefined) q = q.where('who', '=', query.actor);
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.pbx !== undefined) q = q.where('pbx', '=', query.pbx);
    if (query.result !== undefined) q = q.where('result', '=', query.result);
    const rows = await q.orderBy('seq', 'desc').limit(query.limit).execute();
    const entries = rows.map((r) => JSON.parse(r.entry) as AuditEntry).reverse();
    const oldest = rows.at(-1);
    return { entries, next: rows.length === query.limit && oldest ? Number(oldest.seq) : null };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    await this.flush();
  }
}

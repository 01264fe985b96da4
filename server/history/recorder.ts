/**
 * The call history, composed: one journal per PBX fed by its session's event
 * tap, a timer that hands finished records to the writer, and retention.
 *
 * The journal costs the event path one Map lookup for most events; the
 * records leave it on a timer (`takeMs`), and the writer batches them into
 * the database off the event path. `close()` (SIGTERM, via the app's close)
 * hands over every ended conversation, the ones still waiting for their Cdrs
 * too, and waits until the writer has stored them. Calls still up at that
 * moment are not lost: the next start adopts them from the lists.
 */
import { CallJournal, JOURNAL_EVENTS } from '@/lib/history/journal';
import type { PbxState } from '@/lib/pbx/model';
import type { Op } from '@/lib/protocol';
import type { Logger } from '../log';
import type { EventTap } from '../pbx-session';
import type { AuditEntry, AuditLog } from '../actions/audit';
import type { HistoryStore } from './store';
import { HistoryWriter } from './writer';

const DAY_MS = 86_400_000;

/** What the history needs of one PBX's session. */
export interface RecordedPbx {
  id: string;
  session: {
    readonly state: PbxState;
    tapEvents(tap: EventTap | undefined): void;
    onOps(listener: (ops: readonly Op[]) => void): () => void;
  };
}

export interface HistoryRecorderOptions {
  store: HistoryStore;
  pbxs: readonly RecordedPbx[];
  log: Logger;
  now: () => number;
  /** Days kept; 0: all. */
  retentionDays: number;
  /** How often finished records leave the journals (default 250 ms). */
  takeMs?: number;
  cdrWaitMs?: number;
  writer?: ConstructorParameters<typeof HistoryWriter>[1];
  /** The audit log: a supervisor's accepted action on a call is kept in its record, with a link to the entry. */
  audit?: Pick<AuditLog, 'onWrite'>;
}

/** What a PBX session must read for the journal: the `cdr` class, and events the exclude Filter would drop. */
export const HISTORY_READS = { classes: ['cdr'], events: JOURNAL_EVENTS } as const;

export class HistoryRecorder {
  readonly writer: HistoryWriter;
  private readonly journals = new Map<string, CallJournal>();
  private readonly stops: (() => void)[] = [];
  private takeTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<void> | null = null;

  constructor(private readonly opts: HistoryRecorderOptions) {
    const log = opts.log;
    this.writer = new HistoryWriter(opts.store, {
      ...opts.writer,
      onError: (err, pending) =>
        log.error({ err: err instanceof Error ? err.message : String(err), pending }, 'call history: a write failed; kept, trying again'),
    });
    if (opts.audit) this.stops.push(opts.audit.onWrite((entry, end) => this.onAudit(entry, end)));
    for (const pbx of opts.pbxs) {
      const journal = new CallJournal({ pbx: pbx.id, cdrWaitMs: opts.cdrWaitMs });
      this.journals.set(pbx.id, journal);
      const { session } = pbx;
      session.tapEvents((event, name, now) => journal.event(event, name, now, session.state));
      // A complete resync stamps lastResync in an op of its own: the state's calls are then Asterisk's.
      this.stops.push(
        session.onOps((ops) => {
          if (ops.length === 1 && ops[0][0] === 's' && ops[0][1].lastResync !== undefined) journal.reconcile(session.state, opts.now());
        }),
        () => session.tapEvents(undefined),
      );
    }
  }

  /** An action that reached Asterisk and succeeded, on a call or one of its channels. */
  private onAudit(entry: AuditEntry, end: number): void {
    if (entry.result !== 'ok' || entry.pbx === undefined) return;
    const journal = this.journals.get(entry.pbx);
    const params = entry.params;
    if (journal === undefined || typeof params !== 'object' || params === null) return;
    const { call, channel } = params as { call?: unknown; channel?: unknown };
    const target = { call: typeof call === 'string' ? call : undefined, channel: typeof channel === 'string' ? channel : undefined };
    if (target.call === undefined && target.channel === undefined) return;
    const at = Date.parse(entry.time);
    journal.noteAction(target, { at: Number.isFinite(at) ? at : this.opts.now(), who: entry.who, action: entry.action, audit: end });
  }

  start(): void {
    this.takeTimer = setInterval(() => this.takeFinished(), this.opts.takeMs ?? 250);
    this.takeTimer.unref();
    if (this.opts.retentionDays > 0) {
      this.pruneNow();
      this.pruneTimer = setInterval(() => this.pruneNow(), DAY_MS);
      this.pruneTimer.unref();
    }
  }

  /** Conversations followed, records held for the database, and what bounds dropped. */
  stats(): { live: number; queued: number; written: number; dropped: number } {
    let live = 0;
    let dropped = this.writer.dropped;
    for (const j of this.journals.values()) {
      live += j.size;
      dropped += j.dropped;
    }
    return { live, queued: this.writer.queued, written: this.writer.written, dropped };
  }

  private takeFinished(): void {
    const now = this.opts.now();
    for (const journal of this.journals.values()) this.writer.add(journal.take(now));
  }

  private pruneNow(): void {
    if (this.pruning) return;
    const before = this.opts.now() - this.opts.retentionDays * DAY_MS;
    this.pruning = this.opts.store
      .prune(before)
      .then(
        (n) => {
          if (n > 0) this.opts.log.info({ removed: n, days: this.opts.retentionDays }, 'call history: pruned calls past retention');
        },
        (err: unknown) => this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'call history: pruning failed'),
      )
      .finally(() => {
        this.pruning = null;
      });
  }

  /** Stops reading, writes every ended conversation, closes the database. Call after the sessions stopped. */
  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    if (this.takeTimer) clearInterval(this.takeTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.takeTimer = this.pruneTimer = null;
    for (const journal of this.journals.values()) this.writer.add(journal.drain());
    await this.writer.close();
    if (this.writer.queued > 0) this.opts.log.error({ lost: this.writer.queued }, 'call history: records not written at shutdown');
    await this.pruning;
    await this.opts.store.close();
  }
}

/**
 * Keeps the calls to call back in step with the history: every batch the
 * writer has stored is folded into the callbacks table, one batch at a time
 * and in order (a repeat attempt and the answered call that closes it may
 * come in consecutive batches).
 *
 * It has its own connection to the history's database: the writer does not
 * await its listeners, and the recorder closes its store right after the
 * stop's last batch, so on a shared connection that batch's callbacks were
 * lost. Its own is closed once every batch handed to it is applied.
 */
import type { CallRecord } from '@/lib/history/record';
import type { Logger } from '../log';
import type { HistoryWriter } from '../history/writer';
import { HistoryStore, type HistoryStoreOptions } from '../history/store';
import { CallbackStore } from './store';

/** The routes find the callbacks by the history store they already hold (ApiContext.history). */
const byHistory = new WeakMap<HistoryStore, CallbackStore>();

export function callbacksOf(history: HistoryStore): CallbackStore | undefined {
  return byHistory.get(history);
}

export class CallbackService {
  readonly store: CallbackStore;
  private chain: Promise<void> = Promise.resolve();
  private readonly stop: () => void;
  private readonly own: HistoryStore;

  /** `history` is the store the routes hold (ApiContext.history); `database` says where it is, for the own connection. */
  static async open(opts: {
    history: HistoryStore;
    database: HistoryStoreOptions;
    writer: HistoryWriter;
    log: Logger;
  }): Promise<CallbackService> {
    const own = await HistoryStore.open(opts.database);
    return new CallbackService({ ...opts, own });
  }

  private constructor(opts: { history: HistoryStore; own: HistoryStore; writer: HistoryWriter; log: Logger }) {
    const { log } = opts;
    this.own = opts.own;
    this.store = new CallbackStore(opts.own, {
      onListenerError: (err) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'callbacks: a listener failed'),
    });
    byHistory.set(opts.history, this.store);
    this.stop = opts.writer.onStored((records) => this.enqueue(records, log));
  }

  private enqueue(records: readonly CallRecord[], log: Logger): void {
    this.chain = this.chain
      .then(() => this.store.apply(records))
      .then(
        () => undefined,
        (err: unknown) =>
          // The calls themselves are stored; only their callbacks are missed, and the list says so to nobody: log it loudly.
          log.error(
            { err: err instanceof Error ? err.message : String(err), records: records.length },
            'callbacks: a batch was not applied',
          ),
      );
  }

  /** Batches applied so far, for tests and a clean stop. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** After the recorder's close (its last batch is handed over then): applies what is queued and closes the connection. */
  async close(): Promise<void> {
    this.stop();
    await this.chain;
    await this.own.close();
  }
}

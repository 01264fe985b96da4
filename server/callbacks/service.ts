/**
 * Keeps the calls to call back in step with the history: every batch the
 * writer has stored is folded into the callbacks table, one batch at a time
 * and in order (a repeat attempt and the answered call that closes it may
 * come in consecutive batches).
 */
import type { CallRecord } from '@/lib/history/record';
import type { Logger } from '../log';
import type { HistoryWriter } from '../history/writer';
import type { HistoryStore } from '../history/store';
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

  constructor(opts: { history: HistoryStore; writer: HistoryWriter; log: Logger }) {
    const { log } = opts;
    this.store = new CallbackStore(opts.history, {
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

  close(): void {
    this.stop();
  }
}

/**
 * The delivery side, assembled: the dispatcher that posts events to
 * webhooks, and the delivery log it writes each attempt to (in the history's
 * database when there is one). `close()` stops the posting and flushes the log.
 */
import type { AlertEvent, Delivery, WebhookConfig } from '@/lib/alerts/model';
import type { DeliveryDesk, EventSink, WebhookSource } from '../alerts/ports';
import type { HistoryStore } from '../history/store';
import type { Logger } from '../log';
import { DeliveryLog, type DeliveryLogOptions } from './delivery-log';
import { WebhookDispatcher, type DispatcherOptions, type DispatcherStats } from './dispatcher';

export interface OpenDeliveryOptions extends Omit<DispatcherOptions, 'record' | 'nextId' | 'webhooks' | 'log'> {
  webhooks: WebhookSource;
  /** The history's database for the delivery log; null: the log is kept in memory only. */
  history: HistoryStore | null;
  log: Logger;
  deliveryLog?: Omit<DeliveryLogOptions, 'history' | 'now' | 'onError'>;
}

export interface DeliveryService extends EventSink, DeliveryDesk {
  stats(): DispatcherStats & { logQueued: number; logDropped: number };
  close(): Promise<void>;
}

export function openDelivery(opts: OpenDeliveryOptions): DeliveryService {
  const { history, deliveryLog, ...rest } = opts;
  const log = new DeliveryLog({
    ...deliveryLog,
    history,
    now: opts.now,
    onError: (err) => opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'delivery log write failed'),
  });
  const dispatcher = new WebhookDispatcher({ ...rest, record: (d) => log.add(d), nextId: (at) => log.nextId(at) });
  return {
    alert: (e: AlertEvent) => dispatcher.alert(e),
    call: (e) => dispatcher.call(e),
    test: (w: WebhookConfig, e: AlertEvent): Promise<Delivery> => dispatcher.test(w, e),
    recent: (o) => log.recent(o),
    stats: () => ({ ...dispatcher.stats(), logQueued: log.queued, logDropped: log.dropped }),
    async close() {
      await dispatcher.close();
      await log.close();
    },
  };
}

/** No webhooks: what the app delivers to until the config store is wired. */
export const NO_WEBHOOKS: WebhookSource = { webhooks: () => [], onChange: () => () => undefined };

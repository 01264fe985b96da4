/**
 * Alert rules and webhooks edited on one node, in effect on all: the rows
 * are in the shared database already; what each node lacks is the news,
 * since each keeps its own cache (the event reader's is the one that
 * evaluates). A local write is announced with `serverSideEmit`; a node that
 * hears it reads the rows again.
 */
import type { Server } from 'socket.io';
import type { AlertConfigStore } from '../alerts/config-store';
import type { Logger } from '../log';

export function shareAlertConfig(io: Server, store: AlertConfigStore, log: Logger): () => void {
  const unsubscribe = store.onChange((origin) => {
    if (origin === 'local') io.serverSideEmit('cb:alert-config');
  });
  io.on('cb:alert-config', () => {
    store.reload().catch((err: unknown) => {
      log.error(
        { err: err instanceof Error ? err.message : String(err) },
        'cluster: alert rules changed on another node could not be read',
      );
    });
  });
  return unsubscribe;
}

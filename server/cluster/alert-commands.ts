/**
 * Acknowledging or snoozing an alert from any node. The alert lives in the
 * engine of the node that reads the PBX's events; another node checks what
 * it can on its mirror, then asks the reader (`commands.ts`) and answers
 * once its own mirror shows the change.
 */
import type { Redis } from 'ioredis';
import type { Alert } from '@/lib/alerts/model';
import { AlertActionTimeout, type AlertActions, type AlertAnswer } from '../alerts/alert-actions';
import type { AlertService } from '../alerts/service';
import { askReader, ReaderDidNotAnswer, type ClusterCommand } from './commands';
import type { PbxKeys } from './keys';
import type { StreamMirror } from './stream-mirror';

export interface AlertCommandsOptions {
  redis: Redis;
  keys: PbxKeys;
  node: string;
  mirror: StreamMirror;
  /** This node's engine, and whether this node is the reader now (then it acts at once). */
  local: AlertService;
  reading: () => boolean;
  timeoutMs?: number;
}

export class ClusterAlertActions implements AlertActions {
  constructor(private readonly opts: AlertCommandsOptions) {}

  acknowledge(id: string, by: string): AlertAnswer | Promise<AlertAnswer> {
    if (this.opts.reading()) return this.opts.local.acknowledge(id, by);
    const alert = this.alert(id);
    if (!alert) return { ok: false, reason: 'absent' };
    if (alert.ackedBy !== null) return { ok: false, reason: 'acknowledged', alert };
    return this.ask({ k: 'ack', id, by, node: this.opts.node }, (now) =>
      now.ackedBy === null ? null : now.ackedBy === by ? { ok: true, alert: now } : { ok: false, reason: 'acknowledged', alert: now },
    );
  }

  snooze(id: string, by: string, minutes: number): AlertAnswer | Promise<AlertAnswer> {
    if (this.opts.reading()) return this.opts.local.snooze(id, by, minutes);
    const before = this.alert(id);
    if (!before) return { ok: false, reason: 'absent' };
    return this.ask({ k: 'snooze', id, by, minutes, node: this.opts.node }, (now) =>
      now.snoozedUntil !== before.snoozedUntil || now.snoozedBy !== before.snoozedBy ? { ok: true, alert: now } : null,
    );
  }

  private alert(id: string): Alert | undefined {
    const { alerts } = this.opts.mirror.state;
    return Object.hasOwn(alerts, id) ? alerts[id] : undefined;
  }

  /** Sends the request, then waits for the mirror: `done` says when the alert shows the answer. */
  private async ask(cmd: ClusterCommand & { id: string }, done: (alert: Alert) => AlertAnswer | null): Promise<AlertAnswer> {
    try {
      return await askReader<AlertAnswer>(this.opts, cmd, () => {
        const alert = this.alert(cmd.id);
        return alert ? done(alert) : { ok: false, reason: 'absent' };
      });
    } catch (err) {
      throw err instanceof ReaderDidNotAnswer ? new AlertActionTimeout(err.message) : err;
    }
  }
}

/**
 * Acknowledging or snoozing an alert from any node. The alert lives in the
 * engine of the node that reads the PBX's events; another node checks what
 * it can on its mirror, writes the request to the PBX's command stream, and
 * answers once its own mirror shows the change (or 503 after `timeoutMs`).
 * The node that took the request audits it, once; the reader only applies.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Alert } from '@/lib/alerts/model';
import type { Logger } from '../log';
import { AlertActionTimeout, type AlertActions, type AlertAnswer } from '../alerts/alert-actions';
import type { AlertService } from '../alerts/service';
import type { PbxKeys } from './keys';
import type { StreamMirror } from './stream-mirror';

const command = z.object({
  k: z.enum(['ack', 'snooze']),
  id: z.string().min(1).max(400),
  by: z.string().min(1).max(200),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  node: z.string().max(200),
});
type Command = z.infer<typeof command>;

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

/** How long a node waits for its request to show on its mirror: a request younger than this is still awaited. */
export const ALERT_REQUEST_TIMEOUT_MS = 5_000;

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
  private async ask(cmd: Command, done: (alert: Alert) => AlertAnswer | null): Promise<AlertAnswer> {
    const { mirror, redis, keys } = this.opts;
    return new Promise<AlertAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (answer: AlertAnswer | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop();
        if (answer instanceof Error) reject(answer);
        else resolve(answer);
      };
      const check = () => {
        const alert = this.alert(cmd.id);
        if (!alert) return finish({ ok: false, reason: 'absent' });
        const answer = done(alert);
        if (answer) finish(answer);
      };
      const stop = mirror.onOps(check);
      const timeoutMs = this.opts.timeoutMs ?? ALERT_REQUEST_TIMEOUT_MS;
      const timer = setTimeout(
        () => finish(new AlertActionTimeout(`The node that reads this PBX did not confirm within ${timeoutMs / 1000} s; try again`)),
        timeoutMs,
      );
      redis.xadd(keys.commands, 'MAXLEN', '~', '1000', '*', 'c', JSON.stringify(cmd)).catch((err: unknown) => {
        finish(new AlertActionTimeout(`The request could not reach the other nodes: ${err instanceof Error ? err.message : String(err)}`));
      });
    });
  }
}

/**
 * The reader's side: while this node reads the PBX, it applies the requests
 * that arrive, and those still awaited when it began: a request older than
 * the asking node's wait was answered 503 there.
 *
 * Where to start is Redis's clock, not the newest entry: a node that has
 * just won the lease may reach Redis only after a request was written, and
 * would otherwise skip it as "already there".
 */
export class AlertCommandReader {
  private running = false;
  private lastId = '0-0';

  constructor(
    private readonly redis: Redis,
    private readonly keys: PbxKeys,
    private readonly local: AlertService,
    private readonly log: Logger,
    private readonly windowMs = ALERT_REQUEST_TIMEOUT_MS,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
  }

  private async run(): Promise<void> {
    let placed = false;
    while (this.running) {
      try {
        if (!placed) {
          const [seconds, micros] = await this.redis.time();
          const nowMs = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
          this.lastId = `${Math.max(0, nowMs - this.windowMs)}-0`;
          placed = true;
        }
        const answer = (await this.redis.xread('COUNT', 100, 'BLOCK', 1_000, 'STREAMS', this.keys.commands, this.lastId)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            if (this.running) this.apply(fields[1]);
          }
        }
      } catch {
        if (!this.running) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private apply(text: string | undefined): void {
    let parsed;
    try {
      parsed = command.safeParse(JSON.parse(text ?? ''));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      this.log.warn('cluster: a request on the command stream is not valid and is left out');
      return;
    }
    const cmd = parsed.data;
    if (cmd.k === 'ack') this.local.acknowledge(cmd.id, cmd.by);
    else this.local.snooze(cmd.id, cmd.by, cmd.minutes ?? 5);
  }
}

/**
 * Requests for the node that reads a PBX's events, from any node: an alert
 * acknowledged or snoozed, the lists run again. The asking node writes the
 * request to the PBX's command stream and answers once its own mirror shows
 * the outcome, or gives up after the request's timeout. The node that took
 * the request audits it, once; the reader only applies.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../log';
import type { AlertService } from '../alerts/service';
import type { PbxKeys } from './keys';
import type { StreamMirror } from './stream-mirror';

const by = z.string().min(1).max(200);
const node = z.string().max(200);
const alertId = z.string().min(1).max(400);

const clusterCommand = z.discriminatedUnion('k', [
  z.object({ k: z.literal('ack'), id: alertId, by, node }),
  z.object({
    k: z.literal('snooze'),
    id: alertId,
    by,
    node,
    minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
  z.object({ k: z.literal('resync'), node }),
]);
export type ClusterCommand = z.infer<typeof clusterCommand>;

/** How long the asking node waits for each kind: a request younger than this is still awaited. */
export const REQUEST_TIMEOUT_MS: Record<ClusterCommand['k'], number> = { ack: 5_000, snooze: 5_000, resync: 15_000 };
const LONGEST_WAIT_MS = Math.max(...Object.values(REQUEST_TIMEOUT_MS));

/** The reader did not show the outcome in time, or the request could not be written. */
export class ReaderDidNotAnswer extends Error {}

/** Writes `cmd`, then calls `done` on every change of the mirror until it returns an answer. */
export function askReader<T>(
  opts: { redis: Redis; keys: PbxKeys; mirror: StreamMirror; timeoutMs?: number },
  cmd: ClusterCommand,
  done: () => T | null,
): Promise<T> {
  const { mirror, redis, keys } = opts;
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS[cmd.k];
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (answer: { ok: T } | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop();
      if (answer instanceof Error) reject(answer);
      else resolve(answer.ok);
    };
    const check = () => {
      const answer = done();
      if (answer !== null) finish({ ok: answer });
    };
    const stop = mirror.onOps(check);
    const timer = setTimeout(
      () => finish(new ReaderDidNotAnswer(`The node that reads this PBX did not confirm within ${timeoutMs / 1000} s; try again`)),
      timeoutMs,
    );
    redis.xadd(keys.commands, 'MAXLEN', '~', '1000', '*', 'c', JSON.stringify(cmd)).catch((err: unknown) => {
      finish(new ReaderDidNotAnswer(`The request could not reach the other nodes: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
}

export interface CommandHandlers {
  /** Absent: no alert engine here, and alert requests are left out. */
  alerts?: AlertService;
  resync(): Promise<void>;
}

/**
 * The reader's side: while this node reads the PBX, it applies the requests
 * that arrive, and those still awaited when it began. A request older than
 * its kind's wait was answered by its node already, and is left out.
 *
 * Where to start is Redis's clock, not the newest entry: a node that has
 * just won the lease may reach Redis only after a request was written, and
 * would otherwise skip it as "already there".
 */
export class CommandReader {
  private running = false;
  private lastId = '0-0';
  private startedAtMs = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: PbxKeys,
    private readonly handlers: CommandHandlers,
    private readonly log: Logger,
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
          this.startedAtMs = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
          this.lastId = `${Math.max(0, this.startedAtMs - LONGEST_WAIT_MS)}-0`;
          placed = true;
        }
        const answer = (await this.redis.xread('COUNT', 100, 'BLOCK', 1_000, 'STREAMS', this.keys.commands, this.lastId)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            if (this.running) this.apply(id, fields[1]);
          }
        }
      } catch {
        if (!this.running) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private apply(id: string, text: string | undefined): void {
    let parsed;
    try {
      parsed = clusterCommand.safeParse(JSON.parse(text ?? ''));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      this.log.warn('cluster: a request on the command stream is not valid and is left out');
      return;
    }
    const cmd = parsed.data;
    if (Number(id.split('-')[0]) < this.startedAtMs - REQUEST_TIMEOUT_MS[cmd.k]) return;
    const { alerts, resync } = this.handlers;
    if (cmd.k === 'resync') {
      resync().catch((err: unknown) =>
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'cluster: a resync asked by another node failed'),
      );
    } else if (!alerts) return;
    else if (cmd.k === 'ack') alerts.acknowledge(cmd.id, cmd.by);
    else alerts.snooze(cmd.id, cmd.by, cmd.minutes);
  }
}

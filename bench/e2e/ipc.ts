/**
 * The few messages between bench/e2e.ts and its child processes: each child
 * says `ready` once, then answers numbered requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type Reply = Record<string, unknown>;
type Handler = (msg: Record<string, unknown>) => Reply | void | Promise<Reply | void>;

/** In a child: answer requests by type; `ready` tells the parent we are up. */
export function serve(handlers: Record<string, Handler>): { ready(info: Reply): void } {
  process.on('message', (raw) => {
    const msg = raw as { id: number; type: string };
    Promise.resolve()
      .then(() => handlers[msg.type]?.(msg))
      .then(
        (reply) => process.send?.({ id: msg.id, ...(reply ?? {}) }),
        (err: unknown) => process.send?.({ id: msg.id, error: String((err as Error)?.stack ?? err) }),
      );
  });
  return { ready: (info) => process.send?.({ type: 'ready', ...info }) };
}

// A child whose parent goes away (even while it is still starting) ends too: never leave a bench process behind.
if (process.send) process.on('disconnect', () => process.exit(0));

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ChildOptions {
  /** The folder `file` is in; this one by default. */
  dir?: string;
  /** Node's flags for the child (tsx is always loaded). */
  nodeFlags?: string[];
}

/** In the parent: one child process running a TS file of this folder (or of `dir`). */
export class Child {
  readonly proc: ChildProcess;
  readonly ready: Promise<Reply>;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(
    file: string,
    env: Record<string, string> = {},
    { dir = here, nodeFlags = ['--max-old-space-size=4096'] }: ChildOptions = {},
  ) {
    this.proc = fork(path.join(dir, file), [], {
      execArgv: ['--import', 'tsx', ...nodeFlags],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (raw) => {
        const msg = raw as Reply & { id?: number; type?: string };
        if (msg.type === 'ready') return resolve(msg);
        const w = msg.id === undefined ? undefined : this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id!);
        if (typeof msg.error === 'string') w.reject(new Error(`${file}: ${msg.error}`));
        else w.resolve(msg);
      });
      this.proc.on('exit', (code) => {
        const err = new Error(`${file} exited (${code})`);
        reject(err);
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      });
    });
  }

  request(type: string, extra: Reply = {}): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.proc.send({ id, type, ...extra });
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}

/** CPU of this process over a window, as % of one core. */
export function cpuMeter(): () => number {
  const cpu = process.cpuUsage();
  const t = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return ((used.user + used.system) / 1000 / (performance.now() - t)) * 100;
  };
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

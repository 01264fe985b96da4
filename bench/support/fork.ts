/**
 * A child process running one TS file of bench/ (via tsx), with `--expose-gc`
 * so it can measure its own retained heap. It speaks bench/e2e/ipc.ts's
 * messages: `ready` once, then numbered requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply } from '../e2e/ipc';

const benchDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export class BenchChild {
  readonly proc: ChildProcess;
  readonly ready: Promise<Reply>;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  /** `file` is relative to bench/. */
  constructor(file: string, env: Record<string, string> = {}) {
    this.proc = fork(path.join(benchDir, file), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
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

/**
 * A throwaway redis-server on loopback for the multi-node tests: no
 * persistence (a restart loses everything, the hardest case), its files in
 * a temporary directory. `restart` keeps the port, as a restarted Redis
 * behind a fixed address would.
 *
 * Without redis-server installed, `redisOrSkip` fails under CI=true (`.ci/run`
 * installs it; CI must never pass without having run these) and skips locally.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { waitForAsync } from './wait-for';

export interface TestRedis {
  port: number;
  url: string;
  /** Stops it (SIGKILL: nothing is saved anyway). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function findRedisServer(env: Record<string, string | undefined> = process.env): string | null {
  for (const dir of [...(env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin']) {
    const file = path.join(dir, 'redis-server');
    if (dir && fs.existsSync(file)) return file;
  }
  return null;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis(bin: string): Promise<TestRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    await waitForAsync(() => answers(port), `redis-server on ${port}`, 10_000);
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Redis for a describe block: under CI=true a missing redis-server is a failure, locally a skip. */
export function redisOrSkip(): { bin: string | null; skip: boolean } {
  const bin = findRedisServer();
  if (!bin && process.env.CI === 'true')
    throw new Error('redis-server is not installed: .ci/run installs it (apt-get install redis-server)');
  return { bin, skip: bin === null };
}

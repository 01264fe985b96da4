/**
 * A private Callboard server (same build as the suite's), for specs that
 * must stop it or give it their own configuration. It runs in its own
 * process group, so npx and tsx go down together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { expect } from '@playwright/test';

export function startPrivateServer(port: number, env: Record<string, string>): ChildProcess {
  return spawn('npx', ['tsx', 'server/index.ts'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: 'ignore',
  });
}

export async function stopPrivateServer(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** Until the server at `baseURL` answers /api/health with every PBX live (a minute at most). */
export async function waitAllLive(baseURL: string): Promise<void> {
  await expect
    .poll(
      () =>
        fetch(`${baseURL}/api/health`).then(
          (r) => (r.ok ? r.json() : null),
          () => null,
        ),
      { timeout: 60_000, intervals: [250] },
    )
    .toMatchObject({ allLive: true });
}

/**
 * A throwaway PostgreSQL for the tests that run on both databases: a fresh
 * cluster in a temporary directory, on a free loopback port (its socket in
 * that directory too), stopped and deleted after. initdb refuses to run as
 * root, so as root the cluster belongs to the `postgres` user.
 *
 * Without PostgreSQL installed, `postgresOrSkip` fails under CI=true (CI must
 * never pass without having checked PostgreSQL; `.ci/run` installs it) and
 * skips locally.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import pg from 'pg';

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Where initdb and pg_ctl are: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest first). */
export function findPostgresBin(env: Record<string, string | undefined> = process.env, root = '/usr/lib/postgresql'): string | null {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

export async function startPostgres(bin: string): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // Commands as the cluster's owner: root may not own one.
  const run = (cmd: string, args: string[]) => {
    const file = path.join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
    else execFileSync(file, args, { stdio: 'pipe' });
  };
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE callboard_test');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/callboard_test`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Where PostgreSQL is, or why its tests may skip (not installed, CI unset);
 * throws under CI=true, so CI never passes without having checked it.
 */
export function postgresAvailability(
  env: Record<string, string | undefined> = process.env,
  root?: string,
): { bin: string } | { skip: string } {
  const bin = findPostgresBin(env, root);
  if (bin) return { bin };
  const why = 'PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin)';
  if (env.CI === 'true' || env.CI === '1')
    throw new Error(`${why}: CI must test the history on PostgreSQL too. Install it (apt-get install postgresql; .ci/run does).`);
  return { skip: why };
}

/** Starts test/cluster/node-main.ts as a child process, and kills it the hard way. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterTiming } from '@/server/cluster';
import type { DemoPbx } from '../server/harness';

export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** SIGKILL: no lease release, no goodbye. Resolves once the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const ENTRY = path.resolve(import.meta.dirname, 'node-main.ts');

export async function spawnNode(name: string, pbx: DemoPbx, redisUrl: string, timing?: ClusterTiming): Promise<NodeProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cb-proc-${name}-`));
  const account = pbx.users[0];
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      TEST_LOG: process.env.TEST_LOG ?? 'silent',
      CALLBOARD_DATA: dataDir,
      CALLBOARD_BATCH_MS: '20',
      CALLBOARD_SNAPSHOTS_PER_MINUTE: '10000',
      CALLBOARD_HISTORY: 'off',
      ORIGINATE_CONTEXT: 'internal',
      AMI_HOST: pbx.host,
      AMI_PORT: String(pbx.port),
      AMI_USERNAME: account.username,
      AMI_SECRET: account.secret,
      REDIS_URL: redisUrl,
      CALLBOARD_NODE: name,
      ...(timing ? { CB_CLUSTER_TIMING: JSON.stringify(timing) } : {}),
    },
    stdio: ['ignore', 'pipe', process.env.TEST_LOG ? 'inherit' : 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`node ${name} exited (${code}) before listening`)));
  });
  const gone = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await gone();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await gone();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether a node reads the PBX's events now, from its public /api/health. */
export async function isReading(url: string): Promise<boolean> {
  const res = await fetch(`${url}/api/health`);
  const body = (await res.json()) as { cluster?: { reading: boolean } };
  return body.cluster?.reading === true;
}

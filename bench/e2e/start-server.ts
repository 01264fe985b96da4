/**
 * The Callboard server (no Next) for a bench child, against the bench's demo
 * PBX (PBX_PORT, PBX_USER, PBX_SECRET) and, when PBX2_PORT is set, a second
 * one (PBX2_PORT, PBX2_USER, PBX2_SECRET), in a throwaway data dir; resolves
 * once the first resync of every PBX is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCallboard, type Callboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';

export async function startBenchServer(env: Record<string, string> = {}): Promise<{ app: Callboard; url: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bench-'));
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  // BENCH_HISTORY=off: the same server without the call history (and so without today's figures), to set beside it.
  const config = loadConfig({
    CALLBOARD_DATA: dataDir,
    // Every bench client comes from 127.0.0.1: the per-address cap on sockets not yet let in would refuse a wave.
    CALLBOARD_PENDING_SOCKETS_PER_ADDRESS: '10000',
    ...(process.env.BENCH_HISTORY ? { CALLBOARD_HISTORY: process.env.BENCH_HISTORY } : {}),
    ...env,
  });
  const prefixes = process.env.PBX2_PORT ? ['PBX', 'PBX2'] : ['PBX'];
  const app = await createCallboard(config, {
    // Cut-offs and link changes are counted in the figures; warnings would only interleave with the tables.
    // BENCH_LOG=warn sends them to stderr, one JSON line each, to find out why a run went as it did.
    log: createLogger(process.env.BENCH_LOG ?? 'error', { stream: process.stderr, pretty: false }),
    pbxs: prefixes.map((prefix, i) => ({
      config: { ...config.pbxs[0], id: i === 0 ? 'demo' : `demo${i + 1}`, label: `Demo PBX ${i + 1}` },
      ami: {
        host: '127.0.0.1',
        port: Number(process.env[`${prefix}_PORT`]),
        username: process.env[`${prefix}_USER`]!,
        secret: process.env[`${prefix}_SECRET`]!,
        tls: false,
      },
      demo: true,
    })),
    demo: true,
  });
  const address = await app.listen(0, '127.0.0.1');
  while (app.pbxs.list.some((p) => p.session.state.pbx.lastResync === 0)) await new Promise((r) => setTimeout(r, 20));
  return { app, url: `http://127.0.0.1:${address.port}` };
}

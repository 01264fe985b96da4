/**
 * The Callboard server (no Next) for a bench child, against the bench's demo
 * PBX (PBX_PORT, PBX_USER, PBX_SECRET), in a throwaway data dir; resolves once
 * the first resync is done.
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
  const app = await createCallboard(loadConfig({ CALLBOARD_DATA: dataDir, ...env }), {
    // Cut-offs and link changes are counted in the figures; warnings would only interleave with the tables.
    log: createLogger('error'),
    ami: {
      host: '127.0.0.1',
      port: Number(process.env.PBX_PORT),
      username: process.env.PBX_USER!,
      secret: process.env.PBX_SECRET!,
      tls: false,
    },
    demo: true,
  });
  const address = await app.listen(0, '127.0.0.1');
  while (app.session.state.pbx.lastResync === 0) await new Promise((r) => setTimeout(r, 20));
  return { app, url: `http://127.0.0.1:${address.port}` };
}

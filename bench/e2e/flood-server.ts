/**
 * Bench child for bench/snapshot-flood.ts: the Callboard server (no Next)
 * against the bench's demo PBX, with a read-only token for the flood and a
 * second one for the observing socket client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCallboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';
import { serve } from './ipc';
import { serverStats } from './server-stats';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-flood-'));
process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
// CALLBOARD_SNAPSHOTS_PER_MINUTE=10000 measures the shared serialisation alone, without the rate limit.
const limit = process.env.CALLBOARD_SNAPSHOTS_PER_MINUTE;
const app = await createCallboard(loadConfig({ CALLBOARD_DATA: dataDir, ...(limit ? { CALLBOARD_SNAPSHOTS_PER_MINUTE: limit } : {}) }), {
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
const role = (process.env.FLOOD_ROLE ?? 'viewer') as 'viewer' | 'wallboard';
const flood = app.auth.store.createToken('flood', role);
const observer = app.auth.store.createToken('observer', 'viewer');

const stats = serverStats(() => ({ channels: Object.keys(app.session.state.channels).length, batches: app.fanout.stats.batches }));
serve(stats).ready({
  url: `http://127.0.0.1:${address.port}`,
  floodToken: flood.token,
  observerToken: observer.token,
  channels: Object.keys(app.session.state.channels).length,
});
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});

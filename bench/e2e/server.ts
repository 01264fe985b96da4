/** Bench child: the Callboard server (no Next) against the bench's demo PBX. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCallboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';
import { serve } from './ipc';
import { serverStats } from './server-stats';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bench-'));
const app = await createCallboard(loadConfig({ CALLBOARD_DATA: dataDir }), {
  log: createLogger('warn'),
  ami: { host: '127.0.0.1', port: Number(process.env.PBX_PORT), username: process.env.PBX_USER!, secret: process.env.PBX_SECRET!, tls: false },
  demo: true,
});
const address = await app.listen(0, '127.0.0.1');
while (app.session.state.pbx.lastResync === 0) await new Promise((r) => setTimeout(r, 20));
const { token } = app.auth.store.createToken('bench', 'wallboard');

const ipc = serve({
  ...serverStats(() => ({
    channels: Object.keys(app.session.state.channels).length,
    clients: app.io.of('/').sockets.size,
    batches: app.fanout.stats.batches,
    cutOffs: app.fanout.stats.cutOffs,
  })),
  state: () => ({ channels: Object.keys(app.session.state.channels).length, clients: app.io.of('/').sockets.size }),
});
process.on('SIGTERM', () => {
  void app.close().finally(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
ipc.ready({ url: `http://127.0.0.1:${address.port}`, token, channels: Object.keys(app.session.state.channels).length });

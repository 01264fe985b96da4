/** Bench child: the Callboard server (no Next) against the bench's demo PBX. */
import { percentile, serve } from './ipc';
import { serverStats } from './server-stats';
import { startBenchServer } from './start-server';

const { app, url } = await startBenchServer();
// A viewer: a wallboard token is sent aggregates only, and the clients measure channels.
const { token } = app.auth.store.createToken('bench', 'viewer');

/**
 * Server-side latency, free of the client process: for each op creating a
 * channel, the time from its AMI Timestamp to the broadcast of its batch.
 */
let emitted: number[] = [];
let measuring = false;
const created: number[] = [];
const known = new Set(Object.keys(app.session.state.channels));
app.session.onOps((ops) => {
  for (const op of ops) {
    if (op[0] === 'd' && op[1] === 'channels') known.delete(op[2]);
    if (op[0] !== 'u' || op[1] !== 'channels' || known.has(op[2])) continue;
    known.add(op[2]);
    if (measuring && typeof op[3].startedAt === 'number') created.push(op[3].startedAt);
  }
});
const flush = app.fanout.flush.bind(app.fanout);
app.fanout.flush = () => {
  flush();
  const now = Date.now();
  for (const startedAt of created) emitted.push(now - startedAt);
  created.length = 0;
};

const stats = serverStats(() => {
  emitted.sort((a, b) => a - b);
  return { emitP50Ms: percentile(emitted, 0.5), emitP99Ms: percentile(emitted, 0.99) };
});
const ipc = serve({
  ...stats,
  'measure-start': () => {
    stats['measure-start']();
    emitted = [];
    measuring = true;
  },
  'measure-stop': () => {
    measuring = false;
    return {
      ...stats['measure-stop'](),
      channels: Object.keys(app.session.state.channels).length,
      clients: app.io.of('/').sockets.size,
      batches: app.fanout.stats.batches,
      cutOffs: app.fanout.stats.cutOffs,
    };
  },
  state: () => ({ channels: Object.keys(app.session.state.channels).length, clients: app.io.of('/').sockets.size }),
});
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
ipc.ready({ url, token, channels: Object.keys(app.session.state.channels).length });

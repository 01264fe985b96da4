/** Bench child: the Callboard server (no Next) against the bench's demo PBX (or two of them). */
import { percentile, serve } from './ipc';
import { serverStats } from './server-stats';
import { startBenchServer } from './start-server';
import { SESSION_COOKIE } from '@/server/auth/session-cookie';

// REDIS_URL set (bench/cluster.ts): one node of several, each PBX's board the mirror of its Redis stream.
const cluster: Record<string, string> = process.env.REDIS_URL
  ? { REDIS_URL: process.env.REDIS_URL, CALLBOARD_NODE: process.env.CALLBOARD_NODE ?? 'bench' }
  : {};
const { app, url } = await startBenchServer(cluster);
// A viewer: a wallboard token is sent aggregates only, and the clients measure channels.
const { token } = app.auth.store.createToken('bench', 'viewer');
// A TV's token, for the wallboard clients of a mix (bench/cluster.ts BENCH_MIX).
const wallboardToken = app.auth.store.createToken('bench-tv', 'wallboard').token;
// A viewer limited to one queue, for the scoped clients: a session cookie, since tokens are never scoped.
const scopedQueue = Object.keys(app.pbxs.default.session.state.queues).sort()[0] ?? 'none';
// With several nodes the users are shared: another node may have made this one already.
if (!app.auth.store.getUser('bench-lead')) await app.auth.store.addUser('bench-lead', 'viewer', 'bench-lead-password');
app.auth.store.updateUser('bench-lead', { queues: [scopedQueue] });
const lead = await app.auth.login('bench-lead', 'bench-lead-password', '127.0.0.1', Date.now());
if (!lead.ok) throw new Error(`bench: the scoped user could not log in: ${lead.error}`);
const scopedCookie = `${SESSION_COOKIE}=${lead.cookieValue}`;

/**
 * Server-side latency, free of the client process: for each op creating a
 * channel, the time from its AMI Timestamp to the broadcast of its batch.
 */
let emitted: number[] = [];
let measuring = false;
for (const pbx of app.pbxs.list) {
  const created: number[] = [];
  const known = new Set(Object.keys(pbx.session.state.channels));
  pbx.session.onOps((ops) => {
    for (const op of ops) {
      if (op[0] === 'd' && op[1] === 'channels') known.delete(op[2]);
      if (op[0] !== 'u' || op[1] !== 'channels' || known.has(op[2])) continue;
      known.add(op[2]);
      if (measuring && typeof op[3].startedAt === 'number') created.push(op[3].startedAt);
    }
  });
  const flush = pbx.fanout.flush.bind(pbx.fanout);
  pbx.fanout.flush = () => {
    flush();
    const now = Date.now();
    for (const startedAt of created) emitted.push(now - startedAt);
    created.length = 0;
  };
}
const channelCount = () => app.pbxs.list.reduce((n, p) => n + Object.keys(p.session.state.channels).length, 0);
const sum = (f: (p: (typeof app.pbxs.list)[number]) => number) => app.pbxs.list.reduce((n, p) => n + f(p), 0);

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
      channels: channelCount(),
      clients: app.io.of('/').sockets.size,
      batches: sum((p) => p.fanout.stats.batches),
      cutOffs: sum((p) => p.fanout.stats.cutOffs),
      historyWritten: app.history?.recorder.stats().written ?? 0,
      // Several nodes: which PBXs' events this node reads, and what its writers appended (bytes of entry JSON).
      reading: app.pbxs.list.filter((p) => p.cluster?.reading).map((p) => p.id),
      streamBytes: sum((p) => p.cluster?.healthInfo().writer?.bytes ?? 0),
    };
  },
  state: () => ({ channels: channelCount(), clients: app.io.of('/').sockets.size }),
});
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
ipc.ready({ url, token, wallboardToken, scopedCookie, scopedQueue, channels: channelCount() });

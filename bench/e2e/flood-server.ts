/**
 * Bench child for bench/snapshot-flood.ts: the Callboard server (no Next)
 * against the bench's demo PBX, with a read-only token for the flood and a
 * second one for the observing socket client.
 */
import { serve } from './ipc';
import { serverStats } from './server-stats';
import { startBenchServer } from './start-server';

// CALLBOARD_SNAPSHOTS_PER_MINUTE=10000 measures the shared serialisation alone, without the rate limit.
const limit = process.env.CALLBOARD_SNAPSHOTS_PER_MINUTE;
const { app, url } = await startBenchServer(limit ? { CALLBOARD_SNAPSHOTS_PER_MINUTE: limit } : {});
const role = (process.env.FLOOD_ROLE ?? 'viewer') as 'viewer' | 'wallboard';
const flood = app.auth.store.createToken('flood', role);
const observer = app.auth.store.createToken('observer', 'viewer');

const stats = serverStats(() => ({ channels: Object.keys(app.session.state.channels).length, batches: app.fanout.stats.batches }));
serve(stats).ready({
  url,
  floodToken: flood.token,
  observerToken: observer.token,
  channels: Object.keys(app.session.state.channels).length,
});
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});

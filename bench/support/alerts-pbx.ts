/**
 * Bench child: the demo PBX in load mode with 50 queues (startDemoPbx's own
 * `queues` and `agents` options; the demo's default has two), every agent a
 * member of every queue, so the board holds 50 queues and 300 memberships.
 */
import { startDemoPbx } from '@/server/demo-pbx/index';
import { DEFAULT_AGENTS, DEFAULT_QUEUES } from '@/server/demo-pbx/directory';
import { cpuMeter, serve } from '../e2e/ipc';

const QUEUES = Number(process.env.PBX_QUEUES ?? 50);
const queues = Array.from({ length: QUEUES }, (_, i) => ({ ...DEFAULT_QUEUES[i % 2], name: `q${String(i).padStart(2, '0')}` }));
const agents = DEFAULT_AGENTS.map((a) => ({ ...a, queues: queues.map((q) => q.name) }));
const pbx = await startDemoPbx({
  port: 0,
  seed: 1,
  queues,
  agents,
  load: { channels: Number(process.env.PBX_CHANNELS ?? 4000), eventsPerSec: Number(process.env.PBX_EPS ?? 1000) },
});
let meter = cpuMeter();
let eventsAt = pbx.snapshot().events;
let t0 = performance.now();
const ipc = serve({
  'measure-start': () => {
    meter = cpuMeter();
    eventsAt = pbx.snapshot().events;
    t0 = performance.now();
  },
  'measure-stop': () => ({ cpuPct: meter(), eventsPerSec: ((pbx.snapshot().events - eventsAt) / (performance.now() - t0)) * 1000 }),
});
process.on('SIGTERM', () => void pbx.close().then(() => process.exit(0)));
const user = pbx.users[0];
ipc.ready({ port: pbx.port, username: user.username, secret: user.secret });

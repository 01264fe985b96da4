/**
 * Rough fan-out figures: N socket.io clients (in this same process) on a
 * Callboard with a busy demo PBX. Not part of the test suite.
 *   npx tsx test/server/measure-fanout.ts [clients=200]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { login, MirrorClient, startStack, stateAtSameSeq, waitFor } from './harness';

const N = Number(process.argv[2] ?? 200);
const stack = await startStack({ pbx: { traffic: { callsPerMinute: 1200, maxConcurrentCalls: 60 } } });
const cookie = await login(stack.url, 'viewer', 'viewer');
const clients: MirrorClient[] = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) clients.push(new MirrorClient(stack.url, { cookie }));
await waitFor(() => clients.every((c) => c.snapshots === 1), 'all snapshots', 60_000);
console.log(`${N} clients connected with snapshots in ${(performance.now() - t0).toFixed(0)} ms`);
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
let bytes = 0;
let batches = 0;
clients[0].socket.on('ops', (b) => {
  batches++;
  bytes += JSON.stringify(b).length;
});
const start = performance.now();
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 10_000));
const cpu = process.cpuUsage(cpu0);
h.disable();
const secs = (performance.now() - start) / 1000;
console.log(
  `batches/s ${(batches / secs).toFixed(1)}, bytes/batch ${(bytes / batches).toFixed(0)}, channels ${Object.keys(stack.app.session.state.channels).length}`,
);
console.log(
  `process CPU (server+demo PBX+${N} clients) ${(((cpu.user + cpu.system) / 1e6 / secs) * 100).toFixed(0)}%, event-loop delay p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
);
let equal = 0;
for (const c of clients.slice(0, 20)) {
  const s = await stateAtSameSeq(stack.app, c);
  if (JSON.stringify(s.client) === JSON.stringify(s.server)) equal++;
}
console.log(`converged: ${equal}/20 sampled clients equal to the server; gaps ${clients.reduce((n, c) => n + c.gaps, 0)}`);
for (const c of clients) c.close();
await stack.close();
process.exit(0);

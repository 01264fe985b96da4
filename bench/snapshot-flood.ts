/**
 * Snapshot flood (not a test): can one read-only token slow everyone down by
 * looping on `GET /api/snapshot`? The demo PBX in load mode (2,000 channels)
 * and the Callboard server run in their own processes; this process runs the
 * flood (LOOPS parallel loops that ignore Retry-After, as a hostile script
 * would), probes `/api/health` every 50 ms, and counts the batches an
 * observing socket client receives. A healthy server sends one batch per
 * 50 ms window, about 300 in 15 s.
 *
 *   npx tsx bench/snapshot-flood.ts
 *   BENCH_SECONDS=15 BENCH_CHANNELS=2000 BENCH_EPS=1000 LOOPS=20 FLOOD_ROLE=viewer npx tsx bench/snapshot-flood.ts
 *   CALLBOARD_SNAPSHOTS_PER_MINUTE=10000 npx tsx bench/snapshot-flood.ts   (the shared serialisation alone)
 *
 * Runs once without the flood (baseline), then with it. The last line is one JSON object with every figure.
 */
import { io as connect } from 'socket.io-client';
import { Child, percentile } from './e2e/ipc';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const channels = Number(process.env.BENCH_CHANNELS ?? 2000);
const eps = Number(process.env.BENCH_EPS ?? 1000);
const loops = Number(process.env.LOOPS ?? 20);
const floodRole = process.env.FLOOD_ROLE ?? 'viewer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const pbx = new Child('pbx.ts', { PBX_CHANNELS: String(channels), PBX_EPS: String(eps) });
let server: Child | undefined;
process.on('SIGINT', () => void Promise.all([pbx.stop(), server?.stop()]).then(() => process.exit(130)));

interface Window {
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
  healthProbes: number;
  observerBatches: number;
  observerSnapshots: number;
  snapshots200: number;
  snapshots429: number;
  snapshotMB: number;
  otherStatus: number;
  serverCpuPct: number;
  serverLoopLagP99Ms: number;
}

async function main(): Promise<void> {
  const p = await pbx.ready;
  server = new Child('flood-server.ts', {
    PBX_PORT: String(p.port),
    PBX_USER: String(p.username),
    PBX_SECRET: String(p.secret),
    FLOOD_ROLE: floodRole,
  });
  const info = await server.ready;
  const url = String(info.url);
  log(`server up with ${info.channels} channels; flood token role ${floodRole}, ${loops} loops, ${seconds} s windows`);

  let batches = 0;
  let snapshots = 0;
  const observer = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token: String(info.observerToken) },
  });
  observer.on('ops', () => batches++);
  observer.on('snapshot', () => snapshots++);
  while (!snapshots) await sleep(50);
  await sleep(2_000);

  async function window(flood: boolean): Promise<Window> {
    let running = true;
    const counts = { ok: 0, limited: 0, other: 0, bytes: 0 };
    const floodLoop = async () => {
      while (running) {
        try {
          const res = await fetch(`${url}/api/snapshot`, { headers: { authorization: `Bearer ${String(info.floodToken)}` } });
          const body = await res.arrayBuffer();
          if (res.status === 200) {
            counts.ok++;
            counts.bytes += body.byteLength;
          } else if (res.status === 429) counts.limited++;
          else counts.other++;
        } catch {
          counts.other++;
        }
      }
    };
    const latencies: number[] = [];
    const probe = async () => {
      while (running) {
        const t = performance.now();
        const res = await fetch(`${url}/api/health`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        await sleep(50);
      }
    };
    const workers = flood ? Array.from({ length: loops }, floodLoop) : [];
    await sleep(flood ? 1_000 : 0); // let the flood get going before counting
    await server!.request('measure-start');
    const batchesAt = batches;
    const snapshotsAt = snapshots;
    const prober = probe();
    await sleep(seconds * 1000);
    const s = await server!.request('measure-stop');
    const observed = { batches: batches - batchesAt, snapshots: snapshots - snapshotsAt };
    running = false;
    await Promise.all([prober, ...workers]);
    latencies.sort((a, b) => a - b);
    const r = (v: number) => Math.round(v * 10) / 10;
    return {
      healthP50Ms: r(percentile(latencies, 0.5)),
      healthP99Ms: r(percentile(latencies, 0.99)),
      healthMaxMs: r(latencies.at(-1) ?? NaN),
      healthProbes: latencies.length,
      observerBatches: observed.batches,
      observerSnapshots: observed.snapshots,
      snapshots200: counts.ok,
      snapshots429: counts.limited,
      snapshotMB: r(counts.bytes / 1024 / 1024),
      otherStatus: counts.other,
      serverCpuPct: r(Number(s.cpuPct)),
      serverLoopLagP99Ms: r(Number(s.loopLagP99Ms)),
    };
  }

  const baseline = await window(false);
  log(`baseline: ${JSON.stringify(baseline)}`);
  const flooded = await window(true);
  log(`flood:    ${JSON.stringify(flooded)}`);
  observer.disconnect();
  console.table({ baseline, flood: flooded });
  console.log(JSON.stringify({ channels: info.channels, loops, seconds, floodRole, baseline, flood: flooded }));
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => Promise.all([pbx.stop(), server?.stop()]));

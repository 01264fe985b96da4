/**
 * Several nodes on Redis (issue 16), failover: three nodes (each its own
 * process, test/cluster/node-main.ts, the default lease timings) on one
 * demo PBX in load mode and one Redis. Each run kills the event reader with
 * SIGKILL and times, from the signal, until another node reads and until
 * every survivor's board is live again (bench/cluster/watch-failover.ts);
 * then the killed node is started again, so there are always three.
 *
 *   npm run bench:failover
 *   BENCH_RUNS=10 BENCH_CHANNELS=2000 BENCH_EPS=1000 npm run bench:failover
 *
 * Prints a table of the runs and their median and worst, then one JSON line.
 */
import fs from 'node:fs';
import type { DemoPbx } from '../test/server/harness';
import { login } from '../test/server/harness';
import { spawnNode, type NodeProcess } from '../test/cluster/node-process';
import { findRedisServer, startRedis } from '../test/support/redis';
import { LEASE_DEFAULTS } from '../server/cluster/lease';
import { table } from './e2e/report';
import { Fleet, log, startPbx } from './cluster/fleet';
import { watchFailover, type FailoverRun, type Watched } from './cluster/watch-failover';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const channels = Number(process.env.BENCH_CHANNELS ?? 2000);
const eps = Number(process.env.BENCH_EPS ?? 1000);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bin = findRedisServer();
if (!bin) throw new Error('bench:failover needs redis-server (apt-get install redis-server)');

const fleet = new Fleet();
const redis = await startRedis(bin);
const nodes = new Map<string, Watched>();
const stopAll = () => Promise.all([...nodes.values()].map((w) => w.node.stop())).then(() => Promise.all([fleet.stopAll(), redis.stop()]));
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

async function start(name: string, pbx: DemoPbx): Promise<void> {
  const node = await spawnNode(name, pbx, redis.url);
  nodes.set(name, { node, cookie: await login(node.url, 'admin', 'admin') });
}

/** Exactly one node reads, and every board is live: a steady cluster to kill a reader of. */
async function steadyReader(): Promise<NodeProcess> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const states = await Promise.all(
      [...nodes.values()].map(async (w) => {
        const health = (await (await fetch(`${w.node.url}/api/health`)).json()) as { live: boolean; cluster?: { reading: boolean } };
        return { w, live: health.live, reading: health.cluster?.reading === true };
      }),
    );
    const readers = states.filter((s) => s.reading);
    if (readers.length === 1 && states.every((s) => s.live)) return readers[0].w.node;
    await sleep(100);
  }
  throw new Error('no steady cluster (one reader, every board live) within 60 s');
}

const done: FailoverRun[] = [];
try {
  log(`load ${loadavg()}; demo PBX: ${channels} channels, ${eps} events/s; ${runs} runs`);
  const p = await startPbx(fleet, channels, eps);
  // What spawnNode reads of a DemoPbx: where it listens and its first account.
  const pbx = { host: '127.0.0.1', port: p.port, users: [{ username: p.username, secret: p.secret }] } as unknown as DemoPbx;
  for (const name of ['n1', 'n2', 'n3']) await start(name, pbx);
  for (let i = 1; i <= runs; i++) {
    const victim = await steadyReader();
    // A reader some seconds into its term, as in production, not one that only just took over.
    await sleep(2_000);
    const survivors = [...nodes.values()].filter((w) => w.node !== victim);
    const run = await watchFailover(victim, survivors);
    done.push(run);
    log(
      `run ${i}: killed ${run.victim}, ${run.taker} reads after ${Math.round(run.readingMs)} ms, all live after ${Math.round(run.allLiveMs)} ms`,
    );
    nodes.delete(victim.name);
    await start(victim.name, pbx);
  }
  const rows: Record<string, Record<string, unknown>> = {};
  done.forEach((r, i) => {
    rows[`run ${i + 1}`] = {
      killed: r.victim,
      taker: r.taker,
      readingMs: r.readingMs,
      allLiveMs: r.allLiveMs,
      ...Object.fromEntries(Object.entries(r.liveMs).map(([name, ms], j) => [`live${j + 1}Ms`, `${name} ${Math.round(ms)}`])),
      notLiveSeen: Object.values(r.sawNotLive).every(Boolean) ? 'all' : JSON.stringify(r.sawNotLive),
    };
  });
  const sorted = (f: (r: FailoverRun) => number) => done.map(f).sort((a, b) => a - b);
  // Of an even count, the mean of the middle two.
  const median = (xs: number[]) => (xs[Math.floor((xs.length - 1) / 2)] + xs[Math.ceil((xs.length - 1) / 2)]) / 2;
  const summary = {
    median: { readingMs: median(sorted((r) => r.readingMs)), allLiveMs: median(sorted((r) => r.allLiveMs)) },
    worst: { readingMs: Math.max(...sorted((r) => r.readingMs)), allLiveMs: Math.max(...sorted((r) => r.allLiveMs)) },
    best: { readingMs: Math.min(...sorted((r) => r.readingMs)), allLiveMs: Math.min(...sorted((r) => r.allLiveMs)) },
  };
  table(`Failover: SIGKILL to the event reader, three nodes, ${LEASE_DEFAULTS.ttlMs / 1000} s lease TTL (ms from the signal)`, rows);
  table(`Over ${done.length} runs`, summary);
  log(`load ${loadavg()}`);
  process.stdout.write(`${JSON.stringify({ runs: done, summary, load: loadavg() })}\n`);
} finally {
  await stopAll();
}

/**
 * Several nodes on Redis (issue 16), scale: three Callboard nodes sharing
 * two demo PBXs at 1,000 events/s each through one Redis, 500 clients on
 * each node, beside one node with no Redis (the embedded default) and 500
 * clients on the same two PBXs, in the same run. Every node, PBX and group
 * of clients is a process of its own (bench/e2e's children).
 *
 *   npm run bench:cluster
 *   BENCH_SECONDS=12 BENCH_CLIENTS=500 BENCH_PROCS=3 npm run bench:cluster
 *
 * BENCH_CLIENTS is per node; BENCH_PROCS client processes per node, in each
 * of which BENCH_PARSE clients parse everything (the latency is theirs) and
 * the rest are light (bench/e2e/clients.ts). BENCH_MIX=all:50,scoped:350,wallboard:100
 * puts those groups on every node instead: on All, limited to one queue, TV
 * wallboards. Prints tables, then one JSON line.
 */
import fs from 'node:fs';
import { findRedisServer, startRedis } from '../test/support/redis';
import { n1, table } from './e2e/report';
import { Fleet, log, measureWindow, parseMix, startNode, startPbx, twoPbxEnv, type Node, type Window } from './cluster/fleet';
import { redisMeter } from './cluster/redis-meter';

const seconds = Number(process.env.BENCH_SECONDS ?? 12);
const channels = Number(process.env.BENCH_CHANNELS ?? 2000);
const eps = Number(process.env.BENCH_EPS ?? 1000);
const mix = process.env.BENCH_MIX ? parseMix(process.env.BENCH_MIX) : undefined;
const clientsPerNode = mix ? mix.reduce((n, g) => n + g.count, 0) : Number(process.env.BENCH_CLIENTS ?? 500);
const nodeCount = Number(process.env.BENCH_NODES ?? 3);
const procsPerNode = Number(process.env.BENCH_PROCS ?? 2);
const parsePerProc = Number(process.env.BENCH_PARSE ?? 20);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const who = mix ? `${clientsPerNode} clients (${process.env.BENCH_MIX})` : `${clientsPerNode} clients`;
const options = { clientsPerNode, mix, procsPerNode, parsePerProc, seconds, warmupMs: 4_000 };

const fleet = new Fleet();
process.on('SIGINT', () => void fleet.stopAll().then(() => process.exit(130)));
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const bin = findRedisServer();
if (!bin) throw new Error('bench:cluster needs redis-server (apt-get install redis-server)');

function rows(w: Window): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const { name, server, clients } of w.nodes) {
    out[name] = {
      clients: clients.clients,
      p50Ms: clients.latencyP50Ms,
      p99Ms: clients.latencyP99Ms,
      maxMs: clients.latencyMaxMs,
      samples: clients.latencySamples,
      emitP99Ms: server.emitP99Ms,
      nodeCpuPct: server.cpuPct,
      loopLagP99Ms: server.loopLagP99Ms,
      rssMB: server.rssMB,
      kBPerClientPerS: Number(clients.bytesPerClientPerSec) / 1000,
      gaps: clients.gaps,
      cutOffs: server.cutOffs,
      reads: (server.reading as string[] | undefined)?.join('+') || '',
      clientsCpuPct: clients.clientsCpuPct,
    };
  }
  return out;
}

/** The whole configuration: clients served, the worst node's p99, CPU summed over its nodes. */
function totals(w: Window) {
  const sum = (f: (n: Window['nodes'][number]) => number) => w.nodes.reduce((n, x) => n + f(x), 0);
  return {
    clients: sum((n) => Number(n.clients.clients)),
    p99Ms: Math.max(...w.nodes.map((n) => Number(n.clients.latencyP99Ms))),
    emitP99Ms: Math.max(...w.nodes.map((n) => Number(n.server.emitP99Ms))),
    nodesCpuPct: sum((n) => Number(n.server.cpuPct)),
    clientsCpuPct: sum((n) => Number(n.clients.clientsCpuPct)),
    gaps: sum((n) => Number(n.clients.gaps)),
    cutOffs: sum((n) => Number(n.server.cutOffs)),
    redisCpuPct: w.redis?.cpuPct ?? 0,
    pbxEvPerS: w.pbxEventsPerSec,
  };
}

const result: Record<string, unknown> = { seconds, channels, eps, clientsPerNode, mix, nodeCount, procsPerNode, parsePerProc };
try {
  log(`load ${loadavg()}; two PBXs: ${channels} channels and ${eps} events/s each`);
  const pbxs = [await startPbx(fleet, channels, eps), await startPbx(fleet, channels, eps)];
  const env = twoPbxEnv(pbxs);

  let single: Window | null = null;
  if (only !== 'cluster') {
    log(`one node, no Redis, ${who}`);
    const node = await startNode(fleet, 'single', env);
    single = await measureWindow(fleet, [node], pbxs, options);
    await node.child.stop();
    table(`One node, no Redis (embedded default): ${who} on two PBXs at ${eps} events/s each`, rows(single));
    result.single = { nodes: rows(single), totals: totals(single) };
  }

  log(`load ${loadavg()}; ${nodeCount} nodes on one Redis, ${who} each`);
  const redis = await startRedis(bin);
  let cluster: Window;
  try {
    const meter = await redisMeter(redis.url);
    const nodes: Node[] = [];
    // One after the other: the first one takes both leases, as a rolling start of a real cluster would leave them.
    for (let i = 1; i <= nodeCount; i++) {
      const name = `node${i}`;
      nodes.push(await startNode(fleet, name, { ...env, REDIS_URL: redis.url, CALLBOARD_NODE: name }));
    }
    cluster = await measureWindow(fleet, nodes, pbxs, { ...options, redis: meter });
    await Promise.all(nodes.map((n) => n.child.stop()));
    meter.close();
  } finally {
    // A child that failed must not leave a redis-server behind.
    await redis.stop();
  }
  table(`${nodeCount} nodes on one Redis: ${who} each, the same two PBXs`, rows(cluster));
  const r = cluster.redis!;
  table('Redis over the same window', {
    redis: {
      cpuPct: r.cpuPct,
      inKBPerS: r.inBytesPerSec / 1000,
      outKBPerS: r.outBytesPerSec / 1000,
      usedMemoryMB: r.usedMemoryMB,
      streamEntries: r.streamEntries,
      streamMB: r.streamMB,
      pbxEvPerS: cluster.pbxEventsPerSec,
    },
  });
  result.cluster = { nodes: rows(cluster), totals: totals(cluster), redis: r };

  if (single) {
    const [s, c] = [totals(single), totals(cluster)];
    const ratios = {
      clients: c.clients / s.clients,
      p99: c.p99Ms / s.p99Ms,
      emitP99: c.emitP99Ms / s.emitP99Ms,
      cpuAllNodes: c.nodesCpuPct / s.nodesCpuPct,
      cpuAllNodesAndRedis: (c.nodesCpuPct + c.redisCpuPct) / s.nodesCpuPct,
      cpuPerClient: (c.nodesCpuPct + c.redisCpuPct) / c.clients / (s.nodesCpuPct / s.clients),
    };
    table('Totals: one node against the cluster (CPU as % of one core, summed over the nodes)', { 'one node': s, cluster: c });
    table('Ratios, cluster ÷ one node', { ratio: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, `${n1(v)}×`])) });
    result.ratios = ratios;
  }
  result.loadAtEnd = loadavg();
  log(`load ${loadavg()}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await fleet.stopAll();
}

/**
 * End-to-end benchmark (not a test): the demo PBX in load mode, the Callboard
 * server, and socket.io clients, each in its own process, then the naive
 * alternative (every AMI event's whole channel object to every client) on
 * the same PBX load, then memory at 10,000 channels and 200 clients, then the
 * PBX at 2,000 events/s watching for Asterisk's 100 ms write timeout.
 *
 *   npm run bench:e2e
 *   BENCH_SECONDS=10 BENCH_CHANNELS=2000 BENCH_EPS=1000 npm run bench:e2e
 *   npm run bench:e2e -- --only=ours     (skip naive, two PBXs, memory and 2,000 ev/s)
 *   npm run bench:e2e -- --only=two-pbxs (only two PBXs at the full load each, 200 clients on All)
 *   npm run bench:e2e -- --only=scoped   (only 200 clients unscoped, then half of them limited to one queue)
 *
 * Prints a table per section; the last line is one JSON object with every figure.
 */
import os from 'node:os';
import { Child, type Reply } from './e2e/ipc';
import { eventMaskFigures } from './e2e/event-mask';
import { mergeClients, n1, table } from './e2e/report';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const channels = Number(process.env.BENCH_CHANNELS ?? 2000);
const eps = Number(process.env.BENCH_EPS ?? 1000);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const WARMUP_MS = 3_000;

const children = new Set<Child>();
function spawn(file: string, env: Record<string, string>): Child {
  const c = new Child(file, env);
  children.add(c);
  c.proc.once('exit', () => children.delete(c));
  return c;
}
async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function startPbx(pbxChannels: number, pbxEps: number): Promise<{ child: Child; env: Record<string, string> }> {
  const child = spawn('pbx.ts', { PBX_CHANNELS: String(pbxChannels), PBX_EPS: String(pbxEps) });
  const r = await child.ready;
  return { child, env: { PBX_PORT: String(r.port), PBX_USER: String(r.username), PBX_SECRET: String(r.secret) } };
}

interface Run {
  server: Reply;
  clients: Reply;
  pbx: Reply;
  /** Each client process's own figures, in the order of `perProc`. */
  procs: Reply[];
}

/** One server design with N clients: warm up, then measure a window on all three processes at once. */
async function measure(
  pbxOrPbxs: Child | Child[],
  server: Child,
  serverInfo: Reply,
  mode: 'ours' | 'naive',
  clients: number,
  extra: Record<string, string> = {},
  /** Client processes to spread the clients over, so that one saturated client process does not measure itself. */
  procs = 1,
  /** Settings of each client process of its own (e.g. a scoped user's cookie). */
  perProc: Record<string, string>[] = [],
): Promise<Run> {
  const cs = Array.from({ length: procs }, (_, i) =>
    spawn('clients.ts', {
      SERVER_URL: String(serverInfo.url),
      SERVER_TOKEN: String(serverInfo.token ?? ''),
      MODE: mode,
      CLIENTS: String(Math.floor(clients / procs) + (i < clients % procs ? 1 : 0)),
      ...extra,
      ...perProc[i],
    }),
  );
  const pbxs = Array.isArray(pbxOrPbxs) ? pbxOrPbxs : [pbxOrPbxs];
  const ready = await Promise.all(cs.map((c) => c.ready));
  log(`${mode}: ${ready.reduce((n, r) => n + Number(r.clients), 0)}/${clients} clients connected in ${procs} process(es); warming up`);
  await sleep(WARMUP_MS);
  await Promise.all([
    ...pbxs.map((p) => p.request('measure-start')),
    server.request('measure-start'),
    ...cs.map((c) => c.request('measure-start')),
  ]);
  await sleep(seconds * 1000);
  const [s, ...rest] = await Promise.all([
    server.request('measure-stop'),
    ...cs.map((c) => c.request('measure-stop')),
    ...pbxs.map((p) => p.request('measure-stop')),
  ]);
  const cl = mergeClients(rest.slice(0, procs));
  const ps = rest.slice(procs);
  await Promise.all(cs.map((c) => c.stop()));
  // Several PBXs: their event rates add up; the rest is the first one's.
  const pbx = { ...ps[0], eventsPerSec: ps.reduce((n, p) => n + Number(p.eventsPerSec), 0) };
  return { pbx, server: s, clients: cl, procs: rest.slice(0, procs) };
}

async function design(pbx: { child: Child; env: Record<string, string> }, mode: 'ours' | 'naive'): Promise<Record<number, Run>> {
  const server = spawn(mode === 'ours' ? 'server.ts' : 'naive-server.ts', pbx.env);
  const info = await server.ready;
  const out: Record<number, Run> = {};
  for (const n of [50, 200]) out[n] = await measure(pbx.child, server, info, mode, n);
  await server.stop();
  return out;
}

function row(run: Run): Record<string, unknown> {
  return {
    p50Ms: run.clients.latencyP50Ms,
    p99Ms: run.clients.latencyP99Ms,
    maxMs: run.clients.latencyMaxMs,
    samples: run.clients.latencySamples,
    emitP50Ms: run.server.emitP50Ms,
    emitP99Ms: run.server.emitP99Ms,
    serverCpuPct: run.server.cpuPct,
    bytesPerClientPerS: run.clients.bytesPerClientPerSec,
    msgsPerClientPerS: run.clients.messagesPerClientPerSec,
    serverRssMB: run.server.rssMB,
    clientsCpuPct: run.clients.clientsCpuPct,
    pbxEvPerS: run.pbx.eventsPerSec,
    gaps: run.clients.gaps,
    cutOffs: run.server.cutOffs ?? '',
  };
}

/** Two PBXs side by side, each at the full load, 200 clients following both ("All"). */
async function twoPbxSection(): Promise<Record<string, unknown>> {
  log(`two PBXs: ${channels} channels and ${eps} events/s each, 200 clients on "All"`);
  const [p1, p2] = [await startPbx(channels, eps), await startPbx(channels, eps)];
  const twoEnv = { ...p1.env, PBX2_PORT: p2.env.PBX_PORT, PBX2_USER: p2.env.PBX_USER, PBX2_SECRET: p2.env.PBX_SECRET };
  const twoServer = spawn('server.ts', twoEnv);
  const twoInfo = await twoServer.ready;
  const two = await measure([p1.child, p2.child], twoServer, twoInfo, 'ours', 200);
  // One client process receives 200 × 2 PBXs × 20 batches a second and saturates its core; its queue is then the latency.
  const twoSplit = await measure([p1.child, p2.child], twoServer, twoInfo, 'ours', 200, {}, 2);
  await twoServer.stop();
  await Promise.all([p1.child.stop(), p2.child.stop()]);
  const twoRows = { 'ours 200, 2 PBXs': row(two), 'same, clients in 2 processes': row(twoSplit) };
  table(
    `Two PBXs at ${eps} events/s each, 200 clients subscribed to All (clientsCpuPct near 100: the client process is the bottleneck)`,
    twoRows,
  );
  return twoRows;
}

/**
 * Queue scopes: 200 clients unscoped, then the same 200 with half of them a
 * user limited to one queue, on one server and PBX load, clients in two
 * processes of 100 either way. The scoped half's latency counts a channel
 * from its creation to when it reached the scoped client, which for a
 * channel that joins the queue later includes the wait before it did.
 */
async function scopedSection(): Promise<Record<string, unknown>> {
  log(`queue scopes: ${channels} channels, ${eps} events/s, 200 clients, then half of them limited to one queue`);
  const pbx = await startPbx(channels, eps);
  const server = spawn('server.ts', pbx.env);
  const info = await server.ready;
  const all = await measure(pbx.child, server, info, 'ours', 200, {}, 2);
  const half = await measure(pbx.child, server, info, 'ours', 200, {}, 2, [{}, { SERVER_COOKIE: String(info.scopedCookie) }]);
  await server.stop();
  await pbx.child.stop();
  const only = (run: Run, i: number) => row({ ...run, clients: run.procs[i] });
  const rows = {
    'unscoped 200': row(all),
    'half scoped: all 200': row(half),
    'half scoped: the 100 unscoped': only(half, 0),
    [`half scoped: the 100 on ${String(info.scopedQueue)}`]: only(half, 1),
  };
  table(`Queue scopes: server CPU and p99 with 200 clients, none or half limited to one queue (${seconds} s)`, rows);
  return rows;
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = {
    node: process.version,
    cpus: os.cpus().length,
    loadAvgAtStart: os.loadavg().map((l) => n1(l)),
    settings: { seconds, channels, eventsPerSec: eps, warmupMs: WARMUP_MS },
  };

  if (only === 'scoped') {
    result.scoped = await scopedSection();
    process.stdout.write(`${JSON.stringify(result, (_k, v) => n1(v))}\n`);
    return;
  }

  if (only === 'two-pbxs') {
    result.twoPbxs = await twoPbxSection();
    process.stdout.write(`${JSON.stringify(result, (_k, v) => n1(v))}\n`);
    return;
  }

  // 1. Latency, CPU and bytes: ours, then naive, on the same PBX process and load.
  log(`PBX: ${channels} channels, ${eps} events/s`);
  const pbx = await startPbx(channels, eps);
  const ours = await design(pbx, 'ours');
  const naive = only === 'ours' ? undefined : await design(pbx, 'naive');
  await pbx.child.stop();
  const rows: Record<string, Record<string, unknown>> = { 'ours 50': row(ours[50]), 'ours 200': row(ours[200]) };
  if (naive) Object.assign(rows, { 'naive 50': row(naive[50]), 'naive 200': row(naive[200]) });
  table(
    `Latency (AMI Timestamp -> client receipt; emit = -> server broadcast), server CPU (% of one core), bytes per client per second — ${channels} channels, ${eps} events/s, ${seconds} s`,
    rows,
  );
  result.fanout = rows;
  result.goalP99At50 = { goalMs: 100, p99Ms: ours[50].clients.latencyP99Ms, met: Number(ours[50].clients.latencyP99Ms) <= 100 };
  if (naive) {
    const ratios: Record<string, Record<string, unknown>> = {};
    for (const n of [50, 200]) {
      ratios[`naive/ours at ${n}`] = {
        bytesPerClient: Number(naive[n].clients.bytesPerClientPerSec) / Number(ours[n].clients.bytesPerClientPerSec),
        serverCpu: Number(naive[n].server.cpuPct) / Number(ours[n].server.cpuPct),
        messagesPerClient: Number(naive[n].clients.messagesPerClientPerSec) / Number(ours[n].clients.messagesPerClientPerSec),
      };
    }
    table('Naive over ours (how many times more)', ratios);
    result.ratios = ratios;
  }

  if (only !== 'ours') {
    result.twoPbxs = await twoPbxSection();
    result.scoped = await scopedSection();

    // 2. Memory: 10,000 live channels, 200 clients.
    log('PBX: 10,000 channels for the memory run');
    const big = await startPbx(10_000, eps);
    const server = spawn('server.ts', big.env);
    const info = await server.ready;
    const mem = await measure(big.child, server, info, 'ours', 200, { FULL_COPIES: '0' });
    await server.stop();
    await big.child.stop();
    const memory = {
      channels: mem.server.channels,
      clients: mem.server.clients,
      rssMB: mem.server.rssMB,
      rssMaxInWindowMB: mem.server.rssMaxInWindowMB,
      peakRssMB: mem.server.peakRssMB,
      heapUsedMB: mem.server.heapUsedMB,
      goalMB: 300,
      met: Number(mem.server.rssMaxInWindowMB) <= 300,
      p99Ms: mem.clients.latencyP99Ms,
      emitP99Ms: mem.server.emitP99Ms,
      serverCpuPct: mem.server.cpuPct,
    };
    table('Memory: server RSS with 10,000 live channels and 200 clients', { ours: memory });
    result.memory = memory;

    // 3. Asterisk protection at 2,000 events/s.
    log('PBX: 2,000 events/s');
    const fast = await startPbx(channels, 2000);
    const s2 = spawn('server.ts', fast.env);
    const i2 = await s2.ready;
    const run = await measure(fast.child, s2, i2, 'ours', 50);
    await s2.stop();
    await fast.child.stop();
    const protection = {
      pbxEvPerS: run.pbx.eventsPerSec,
      writeBlockedMaxMs: run.pbx.writeBlockedMaxMs,
      writeBlockedTimes: run.pbx.writeBlockedTimes,
      serverLoopLagP99Ms: run.server.loopLagP99Ms,
      serverLoopLagMaxMs: run.server.loopLagMaxMs,
      serverCpuPct: run.server.cpuPct,
      p99Ms: run.clients.latencyP99Ms,
      emitP99Ms: run.server.emitP99Ms,
    };
    table("Asterisk's 100 ms write timeout at 2,000 events/s (PBX socket unwritable time; server event-loop lag)", { ours: protection });
    result.protection = protection;
  }

  // 4. What the event mask and a Filter save on the busy-hour transcript.
  const mask = eventMaskFigures();
  table('04-busy-hour.ami: events and bytes an Events mask / a Filter keep off the wire', {
    'all events': { events: mask.events, bytes: mask.bytes, share: '100%' },
    'outside mask': {
      events: mask.outsideMask.events,
      bytes: mask.outsideMask.bytes,
      share: `${n1((100 * mask.outsideMask.bytes) / mask.bytes)}%`,
    },
    'unused in mask': {
      events: mask.unusedInMask.events,
      bytes: mask.unusedInMask.bytes,
      share: `${n1((100 * mask.unusedInMask.bytes) / mask.bytes)}%`,
    },
  });
  process.stdout.write(
    `unused in mask (${mask.handledBy === 'reducer table' ? 'no handler in the reducer' : 'never changed the state'}), by name: ${JSON.stringify(mask.unusedInMask.names)}\n`,
  );
  process.stdout.write(`handled events that changed nothing: ${mask.noOpInUsed.events} (${mask.noOpInUsed.bytes} bytes)\n`);
  result.eventMask = mask;
  result.loadAvgAtEnd = os.loadavg().map((l) => n1(l));
  process.stdout.write(`${JSON.stringify(result, (_k, v) => n1(v))}\n`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => void stopAll());

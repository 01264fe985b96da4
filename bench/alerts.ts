/**
 * What the alert engine costs: the same server with 100 rules and with none,
 * in turn, against one demo PBX in load mode (its own process) holding 50
 * queues and 2,000 calls at 1,000 events a second; and how long a state
 * change takes to reach a client as an alert.
 *
 * Latency: a socket.io client (this process, a viewer's token, the full
 * view) follows the board. For each `waiting ≥ 1` probe alert it receives
 * (the alert's first upsert), the time from the join of the newest caller of
 * that queue, as Asterisk stamped it (the caller's `waitingSince`, the
 * QueueCallerJoin's Timestamp), to the receipt of the op. The demo PBX and
 * the client share the machine's clock.
 *
 *   npx tsx bench/alerts.ts [--seconds 15] [--rounds 2] [--eps 1000]
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type OpBatch, type Snapshot } from '@/lib/protocol';
import type { Alert } from '@/lib/alerts/model';
import type { QueueCaller } from '@/lib/pbx/model';
import { percentile } from './e2e/ipc';
import { BenchChild } from './support/fork';
import { PROBE_NAME } from './support/alerts-rules';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
    eps: { type: 'string', default: '1000' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const pbx = new BenchChild('support/alerts-pbx.ts', { PBX_EPS: values.eps, PBX_CHANNELS: '4000', PBX_QUEUES: '50' });
const info = (await pbx.ready) as { port: number; username: string; secret: string };
const env = { PBX_PORT: String(info.port), PBX_USER: info.username, PBX_SECRET: info.secret };

/** Follows the board and times each probe alert from the join that raised it. */
function follow(url: string, token: string) {
  const lastJoin = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  const socket = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, token }, reconnection: false, forceNew: true });
  socket.on('snapshot', (s: Snapshot) => {
    for (const c of Object.values(s.state.callers)) lastJoin.set(c.queue, Math.max(lastJoin.get(c.queue) ?? 0, c.waitingSince));
  });
  socket.on('ops', (batch: OpBatch) => {
    const received = Date.now();
    for (const op of batch.ops) {
      if (op[0] !== 'u') continue;
      if (op[1] === 'callers') {
        const c = op[3] as Partial<QueueCaller>;
        if (c.queue && c.waitingSince) lastJoin.set(c.queue, Math.max(lastJoin.get(c.queue) ?? 0, c.waitingSince));
      } else if (op[1] === 'alerts' && measuring) {
        const a = op[3] as Partial<Alert>;
        if (a.firedAt === undefined || a.ruleName !== PROBE_NAME || !a.queue) continue;
        const joined = lastJoin.get(a.queue);
        if (joined) latencies.push(received - joined);
      }
    }
  });
  return {
    start: () => ((latencies.length = 0), (measuring = true)),
    stop: () => {
      measuring = false;
      return [...latencies].sort((x, y) => x - y);
    },
    close: () => socket.close(),
  };
}

interface Window {
  cpuPct: number;
  eventsPerSec: number;
  passes: number;
  passMs: number;
  alerts: number;
  calls: number;
  queues: number;
  p50: number;
  p99: number;
  samples: number;
  byKind: string;
}
const results: Record<'rules' | 'none', Window[]> = { rules: [], none: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (['none', 'rules'] as const) : (['rules', 'none'] as const)) {
      const server = new BenchChild('support/alerts-server.ts', { ...env, BENCH_RULES: mode === 'rules' ? '100' : '0' });
      const { url, token } = (await server.ready) as { url: string; token: string };
      const client = follow(url, token);
      // The first seconds are the resync and the JIT warming: not the steady state.
      await new Promise((r) => setTimeout(r, 3_000));
      await Promise.all([server.request('measure-start'), pbx.request('measure-start')]);
      client.start();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const lat = client.stop();
      const [s, p] = await Promise.all([server.request('measure-stop'), pbx.request('measure-stop')]);
      client.close();
      await server.stop();
      const w: Window = {
        cpuPct: Number(s.cpuPct),
        eventsPerSec: Number(p.eventsPerSec),
        passes: Number(s.passes),
        passMs: Number(s.passMs),
        alerts: Number(s.alerts),
        calls: Number(s.calls),
        queues: Number(s.queues),
        p50: percentile(lat, 0.5),
        p99: percentile(lat, 0.99),
        samples: lat.length,
        byKind: String(s.byKind),
      };
      results[mode].push(w);
      console.log(
        `round ${round + 1} ${mode === 'rules' ? '100 rules' : 'no rules '}: ${w.cpuPct.toFixed(1)} % CPU at ${Math.round(w.eventsPerSec)} events/s, ` +
          `${w.queues} queues, ${w.calls} calls, ${w.passes} passes (${w.passMs.toFixed(1)} ms, ${(w.passMs / Math.max(1, w.passes)).toFixed(3)} ms each), ` +
          `${w.alerts} alerts on the board ${w.byKind}` +
          (mode === 'rules' ? `, change→client p50 ${w.p50} ms p99 ${w.p99} ms over ${w.samples} probe alerts` : ''),
      );
    }
  }
} finally {
  await pbx.stop();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const on = median(results.rules.map((w) => w.cpuPct));
const off = median(results.none.map((w) => w.cpuPct));
const passMs = results.rules.reduce((n, w) => n + w.passMs, 0);
const passes = results.rules.reduce((n, w) => n + w.passes, 0);
const summary = {
  eventsPerSec: Math.round(median([...results.rules, ...results.none].map((w) => w.eventsPerSec))),
  cpuPctRules: +on.toFixed(1),
  cpuPctNoRules: +off.toFixed(1),
  ratio: +(on / off).toFixed(3),
  cpuPctAdded: +(on - off).toFixed(1),
  passMsEach: +(passMs / Math.max(1, passes)).toFixed(3),
  passCpuPct: +((passMs / (rounds * seconds * 1000)) * 100).toFixed(2),
  latencyP50Ms: median(results.rules.map((w) => w.p50)),
  latencyP99Ms: median(results.rules.map((w) => w.p99)),
  probeAlerts: results.rules.reduce((n, w) => n + w.samples, 0),
};
console.log(
  `median: 100 rules ${summary.cpuPctRules} % CPU, none ${summary.cpuPctNoRules} % (×${summary.ratio}); the passes themselves ${summary.passCpuPct} % of a core; ` +
    `state change → client p99 ${summary.latencyP99Ms} ms`,
);
console.log(JSON.stringify(summary));

/**
 * What the call history and today's figures cost the server at 1,000 AMI
 * events a second: the same server with CALLBOARD_HISTORY on and off, in
 * turn against one demo PBX in load mode (its own process), a few windows
 * each, so drift in the machine falls on both alike. No browsers: this is
 * the journal, the writer and the day's tally alone.
 *
 *   npx tsx bench/history-cpu.ts [--seconds 15] [--rounds 3] [--eps 1000]
 */
import { parseArgs } from 'node:util';
import { Child } from './e2e/ipc';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '3' },
    eps: { type: 'string', default: '1000' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const pbx = new Child('pbx.ts', { PBX_EPS: values.eps, PBX_CHANNELS: '2000' });
const info = (await pbx.ready) as { port: number; username: string; secret: string };
const env = { PBX_PORT: String(info.port), PBX_USER: info.username, PBX_SECRET: info.secret };

interface Window {
  cpuPct: number;
  eventsPerSec: number;
  rssMB: number;
  loopLagP99Ms: number;
  written: number;
}
const results: Record<'on' | 'off', Window[]> = { on: [], off: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const server = new Child('server.ts', { ...env, BENCH_HISTORY: mode });
      await server.ready;
      // The first seconds are the resync and the JIT warming: not the steady state.
      await new Promise((r) => setTimeout(r, 3_000));
      await Promise.all([server.request('measure-start'), pbx.request('measure-start')]);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const [s, p] = await Promise.all([server.request('measure-stop'), pbx.request('measure-stop')]);
      await server.stop();
      const w: Window = {
        cpuPct: Number(s.cpuPct),
        eventsPerSec: Number(p.eventsPerSec),
        rssMB: Number(s.rssMB),
        loopLagP99Ms: Number(s.loopLagP99Ms),
        written: Number(s.historyWritten),
      };
      results[mode].push(w);
      console.log(
        `round ${round + 1} history ${mode.padEnd(3)}: ${w.cpuPct.toFixed(1)} % CPU at ${Math.round(w.eventsPerSec)} events/s, ` +
          `RSS ${w.rssMB} MB, loop lag p99 ${w.loopLagP99Ms.toFixed(1)} ms, calls written ${w.written}`,
      );
    }
  }
} finally {
  await pbx.stop();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const on = median(results.on.map((w) => w.cpuPct));
const off = median(results.off.map((w) => w.cpuPct));
const eps = median([...results.on, ...results.off].map((w) => w.eventsPerSec));
const summary = {
  eventsPerSec: Math.round(eps),
  cpuPctHistoryOn: +on.toFixed(1),
  cpuPctHistoryOff: +off.toFixed(1),
  ratio: +(on / off).toFixed(2),
  cpuPctPer1000EventsOfHistory: +(((on - off) / eps) * 1000).toFixed(2),
  rssMBOn: median(results.on.map((w) => w.rssMB)),
  rssMBOff: median(results.off.map((w) => w.rssMB)),
};
console.log(
  `median: history on ${summary.cpuPctHistoryOn} % CPU, off ${summary.cpuPctHistoryOff} % (×${summary.ratio}) at ${summary.eventsPerSec} events/s`,
);
console.log(JSON.stringify(summary));

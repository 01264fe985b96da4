/** What the bench asks of a server process: CPU, memory and event-loop lag over a window. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuMeter, mb, type Reply } from './ipc';

export function serverStats(extra: () => Reply = () => ({})) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let meter = cpuMeter();
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 100);
  sampler.unref();
  return {
    'measure-start': () => {
      meter = cpuMeter();
      lag.reset();
      rssMax = process.memoryUsage.rss();
    },
    'measure-stop': () => {
      const mem = process.memoryUsage();
      return {
        cpuPct: meter(),
        rssMB: mb(mem.rss),
        rssMaxInWindowMB: mb(Math.max(rssMax, mem.rss)),
        peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
        heapUsedMB: mb(mem.heapUsed),
        loopLagP99Ms: lag.percentile(99) / 1e6,
        loopLagMaxMs: lag.max / 1e6,
        ...extra(),
      };
    },
  };
}

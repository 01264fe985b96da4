/**
 * Redis's own cost over a window, measured from outside: CPU from
 * /proc/<pid>/stat (utime + stime, as the kernel counts it for the
 * redis-server process), bytes from `INFO stats` (every client's traffic,
 * in and out, the bench's own INFO included: a few hundred bytes).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Redis } from 'ioredis';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function info(text: string, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  if (!m) throw new Error(`redis INFO: no ${field}`);
  return Number(m[1]);
}

/** CPU seconds the process has used, user + system. */
function cpuSeconds(pid: number): number {
  // Fields after the command name in parentheses (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface RedisFigures {
  cpuPct: number;
  inBytesPerSec: number;
  outBytesPerSec: number;
  usedMemoryMB: number;
  /** The op streams at the window's end: entries in all, and the memory Redis reports for them. */
  streamEntries: number;
  streamMB: number;
}

export async function redisMeter(url: string): Promise<{ start(): Promise<void>; stop(): Promise<RedisFigures>; close(): void }> {
  const redis = new Redis(url, { connectionName: 'bench-meter' });
  const pid = info(await redis.info('server'), 'process_id');
  let at = { t: 0, cpu: 0, input: 0, output: 0 };
  const sample = async () => {
    const stats = await redis.info('stats');
    return {
      t: performance.now(),
      cpu: cpuSeconds(pid),
      input: info(stats, 'total_net_input_bytes'),
      output: info(stats, 'total_net_output_bytes'),
    };
  };
  return {
    async start() {
      at = await sample();
    },
    async stop() {
      const now = await sample();
      const seconds = (now.t - at.t) / 1000;
      const memory = info(await redis.info('memory'), 'used_memory');
      let [streamEntries, streamBytes] = [0, 0];
      for (const key of await redis.keys('cb:*:ops')) {
        streamEntries += await redis.xlen(key);
        streamBytes += Number(await redis.memory('USAGE', key, 'SAMPLES', '0'));
      }
      return {
        cpuPct: ((now.cpu - at.cpu) / seconds) * 100,
        inBytesPerSec: (now.input - at.input) / seconds,
        outBytesPerSec: (now.output - at.output) / seconds,
        usedMemoryMB: Math.round((memory / 1024 / 1024) * 10) / 10,
        streamEntries,
        streamMB: Math.round((streamBytes / 1024 / 1024) * 10) / 10,
      };
    },
    close: () => redis.disconnect(),
  };
}

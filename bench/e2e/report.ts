/** What the benches built on these children print: client figures merged over processes, and tables. */
import type { Reply } from './ipc';

/**
 * One figure set from several client processes: sums and per-client means
 * as such; of the percentiles, the worst process's (an upper bound, since
 * each process only kept its own samples).
 */
export function mergeClients(replies: Reply[]): Reply {
  if (replies.length === 1) return replies[0];
  const num = (r: Reply, k: string) => Number(r[k]);
  const total = replies.reduce((n, r) => n + num(r, 'clients'), 0);
  const weighted = (k: string) => replies.reduce((n, r) => n + num(r, k) * num(r, 'clients'), 0) / total;
  const worst = (k: string) => Math.max(...replies.map((r) => num(r, k)));
  const sum = (k: string) => replies.reduce((n, r) => n + num(r, k), 0);
  return {
    clients: total,
    bytesPerClientPerSec: weighted('bytesPerClientPerSec'),
    messagesPerClientPerSec: weighted('messagesPerClientPerSec'),
    latencyP50Ms: worst('latencyP50Ms'),
    latencyP99Ms: worst('latencyP99Ms'),
    latencyMaxMs: worst('latencyMaxMs'),
    latencySamples: sum('latencySamples'),
    gaps: sum('gaps'),
    snapshots: sum('snapshots'),
    clientsCpuPct: sum('clientsCpuPct'),
  };
}

export const n1 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 10) / 10 : v);

export function table(title: string, rows: Record<string, Record<string, unknown>>): void {
  const cols = [...new Set(Object.values(rows).flatMap((r) => Object.keys(r)))];
  const width = (s: string) => Math.max(s.length, ...Object.keys(rows).map((k) => k.length));
  const first = width('');
  const lines = [`\n${title}`, ['', ...cols].map((c, i) => (i === 0 ? c.padEnd(first) : c.padStart(Math.max(c.length, 10)))).join('  ')];
  for (const [name, r] of Object.entries(rows)) {
    lines.push([name.padEnd(first), ...cols.map((c) => String(n1(r[c]) ?? '').padStart(Math.max(c.length, 10)))].join('  '));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Bench child: the demo PBX in load mode, in its own process. It also plays
 * Asterisk's write timeout referee: Asterisk drops a manager session whose
 * socket stays unwritable for 100 ms (writetimeout), so we record how long
 * each of the PBX's sockets stays full (write() returned false until 'drain').
 */
import net from 'node:net';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { cpuMeter, serve } from './ipc';

let blockedMax = 0;
let blockedCount = 0;
const blockedSince = new WeakMap<net.Socket, number>();
const open = new Set<net.Socket>();
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  const ok = (write as (...a: unknown[]) => boolean).apply(this, args);
  if (!ok && !blockedSince.has(this)) {
    blockedSince.set(this, performance.now());
    open.add(this);
    blockedCount++;
    const done = () => {
      const since = blockedSince.get(this);
      if (since !== undefined) blockedMax = Math.max(blockedMax, performance.now() - since);
      blockedSince.delete(this);
      open.delete(this);
    };
    this.once('drain', done);
    this.once('close', done);
  }
  return ok;
} as typeof net.Socket.prototype.write;

const channels = Number(process.env.PBX_CHANNELS ?? 2000);
const eventsPerSec = Number(process.env.PBX_EPS ?? 1000);
const pbx = await startDemoPbx({ port: 0, seed: 1, load: { channels, eventsPerSec } });
let meter = cpuMeter();
let eventsAt = pbx.snapshot().events;
let t0 = performance.now();

const ipc = serve({
  snapshot: () => ({ ...pbx.snapshot() }),
  'measure-start': () => {
    meter = cpuMeter();
    eventsAt = pbx.snapshot().events;
    t0 = performance.now();
    blockedMax = 0;
    blockedCount = 0;
  },
  'measure-stop': () => {
    const now = performance.now();
    let stillBlocked = 0;
    for (const s of open) stillBlocked = Math.max(stillBlocked, now - (blockedSince.get(s) ?? now));
    return {
      cpuPct: meter(),
      eventsPerSec: ((pbx.snapshot().events - eventsAt) / (now - t0)) * 1000,
      writeBlockedMaxMs: Math.max(blockedMax, stillBlocked),
      writeBlockedTimes: blockedCount,
    };
  },
});
process.on('SIGTERM', () => void pbx.close().then(() => process.exit(0)));
const user = pbx.users[0];
ipc.ready({ port: pbx.port, username: user.username, secret: user.secret });

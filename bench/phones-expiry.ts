/**
 * The contact-expiry check (server/pbx/contact-expiry.ts) on a large PBX:
 * N registered contacts whose phones re-register silently, each after a gap
 * drawn from [refreshMin, refreshMax] s (Expires 300, as 08's phones), so the
 * board's copy of some ExpirationTime has nearly always passed by the next
 * check, and PJSIPShowContacts is read again.
 *
 *   npx tsx bench/phones-expiry.ts [--phones 5000] [--minutes 20] [--intervals 30,60,120] [--refresh 150,295]
 *
 * The real PbxSession over loopback TCP to bench/support/phones-ami.ts (a
 * child process, so its work is not counted here), with the session's clock
 * injected: for each `contactCheckMs` the simulated clock steps one interval
 * at a time through `--minutes` of simulated time, the scripted Asterisk's
 * phones re-register up to that time, and `session.contactExpiry.check()` runs.
 * CPU is `process.cpuUsage()` of this (the Callboard) process around each
 * check; bytes are what its socket received meanwhile. Per-hour figures scale
 * the simulated window to an hour. The last line is JSON.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../server/log';
import { PbxSession } from '../server/pbx-session';
import { BenchChild } from './support/fork';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '5000' },
    minutes: { type: 'string', default: '20' },
    intervals: { type: 'string', default: '30,60,120' },
    refresh: { type: 'string', default: '150,295' },
    seed: { type: 'string', default: '13' },
  },
});
const phones = Number(values.phones);
const minutes = Number(values.minutes);
const intervals = values.intervals.split(',').map((s) => Number(s) * 1000);
const [refreshMin, refreshMax] = values.refresh.split(',').map(Number);
/** 08's clock: 2026-12-01 08:37:45 UTC. */
const START_MS = 1_796_114_265_000;

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : NaN);
const r1 = (x: number) => Math.round(x * 10) / 10;

const ami = new BenchChild('support/phones-ami.ts');
const port = Number((await ami.ready).port);

interface Check {
  read: boolean;
  cpuMs: number;
  wallMs: number;
  bytes: number;
  ops: number;
  opBytes: number;
  deletes: number;
}

async function measure(intervalMs: number) {
  await ami.request('setup', { phones, seed: Number(values.seed), refreshMin, refreshMax, expires: 300, startMs: START_MS });
  let now = START_MS;
  let received = 0;
  let contactLists = 0;
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port, username: 'cb', secret: 'pw', tls: false },
    log: createLogger('silent'),
    label: 'bench',
    demo: false,
    now: () => now,
    driftCheckMs: 0,
    // Off as a timer: the bench calls check() itself at the times it injects (the interval only spaces them).
    contactCheckMs: 0,
    client: {
      authType: 'plain',
      connect: ({ host, port: p }) => {
        const socket = net.connect({ host, port: p });
        socket.setNoDelay(true);
        socket.on('data', (chunk: Buffer) => (received += chunk.length));
        const write = socket.write.bind(socket);
        socket.write = ((data: Uint8Array, ...rest: never[]) => {
          if (Buffer.from(data).toString('latin1').includes('Action: PJSIPShowContacts')) contactLists++;
          return write(data, ...rest);
        }) as typeof socket.write;
        return socket;
      },
    },
  });
  // The contact ops every browser gets (as JSON, before socket.io's framing).
  let ops = 0;
  let opBytes = 0;
  let deletes = 0;
  session.onOps((batch) => {
    for (const op of batch) {
      if (op[1] !== 'contacts') continue;
      if (op[0] === 'd') deletes++;
      ops++;
      opBytes += Buffer.byteLength(JSON.stringify(op)) + 1;
    }
  });
  session.start();
  while (session.state.pbx.lastResync === 0) await new Promise((r) => setTimeout(r, 20));
  const contacts = Object.keys(session.state.contacts).length;

  const checks: Check[] = [];
  const steps = Math.floor((minutes * 60_000) / intervalMs);
  for (let k = 1; k <= steps; k++) {
    now = START_MS + k * intervalMs;
    await ami.request('time', { ms: now });
    const lists0 = contactLists;
    const bytes0 = received;
    const ops0 = ops;
    const opBytes0 = opBytes;
    const deletes0 = deletes;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await session.contactExpiry.check();
    const cpu = process.cpuUsage(cpu0);
    checks.push({
      read: contactLists > lists0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - t0,
      bytes: received - bytes0,
      ops: ops - ops0,
      opBytes: opBytes - opBytes0,
      deletes: deletes - deletes0,
    });
  }
  const { refreshes } = (await ami.request('stats')) as { refreshes: number };
  session.stop();

  const reads = checks.filter((c) => c.read);
  const idle = checks.filter((c) => !c.read);
  const perHour = 60 / minutes;
  const bytes = checks.reduce((s, c) => s + c.bytes, 0);
  const cpuTotal = checks.reduce((s, c) => s + c.cpuMs, 0);
  return {
    intervalS: intervalMs / 1000,
    contacts,
    simulatedMinutes: minutes,
    checks: checks.length,
    reads: reads.length,
    readsPerHour: r1(reads.length * perHour),
    bytesPerRead: median(reads.map((c) => c.bytes)),
    bytesPerHour: Math.round(bytes * perHour),
    cpuMsPerRead: { median: r1(median(reads.map((c) => c.cpuMs))), worst: r1(Math.max(...reads.map((c) => c.cpuMs))) },
    cpuMsPerIdleCheck: r1(median(idle.map((c) => c.cpuMs))),
    wallMsPerRead: { median: r1(median(reads.map((c) => c.wallMs))), worst: r1(Math.max(...reads.map((c) => c.wallMs))) },
    cpuMsPerHour: Math.round(cpuTotal * perHour),
    contactOpsPerRead: median(reads.map((c) => c.ops)),
    contactOpsPerHour: Math.round(checks.reduce((s, c) => s + c.ops, 0) * perHour),
    contactOpBytesPerHour: Math.round(checks.reduce((s, c) => s + c.opBytes, 0) * perHour),
    deletes: checks.reduce((s, c) => s + c.deletes, 0),
    silentRefreshes: refreshes,
  };
}

const results = [];
for (const interval of intervals) {
  const r = await measure(interval);
  results.push(r);
  console.log(
    `contactCheckMs ${r.intervalS * 1000}: ${r.reads} of ${r.checks} checks read PJSIPShowContacts (${r.readsPerHour}/h); ` +
      `${(r.bytesPerRead / 1024).toFixed(0)} KB per read, ${(r.bytesPerHour / 1024 / 1024).toFixed(1)} MB/h; ` +
      `CPU ${r.cpuMsPerRead.median} ms per read (worst ${r.cpuMsPerRead.worst}), ` +
      (r.checks > r.reads ? `${r.cpuMsPerIdleCheck} ms per check that read nothing, ` : '') +
      `${(r.cpuMsPerHour / 1000).toFixed(1)} s/h; wall ${r.wallMsPerRead.median} ms per read; ` +
      `${r.contactOpsPerRead} contact ops per read (${r.contactOpsPerHour}/h, ${(r.contactOpBytesPerHour / 1024 / 1024).toFixed(1)} MB/h to each browser); ` +
      `${r.deletes} removed; ` +
      `${r.contacts} contacts, ${r.silentRefreshes} silent re-registrations in ${minutes} simulated min`,
  );
}
console.log(JSON.stringify({ phones, minutes, refresh: [refreshMin, refreshMax], results }));
await ami.stop();
process.exit(0);

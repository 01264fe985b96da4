/**
 * Events per second through a whole AMI client, over loopback TCP, ours beside
 * the npm peers, on the same bytes: `04-busy-hour.ami` (Asterisk 22), repeated,
 * streamed by a local AMI server once the client has logged in.
 *
 *   npm run bench:parser [-- --reps 10 --runs 3] [--only ours]
 *
 * Clients run alternately, `runs` times each; the best run counts. The last
 * line of output is JSON: {"ours":N,"yana":N,"asterisk-manager":N,"asterisk-ami-client":N}.
 *
 * Best run = most events per wall-clock second; the events per CPU second of that
 * run are shown too, since a busy machine slows every client's wall clock.
 *
 * "ours" subscribes with onEvent and counts, like the peers' handlers do; our
 * packets decode their fields lazily, so "ours, all fields read" is also shown:
 * its subscriber reads every field of every event (the cost a reducer pays).
 */
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { AmiClient } from '../lib/ami/client';
import { AmiParser } from '../lib/ami/parser';
import { transcriptPath } from '../test/fixtures/transcripts';

const require = createRequire(import.meta.url);
const transcript = transcriptPath('04-busy-hour');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const REPS = arg('reps', 10);
const RUNS = arg('runs', 3);
const IDLE_MS = 2000;

const raw = fs.readFileSync(transcript);
const body = raw.subarray(raw.indexOf(0x0a) + 1);
const eventsPerCopy = body
  .toString('latin1')
  .split('\r\n\r\n')
  .filter((b) => /(^|\r\n)Event: /.test(b)).length;
const stream = Buffer.concat(Array.from({ length: REPS }, () => body));
const expectedEvents = eventsPerCopy * REPS;

/** A minimal AMI server: greeting, Challenge/Login (any credentials), Ping; streams on demand. */
async function startServer(): Promise<{ port: number; connected: Promise<net.Socket>; close(): void }> {
  let onSocket!: (s: net.Socket) => void;
  const connected = new Promise<net.Socket>((resolve) => (onSocket = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const parser = new AmiParser({
      onPacket: (p) => {
        const action = (p.fields.Action ?? '').toLowerCase();
        const id = p.fields.ActionID ?? '';
        if (action === 'challenge') socket.write(`Response: Success\r\nActionID: ${id}\r\nChallenge: 840584217\r\n\r\n`);
        else if (action === 'login') socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        else if (action === 'ping') socket.write(`Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\nTimestamp: 0\r\n\r\n`);
        else if (action === 'logoff') socket.end(`Response: Goodbye\r\nActionID: ${id}\r\nMessage: Thanks for all the fish.\r\n\r\n`);
      },
    });
    socket.on('data', (chunk) => parser.push(chunk));
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connected,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A client under test: connect and log in, call `onEvent` per event, then close. */
interface Contender {
  name: string;
  connect(port: number, onEvent: () => void): Promise<() => void>;
}

const ours = (readAll: boolean): Contender => ({
  name: readAll ? 'ours, all fields read' : 'ours',
  connect: (port, onEvent) =>
    new Promise((resolve) => {
      const client = new AmiClient({
        host: '127.0.0.1',
        port,
        username: 'bench',
        secret: 'bench',
        pingIntervalMs: 60_000,
        deadAfterMs: 120_000,
      });
      let sink = 0;
      client.onEvent(
        readAll
          ? (e) => {
              const f = e.fields;
              for (const k in f) sink += f[k].length;
              onEvent();
            }
          : () => onEvent(),
      );
      const off = client.onStatus((s) => {
        if (s.state !== 'connected') return;
        off();
        resolve(() => {
          client.stop();
          if (sink < 0) console.log(sink);
        });
      });
      client.start();
    }),
});

interface Emitter {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

const yana: Contender = {
  name: 'yana',
  connect: (port, onEvent) =>
    new Promise((resolve) => {
      const AMI = require('yana') as new (o: object) => Emitter & { connect(cb: () => void): void; disconnect(): void };
      const ami = new AMI({ port, host: '127.0.0.1', login: 'bench', password: 'bench', events: true, reconnect: false });
      ami.on('event', () => onEvent());
      ami.on('error', () => {});
      ami.connect(() => resolve(() => ami.disconnect()));
    }),
};

const asteriskManager: Contender = {
  name: 'asterisk-manager',
  connect: (port, onEvent) =>
    new Promise((resolve) => {
      const Manager = require('asterisk-manager') as (...a: unknown[]) => Emitter & { disconnect(): void };
      const ami = Manager(port, '127.0.0.1', 'bench', 'bench', true);
      ami.on('managerevent', () => onEvent());
      // Its login has no callback; the login answer is its first 'response'.
      let ready = false;
      ami.on('response', () => {
        if (ready) return;
        ready = true;
        resolve(() => ami.disconnect());
      });
    }),
};

const asteriskAmiClient: Contender = {
  name: 'asterisk-ami-client',
  connect: async (port, onEvent) => {
    const AmiClientPeer = require('asterisk-ami-client') as new (o: object) => Emitter & {
      connect(u: string, s: string, o: object): Promise<unknown>;
      disconnect(): void;
    };
    const client = new AmiClientPeer({ reconnect: false, keepAlive: false, emitEventsByTypes: false, emitResponsesById: false });
    client.on('event', () => onEvent());
    await client.connect('bench', 'bench', { host: '127.0.0.1', port });
    return () => client.disconnect();
  },
};

/** Events/s from the start of streaming to the last event (all expected events, or as many as came). */
interface Measured {
  /** Events per wall-clock second: the figure that counts. */
  rate: number;
  /** Events per CPU second of this process (client and the local server): steadier on a busy machine. */
  cpuRate: number;
  events: number;
}

async function measure(contender: Contender): Promise<Measured> {
  const server = await startServer();
  let count = 0;
  let last = 0;
  let lastCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const close = await contender.connect(server.port, () => {
    // Reading the clock on every event would weigh on the fastest client most.
    if ((++count & 1023) === 0 || count === expectedEvents) {
      last = performance.now();
      lastCpu = process.cpuUsage(cpuStart);
    }
    if (count === expectedEvents) done();
  });
  const socket = await server.connected;
  // Events of the login itself (none here) don't count.
  count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  socket.write(stream);
  let idle: NodeJS.Timeout;
  const watchdog = new Promise<void>((resolve) => {
    let seen = -1;
    const check = () => {
      if (count === seen) return resolve();
      seen = count;
      idle = setTimeout(check, IDLE_MS);
    };
    idle = setTimeout(check, IDLE_MS);
  });
  await Promise.race([finished, watchdog]);
  clearTimeout(idle!);
  close();
  server.close();
  const seconds = (last - start) / 1000;
  const cpuSeconds = (lastCpu.user + lastCpu.system) / 1e6;
  return {
    rate: seconds > 0 ? Math.round(count / seconds) : 0,
    cpuRate: cpuSeconds > 0 ? Math.round(count / cpuSeconds) : 0,
    events: count,
  };
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const contenders = [ours(false), yana, asteriskManager, asteriskAmiClient, ours(true)].filter((c) => !only || c.name === only);
  if (only) {
    // Profiling aid: one contender, no table.
    for (let run = 0; run < RUNS; run++) console.log(only, await measure(contenders[0]));
    return;
  }
  console.log(
    `04-busy-hour.ami x${REPS}: ${(stream.length / 1e6).toFixed(1)} MB, ${expectedEvents} events; ${RUNS} runs each, alternating; best run counts`,
  );
  const best = new Map<string, Measured>();
  for (let run = 0; run < RUNS; run++) {
    for (const c of contenders) {
      const r = await measure(c);
      const prev = best.get(c.name);
      if (!prev || r.rate > prev.rate) best.set(c.name, r);
      console.log(
        `  run ${run + 1} ${c.name.padEnd(22)} ${String(r.rate).padStart(9)} events/s ${String(r.cpuRate).padStart(9)} per CPU s` +
          (r.events === expectedEvents ? '' : `  (got ${r.events} of ${expectedEvents} events)`),
      );
    }
  }
  const oursRate = best.get('ours')!.rate;
  console.log('');
  console.log(`${'client'.padEnd(24)}${'events/s'.padStart(10)}${'ratio to ours'.padStart(16)}${'events/CPU s'.padStart(15)}`);
  for (const c of contenders) {
    const r = best.get(c.name)!;
    const ratio = oursRate > 0 ? (r.rate / oursRate).toFixed(3) : '-';
    const note = r.events === expectedEvents ? '' : `  (only ${r.events} of ${expectedEvents} events arrived)`;
    console.log(`${c.name.padEnd(24)}${String(r.rate).padStart(10)}${ratio.padStart(16)}${String(r.cpuRate).padStart(15)}${note}`);
  }
  const fastestPeer = Math.max(...['yana', 'asterisk-manager', 'asterisk-ami-client'].map((n) => best.get(n)!.rate));
  console.log(
    `ours / fastest peer: ${(oursRate / fastestPeer).toFixed(2)}x (all fields read: ${(best.get('ours, all fields read')!.rate / fastestPeer).toFixed(2)}x)`,
  );
  console.log(
    JSON.stringify({
      ours: oursRate,
      yana: best.get('yana')!.rate,
      'asterisk-manager': best.get('asterisk-manager')!.rate,
      'asterisk-ami-client': best.get('asterisk-ami-client')!.rate,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

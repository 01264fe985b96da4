/**
 * The Callboard side of bench/phones-resync.ts, one fresh process per run so
 * that its heap and RSS deltas are this run's alone: a real PbxSession over
 * loopback TCP to bench/support/phones-ami.ts, from `start()` to live (the
 * status op that stamps `lastResync`).
 *
 * Each action's write is timed on the session's own socket; the lists run one
 * at a time, so a list's time is from its action's write to the next list's
 * (the last one's: to live). That covers Asterisk's answer on the wire, the
 * parse, the resync diff and applying its ops.
 */
import net from 'node:net';
import { serve } from '../e2e/ipc';
import { createLogger } from '../../server/log';
import { PbxSession } from '../../server/pbx-session';

const LISTS = [
  'BridgeList',
  'CoreShowChannels',
  'QueueStatus',
  'ParkedCalls',
  'PJSIPShowContacts',
  'PJSIPShowEndpoints',
  'DeviceStateList',
  'ExtensionStateList',
] as const;
const PHONE_LISTS = LISTS.slice(4);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const port = Number(process.env.PBX_PORT);

async function run(): Promise<Record<string, unknown>> {
  gc();
  gc();
  const before = process.memoryUsage();
  const written = new Map<string, number>();
  let received = 0;
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port, username: 'cb', secret: 'pw', tls: false },
    log: createLogger('silent'),
    label: 'bench',
    demo: false,
    driftCheckMs: 0,
    contactCheckMs: 0,
    client: {
      authType: 'plain',
      connect: ({ host, port: p }) => {
        const socket = net.connect({ host, port: p });
        socket.setNoDelay(true);
        socket.on('data', (chunk: Buffer) => (received += chunk.length));
        const write = socket.write.bind(socket);
        socket.write = ((data: Uint8Array, ...rest: never[]) => {
          const t = performance.now();
          for (const m of Buffer.from(data)
            .toString('latin1')
            .matchAll(/^Action: (\w+)/gm)) {
            if (!written.has(m[1])) written.set(m[1], t);
          }
          return write(data, ...rest);
        }) as typeof socket.write;
        return socket;
      },
    },
  });
  let live = 0;
  const isLive = new Promise<void>((resolve) =>
    session.onOps(() => {
      if (live === 0 && session.state.pbx.lastResync > 0) {
        live = performance.now();
        resolve();
      }
    }),
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  session.start();
  await isLive;
  const cpu = process.cpuUsage(cpu0);
  const atLive = process.memoryUsage();
  const state = session.state;
  const boardJson = Buffer.byteLength(JSON.stringify({ endpoints: state.endpoints, contacts: state.contacts }));
  // The phones' device states and hints live in `devices`: in every full snapshot too.
  const devicesJson = Buffer.byteLength(JSON.stringify(state.devices));
  const listMs: Record<string, number> = {};
  for (let i = 0; i < LISTS.length; i++) {
    const start = written.get(LISTS[i]);
    const end = i + 1 < LISTS.length ? written.get(LISTS[i + 1]) : live;
    if (start !== undefined && end !== undefined) listMs[LISTS[i]] = end - start;
  }
  const phonesStart = written.get(PHONE_LISTS[0]);
  const counts = {
    endpoints: Object.keys(state.endpoints).length,
    contacts: Object.keys(state.contacts).length,
    devices: Object.keys(state.devices).length,
  };
  const warnings = [...state.pbx.warnings];
  gc();
  gc();
  const retained = process.memoryUsage();
  // Keep the session (and its state) alive until after the retained figure.
  session.stop();
  return {
    connectToLiveMs: live - t0,
    phoneListsMs: phonesStart === undefined ? NaN : live - phonesStart,
    listMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    receivedBytes: received,
    boardJsonBytes: boardJson,
    devicesJsonBytes: devicesJson,
    counts,
    warnings,
    heapDeltaAtLive: atLive.heapUsed - before.heapUsed,
    heapDeltaRetained: retained.heapUsed - before.heapUsed,
    rssDeltaAtLive: atLive.rss - before.rss,
    rssBefore: before.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

serve({ run }).ready({});

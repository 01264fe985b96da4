/**
 * Bench child: N socket.io clients, as browsers. For our server they follow
 * snapshot + batches through lib/sync-client, the first FULL_COPIES keeping a
 * whole state with `applyOps`; for the naive one they keep the channel map
 * they are sent.
 *
 * Latency: an op that creates a channel carries `startedAt`, the Newchannel
 * `Timestamp` the PBX stamped when it made the event; the naive server
 * forwards that Timestamp verbatim. Receipt time minus it, on the same
 * machine clock, is the whole path: PBX write, AMI parse, reducer, batching
 * window, socket.io, client parse.
 *
 * Bytes: the payload of every socket.io message received (what ws hands
 * engine.io), counted per client.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { Decoder, Encoder } from 'socket.io-parser';
import { applyOps, type OpBatch, type PbxState, type Snapshot } from '@/lib/protocol';
import { BoardsSync } from '@/lib/sync-client';
import { cpuMeter, percentile, serve } from './ipc';

const url = process.env.SERVER_URL!;
const token = process.env.SERVER_TOKEN ?? '';
/** A session cookie instead of the token: a user limited to some queues (tokens are never scoped). */
const cookie = process.env.SERVER_COOKIE ?? '';
const mode = process.env.MODE as 'ours' | 'naive';
const count = Number(process.env.CLIENTS ?? 50);
/**
 * How many clients keep a whole state copy with applyOps, as a browser does.
 * The rest keep only the set of channel ids (enough to spot a new channel):
 * 200 full copies of a big state in one process would measure this process's
 * garbage collector, not the server.
 */
const fullCopies = Number(process.env.FULL_COPIES ?? 10);
/**
 * How many clients parse what they receive (default: all). The others are
 * "light" (bench/cluster.ts): their socket receives every frame and counts
 * its bytes, but op batches and snapshots are not JSON-parsed, since on
 * 2 cores 1,500 parsing clients would measure the clients. The server
 * cannot tell them apart; latency comes from the parsing ones only.
 */
const parsing = Number(process.env.PARSE_CLIENTS ?? Infinity);

let measuring = false;
let bytes = 0;
let messages = 0;
let samples: number[] = [];
let gaps = 0;
let snapshots = 0;
let meter = cpuMeter();
let t0 = performance.now();

interface Client {
  socket: Socket;
  /** Per PBX, the whole state (for the clients that keep one). */
  states: Map<string, PbxState>;
  /** Per PBX, the channel ids this client has seen. */
  known: Map<string, Set<string>>;
  /** How many PBXs the server said this client follows. */
  expected: number;
  naive: Map<string, unknown>;
  ready: boolean;
}

/** A socket.io decoder that drops op batches unparsed and reports snapshots without parsing them. */
function lightParser(onSnapshot: () => void) {
  class LightDecoder extends Decoder {
    add(obj: unknown): void {
      if (typeof obj === 'string' && obj.startsWith('2["ops"')) return;
      if (typeof obj === 'string' && obj.startsWith('2["snapshot"')) return onSnapshot();
      super.add(obj);
    }
  }
  return { Encoder, Decoder: LightDecoder };
}

let opened = 0;
function open(): Client {
  const index = opened++;
  const keepState = index < fullCopies;
  const light = index >= parsing;
  let c: Client | null = null;
  const socket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(light && {
      parser: lightParser(() => {
        if (!c) return;
        c.known.set(`snapshot-${c.known.size}`, new Set());
        c.ready = c.known.size >= c.expected;
      }),
    }),
    ...(cookie ? { extraHeaders: { cookie } } : { auth: token ? { token } : {} }),
  });
  c = { socket, states: new Map(), known: new Map(), expected: Infinity, naive: new Map(), ready: false };
  socket.on('connect_error', (err) => process.stderr.write(`clients: connect error: ${err.message}\n`));
  socket.io.on('open', () => {
    socket.io.engine.on('data', (data: unknown) => {
      if (!measuring) return;
      bytes += typeof data === 'string' ? Buffer.byteLength(data) : ((data as ArrayBuffer).byteLength ?? 0);
      messages++;
    });
  });
  if (light) {
    // socket.io-client hands decoded packets to the socket a tick later, while the light parser counts snapshots as
    // they are decoded: small snapshots can all be counted before the 'pbxs' list that came first reaches us.
    socket.on('pbxs', (list: unknown[]) => {
      c.expected = list.length;
      c.ready = c.known.size >= c.expected;
    });
  } else if (mode === 'ours') {
    // The one sync client the browser uses; the sink records latency and keeps what this client keeps.
    const sync = new BoardsSync(
      { requestSnapshot: (pbx) => socket.emit('resync', pbx) },
      {
        snapshot: (s: Snapshot) => {
          if (keepState) c.states.set(s.pbx, s.state);
          c.known.set(s.pbx, new Set(Object.keys(s.state.channels)));
          c.ready = c.known.size >= c.expected;
          snapshots++;
        },
        ops: (pbx, ops) => {
          const now = Date.now();
          const known = c.known.get(pbx)!;
          for (const op of ops) {
            if (op[0] === 'd' && op[1] === 'channels') known.delete(op[2]);
            if (op[0] !== 'u' || op[1] !== 'channels' || known.has(op[2])) continue;
            known.add(op[2]);
            // A channel's first op: it was just created (no resync runs in steady load).
            const startedAt = op[3].startedAt;
            if (measuring && typeof startedAt === 'number') samples.push(now - startedAt);
          }
          const state = c.states.get(pbx);
          if (state) applyOps(state, ops);
        },
      },
    );
    socket.on('pbxs', (list: unknown[]) => (c.expected = list.length));
    socket.on('snapshot', (s: Snapshot) => sync.snapshot(s));
    socket.on('ops', (b: OpBatch) => {
      if (sync.batch(b) === 'gap') gaps++;
    });
    socket.on('disconnect', () => sync.disconnected());
  } else {
    socket.on('hello', () => (c.ready = true));
    socket.on('event', (ev: Record<string, string>) => {
      if (measuring && ev.Event === 'Newchannel' && ev.Timestamp) samples.push(Date.now() - Number(ev.Timestamp) * 1000);
      if (!keepState || !ev.Uniqueid) return;
      if (ev.Event === 'Hangup') c.naive.delete(ev.Uniqueid);
      else c.naive.set(ev.Uniqueid, ev);
    });
  }
  return c;
}

const clients: Client[] = [];
// In waves, each wave waiting for its snapshots: 200 big snapshots at once would measure the burst, not the server.
for (let i = 0; i < count; i += 10) {
  const wave = Array.from({ length: Math.min(10, count - i) }, open);
  clients.push(...wave);
  const deadline = Date.now() + 30_000;
  while (!wave.every((c) => c.ready) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!wave.every((c) => c.ready)) {
    process.stderr.write(
      `clients: wave at ${i}: ${wave.filter((c) => c.ready).length} of ${wave.length} got a snapshot in 30 s (${wave.filter((c) => c.socket.connected).length} connected)\n`,
    );
  }
}

const ipc = serve({
  'measure-start': () => {
    measuring = true;
    bytes = messages = gaps = 0;
    samples = [];
    meter = cpuMeter();
    t0 = performance.now();
  },
  'measure-stop': () => {
    measuring = false;
    const seconds = (performance.now() - t0) / 1000;
    samples.sort((a, b) => a - b);
    return {
      clients: clients.filter((c) => c.socket.connected).length,
      bytesPerClientPerSec: bytes / clients.length / seconds,
      messagesPerClientPerSec: messages / clients.length / seconds,
      latencyP50Ms: percentile(samples, 0.5),
      latencyP99Ms: percentile(samples, 0.99),
      latencyMaxMs: samples.length ? samples[samples.length - 1] : NaN,
      latencySamples: samples.length,
      gaps,
      snapshots,
      clientsCpuPct: meter(),
    };
  },
});
process.on('SIGTERM', () => {
  for (const c of clients) c.socket.disconnect();
  process.exit(0);
});
ipc.ready({ clients: clients.filter((c) => c.ready).length });

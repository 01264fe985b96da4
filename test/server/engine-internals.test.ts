/**
 * Contract: the engine.io and socket.io internals that server/realtime/engine-internals.ts
 * reads still look the way it expects. If an upgrade changes them, this fails
 * instead of the fan-out silently never cutting a slow client off.
 *
 * A long-polling client that has not polled yet is the one case where packets
 * provably sit in engine.io's write buffer, so the client here speaks
 * engine.io's polling protocol by hand over real HTTP.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { dropQueuedEvents, encodedEventName, unsentBytes } from '@/server/realtime/engine-internals';

let http: HttpServer;
let io: Server;
let base: string;

beforeEach(async () => {
  http = createServer();
  io = new Server(http, { serveClient: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/?EIO=4&transport=polling`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => io.close(() => resolve()));
});

/** engine.io's polling framing: packets joined by the record separator. */
const RS = '\x1e';

/** Opens a polling session and connects the main namespace; resolves with the server-side socket. */
async function pollingClient(): Promise<{ sid: string; socket: Socket }> {
  const joined = new Promise<Socket>((resolve) => io.once('connection', resolve));
  const open = await (await fetch(base)).text(); // 0{"sid":…}
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const post = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' });
  expect(post.status).toBe(200);
  const socket = await joined;
  // The namespace's connect answer is queued for us; collect it so the buffer starts empty.
  expect(await (await fetch(`${base}&sid=${sid}`)).text()).toMatch(/^40/);
  return { sid, socket };
}

describe('engine.io internals the fan-out relies on', () => {
  it('queued packets sit in conn.writeBuffer, are counted, and can be dropped by event name', async () => {
    const { sid, socket } = await pollingClient();
    expect(unsentBytes(socket)).toBe(0);

    socket.emit('ops', { seq: 1, ops: [] });
    socket.emit('snapshot', { seq: 1, state: {} });
    socket.emit('notice', 'keep me');
    const queued = (socket.conn as unknown as { writeBuffer: { type: string; data: string }[] }).writeBuffer;
    expect(queued.map((p) => p.type)).toEqual(['message', 'message', 'message']);
    expect(queued.map((p) => encodedEventName(p.data))).toEqual(['ops', 'snapshot', 'notice']);
    expect(unsentBytes(socket)).toBe(queued.reduce((n, p) => n + p.data.length, 0));

    expect(dropQueuedEvents(socket, new Set(['ops', 'snapshot']))).toBe(2);
    // What engine.io now sends is what we left: the buffer we trimmed is the real one.
    const delivered = (await (await fetch(`${base}&sid=${sid}`)).text()).split(RS);
    expect(delivered).toEqual(['42["notice","keep me"]']);
    expect(unsentBytes(socket)).toBe(0);
  });

  it('drops one PBX’s queued state packets and keeps another’s, reading only the packet head', async () => {
    const { sid, socket } = await pollingClient();
    const big = 'x'.repeat(100_000);
    socket.emit('ops', { pbx: 'a', seq: 1, ops: [] });
    socket.emit('snapshot', { protocol: 2, pbx: 'b', seq: 1, state: { big } });
    socket.emit('snapshot', { protocol: 2, pbx: 'a', seq: 2, state: { big } });
    socket.emit('ops', { pbx: 'b', seq: 2, ops: [] });
    expect(dropQueuedEvents(socket, new Set(['ops', 'snapshot']), 'a')).toBe(2);
    const delivered = (await (await fetch(`${base}&sid=${sid}`)).text()).split(RS);
    expect(
      delivered.map((d) => JSON.parse(d.slice(2)) as [string, { pbx: string; seq: number }]).map(([e, b]) => `${e} ${b.pbx} ${b.seq}`),
    ).toEqual(['snapshot b 1', 'ops b 2']);
  });

  it('a WebSocket transport exposes ws’s bufferedAmount', async () => {
    const joined = new Promise<Socket>((resolve) => io.once('connection', resolve));
    const client = connect(base.replace('/socket.io/?EIO=4&transport=polling', ''), {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const socket = await joined;
      const transport = (socket.conn as unknown as { transport: { name: string; socket: { bufferedAmount: unknown } } }).transport;
      expect(transport.name).toBe('websocket');
      expect(typeof transport.socket.bufferedAmount).toBe('number');
      expect(unsentBytes(socket)).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});

describe('encodedEventName', () => {
  it.each([
    ['2["ops",{"seq":1}]', 'ops'],
    ['21["action",{}]', 'action'],
    ['2/admin,["snapshot",{}]', 'snapshot'],
    ['2/admin,7["x"]', 'x'],
    ['31[{"ok":true}]', null],
    ['40{"sid":"a"}', null],
    ['2', null],
    [42, null],
  ])('%j → %j', (data, name) => {
    expect(encodedEventName(data)).toBe(name);
  });
});

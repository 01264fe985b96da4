/**
 * The fan-out on its own, with a real socket.io server and real clients and a
 * synthetic op source that can produce far more bytes than the demo PBX.
 */
import { grantsFor } from '@/lib/grants';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyOps, upsert, type Op } from '@/lib/protocol';
import { emptyState } from '@/lib/pbx/model';
import { createLogger } from '@/server/log';
import { Fanout, type CallboardServer, type OpSource } from '@/server/realtime/fanout';
import { MirrorClient, waitFor, wireCopy } from './mirror';

class TestSource implements OpSource {
  readonly state = emptyState();
  private listeners = new Set<(ops: readonly Op[]) => void>();
  onOps(l: (ops: readonly Op[]) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  push(ops: Op[]) {
    applyOps(this.state, ops);
    for (const l of this.listeners) l(ops);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(maxBufferedBytes: number) {
  const http = createServer();
  const io: CallboardServer = new Server(http, { serveClient: false });
  const source = new TestSource();
  const fanout = new Fanout(io, source, {
    pbx: 't',
    batchMs: 10,
    maxBufferedBytes,
    resumeBelowBytes: 16 * 1024,
    log: createLogger('silent'),
  });
  io.on('connection', (s) => {
    s.data = { user: 't', role: 'viewer', address: '', pbxs: ['t'], grants: grantsFor('viewer') };
    fanout.attach(s);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  cleanups.push(
    () => new Promise<void>((r) => io.close(() => r())),
    () => fanout.close(),
  );
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, source, fanout };
}

describe('fan-out', () => {
  it('coalesces a window of ops into one numbered batch for everyone', async () => {
    const { url, source, fanout } = await serve(1 << 20);
    const a = new MirrorClient(url, {});
    const b = new MirrorClient(url, {});
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    await waitFor(() => a.snapshots === 1 && b.snapshots === 1, 'snapshots');
    for (let i = 0; i < 100; i++) source.push([upsert('devices', `d${i}`, { state: 'INUSE', kind: 'device', status: -1, since: i })]);
    fanout.flush();
    await waitFor(() => a.seq === fanout.currentSeq && b.seq === fanout.currentSeq, 'batch');
    expect(fanout.currentSeq).toBe(1);
    expect(a.batches).toBe(1);
    expect(a.state).toEqual(wireCopy(source.state));
    expect(b.state).toEqual(wireCopy(source.state));
  });

  it('cuts off a client that stops reading, without delaying the others, and resyncs it once it drains', async () => {
    const { url, source, fanout } = await serve(256 * 1024);
    const fast = new MirrorClient(url, {});
    const slow = new MirrorClient(url, {});
    cleanups.push(
      () => fast.close(),
      () => slow.close(),
    );
    await waitFor(
      () => fast.snapshots === 1 && slow.snapshots === 1 && slow.socket.io.engine?.transport?.name === 'websocket',
      'both connected',
    );
    // Stop reading the slow client's TCP socket: the kernel buffers fill, then the server's.
    const tcp = (slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    tcp.pause();

    const blob = 'x'.repeat(16 * 1024);
    const latencies: number[] = [];
    for (let round = 0; round < 600 && fanout.stats.cutOffs === 0; round++) {
      const ops: Op[] = [];
      for (let i = 0; i < 8; i++) ops.push(upsert('devices', `d${i}`, { state: blob, since: round }));
      source.push(ops);
      fanout.flush();
      const sent = Date.now();
      const target = fanout.currentSeq;
      await waitFor(() => fast.seq >= target, `fast client at seq ${target}`, 5_000);
      latencies.push(Date.now() - sent);
    }
    expect(fanout.stats.cutOffs).toBe(1);
    expect(fast.gaps).toBe(0);
    latencies.sort((x, y) => x - y);
    // The fast client kept receiving every batch promptly while the slow one was stuck.
    expect(latencies[Math.floor(latencies.length * 0.99)]).toBeLessThan(500);

    tcp.resume();
    await waitFor(() => slow.snapshots === 2, 'fresh snapshot for the slow client', 10_000);
    source.push([upsert('devices', 'after', { state: 'NOT_INUSE' })]);
    fanout.flush();
    await waitFor(() => slow.seq === fanout.currentSeq && fast.seq === fanout.currentSeq, 'both caught up');
    expect(slow.state).toEqual(wireCopy(source.state));
    expect(fast.state).toEqual(wireCopy(source.state));
  });

  it('does not count a big snapshot still on its way as falling behind', async () => {
    const { url, source, fanout } = await serve(256 * 1024);
    const blob = 'y'.repeat(64 * 1024);
    const big: Op[] = [];
    for (let i = 0; i < 200; i++) big.push(upsert('devices', `big${i}`, { state: blob }));
    source.push(big); // a 12.5 MiB state: more than the kernel's socket buffers hold
    const c = new MirrorClient(url, {});
    cleanups.push(() => c.close());
    // Stop reading as soon as the connection opens, so the snapshot sits in the server's buffers.
    let tcp: { pause(): void; resume(): void } | undefined;
    c.socket.io.on('open', () => {
      tcp = (c.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
      tcp.pause();
    });
    await waitFor(() => fanout.stats.snapshots === 1, 'snapshot emitted');
    // Small batches keep coming while the snapshot is still on its way.
    for (let i = 0; i < 10; i++) {
      source.push([upsert('devices', 'small', { since: i })]);
      fanout.flush();
      // One turn of the event loop: each batch its own write behind the paused snapshot.
      await new Promise((r) => setImmediate(r));
    }
    tcp!.resume();
    await waitFor(() => c.seq === fanout.currentSeq, 'caught up');
    expect(fanout.stats.cutOffs).toBe(0);
    expect(c.snapshots).toBe(1);
    expect(c.state).toEqual(wireCopy(source.state));
  });
});

describe('adaptive batching', () => {
  it('sends at once after a quiet window, and coalesces what follows until the window ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'] });
    cleanups.push(() => vi.useRealTimers());
    let now = 1_000_000;
    const io: CallboardServer = new Server({ serveClient: false });
    const source = new TestSource();
    const fanout = new Fanout(io, source, { pbx: 't', batchMs: 50, log: createLogger('silent'), now: () => now });
    cleanups.push(() => fanout.close()); // never listened: nothing else to close

    // Quiet before: the first op waits only for the current I/O turn, not for a window.
    source.push([upsert('channels', 'a', { id: 'a' })]);
    source.push([upsert('channels', 'b', { id: 'b' })]); // same turn: same batch
    expect(fanout.stats.batches).toBe(0);
    vi.advanceTimersToNextTimer();
    expect(fanout.stats.batches).toBe(1);

    // Under load: ops 10 ms later wait for the rest of the window, then go together.
    now += 10;
    source.push([upsert('channels', 'c', { id: 'c' })]);
    vi.advanceTimersByTime(39);
    source.push([upsert('channels', 'd', { id: 'd' })]);
    expect(fanout.stats.batches).toBe(1);
    vi.advanceTimersByTime(1);
    expect(fanout.stats.batches).toBe(2);
    expect(fanout.currentSeq).toBe(2);

    // Quiet again: immediate once more.
    now += 500;
    source.push([upsert('channels', 'e', { id: 'e' })]);
    vi.advanceTimersToNextTimer();
    expect(fanout.stats.batches).toBe(3);
  });
});

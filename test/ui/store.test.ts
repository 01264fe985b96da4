/**
 * The browser store against a real socket.io server that we drive by hand:
 * batches apply in order with fresh references only where something changed,
 * and a gap in seq makes the store ask for a snapshot and drop batches until
 * it arrives.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import { emptyState, type PbxState } from '@/lib/pbx/model';
import { PROTOCOL_VERSION, upsert, remove, type ClientToServerEvents, type ServerToClientEvents } from '@/lib/protocol';
import { connectPbx, usePbx } from '@/lib/store';
import { waitFor } from '../support/wait-for';

type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const until = (check: () => boolean, what: string) => waitFor(check, what, 5_000);

function stateWith(calls: string[]): PbxState {
  const s = emptyState();
  for (const id of calls) {
    s.calls[id] = {
      id,
      direction: 'inbound',
      state: 'talking',
      from: { channel: `${id}.1`, name: 'Acme', num: '5550100' },
      to: { channel: `${id}.2`, name: 'Alice', num: '201' },
      channels: [],
      queue: 'sales',
      did: '5550100',
      startedAt: 1_000,
      answeredAt: 2_000,
    };
  }
  s.pbx.link = 'connected';
  return s;
}

const PBXS = [
  { id: 'a', label: 'PBX A' },
  { id: 'b', label: 'PBX B' },
];
const board = (id = 'a') =>
  usePbx.getState().boards.find((b) => b.id === id) ?? { id, label: '', state: emptyState(), seq: -1, ready: false };

describe('lib/store', () => {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  let client: ServerSocket;
  const resyncs: string[] = [];
  let release: () => void;

  beforeAll(async () => {
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const connected = new Promise<ServerSocket>((r) => io.on('connection', r));
    release = connectPbx({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
    client = await connected;
    client.emit('pbxs', PBXS);
    client.on('resync', (pbx) => resyncs.push(pbx));
  });

  afterAll(async () => {
    release();
    await io.close();
  });

  it('takes the snapshot, its server clock offset, and goes live', async () => {
    client.emit('snapshot', {
      protocol: PROTOCOL_VERSION,
      pbx: 'a',
      seq: 10,
      state: stateWith(['a', 'b']),
      serverTime: Date.now() + 60_000,
    });
    await until(() => board().ready, 'snapshot');
    expect(usePbx.getState().ready).toBe(false); // B has not had its snapshot
    const s = usePbx.getState();
    expect(s.connection).toBe('live');
    expect(board().seq).toBe(10);
    expect(Object.keys(board().state.calls)).toEqual(['a', 'b']);
    expect(s.clockOffset).toBeGreaterThan(59_000);
    expect(s.clockOffset).toBeLessThan(61_000);
  });

  it('applies batches in order, replacing only the entities that changed', async () => {
    const before = board().state;
    client.emit('ops', { pbx: 'a', seq: 11, ops: [upsert('calls', 'a', { state: 'hold' })] });
    client.emit('ops', { pbx: 'a', seq: 12, ops: [remove('calls', 'b'), upsert('queues', 'sales', { calls: 1 })] });
    await until(() => board().seq === 12, 'seq 12');
    const after = board().state;
    expect(after.calls.a.state).toBe('hold');
    expect(after.calls.a).not.toBe(before.calls.a);
    expect(after.calls.b).toBeUndefined();
    expect(after.queues.sales).toMatchObject({ id: 'sales', calls: 1 });
    // Untouched collections keep their identity, so their selectors don't fire.
    expect(after.members).toBe(before.members);
    expect(after.pbx).toBe(before.pbx);
    // The old state object was not mutated.
    expect(before.calls.a.state).toBe('talking');
    expect(before.calls.b).toBeDefined();
  });

  it('on a gap in seq asks for a snapshot and drops batches until it arrives', async () => {
    client.emit('ops', { pbx: 'a', seq: 14, ops: [upsert('calls', 'lost', { state: 'ringing' })] });
    await until(() => resyncs.length === 1, 'resync request');
    expect(resyncs).toEqual(['a']);
    client.emit('ops', { pbx: 'a', seq: 15, ops: [upsert('calls', 'also-dropped', {})] });
    client.emit('snapshot', { protocol: PROTOCOL_VERSION, pbx: 'a', seq: 20, state: stateWith(['c']), serverTime: Date.now() });
    client.emit('ops', { pbx: 'a', seq: 21, ops: [upsert('calls', 'd', { state: 'ringing' })] });
    await until(() => board().seq === 21, 'seq 21');
    const { state } = board();
    expect(Object.keys(state.calls).sort()).toEqual(['c', 'd']);
    expect(resyncs).toEqual(['a']);
  });

  it('shows reconnecting while the socket is down, then live again on the next snapshot', async () => {
    const reconnected = new Promise<ServerSocket>((r) => io.once('connection', r));
    client.disconnect(true);
    await until(() => usePbx.getState().connection === 'reconnecting', 'reconnecting');
    expect(usePbx.getState().socketDownSince).toBeGreaterThan(0);
    // Batches from before the new snapshot are not applied.
    client = await reconnected;
    client.emit('pbxs', PBXS);
    client.on('resync', (pbx) => resyncs.push(pbx));
    client.emit('ops', { pbx: 'a', seq: 22, ops: [upsert('calls', 'stale', {})] });
    client.emit('snapshot', { protocol: PROTOCOL_VERSION, pbx: 'a', seq: 3, state: stateWith(['e']), serverTime: Date.now() });
    await until(() => usePbx.getState().connection === 'live', 'live');
    expect(Object.keys(board().state.calls)).toEqual(['e']);
    expect(usePbx.getState().socketDownSince).toBe(0);
  });
  it('treats prototype-named ids from a snapshot and from batches as ordinary ids', async () => {
    client.emit('snapshot', {
      protocol: PROTOCOL_VERSION,
      pbx: 'a',
      seq: 30,
      state: stateWith(['constructor', 'toString']),
      serverTime: Date.now(),
    });
    await until(() => board().seq === 30, 'seq 30');
    client.emit('ops', {
      pbx: 'a',
      seq: 31,
      ops: [
        upsert('channels', '__proto__', { name: 'PJSIP/1' }),
        upsert('calls', 'valueOf', { state: 'ringing' }),
        remove('calls', 'constructor'),
      ],
    });
    await until(() => board().seq === 31, 'seq 31');
    const { state } = board();
    expect(Object.keys(state.calls).sort()).toEqual(['toString', 'valueOf']);
    expect(state.calls.valueOf).toEqual({ id: 'valueOf', state: 'ringing' });
    expect(state.calls.hasOwnProperty).toBeUndefined();
    expect(Object.keys(state.channels)).toEqual(['__proto__']);
    expect(state.channels.__proto__).toEqual({ id: '__proto__', name: 'PJSIP/1' });
    expect(state.channels.constructor).toBeUndefined();
    // A table no batch touched yet is the snapshot's own: adopted too.
    expect(state.queues.constructor).toBeUndefined();
    expect(state.members.toString).toBeUndefined();
  });

  it('keeps each PBX apart: a gap on one asks for that one, and the other goes on applying', async () => {
    client.emit('snapshot', { protocol: PROTOCOL_VERSION, pbx: 'b', seq: 5, state: stateWith(['x']), serverTime: Date.now() });
    await until(() => board('b').ready && usePbx.getState().ready, 'both boards');
    expect(usePbx.getState().boards.map((b) => [b.id, b.label])).toEqual([
      ['a', 'PBX A'],
      ['b', 'PBX B'],
    ]);
    resyncs.length = 0;
    const aBefore = board('a');
    client.emit('ops', { pbx: 'b', seq: 7, ops: [upsert('calls', 'gap', {})] }); // 6 is missing
    client.emit('ops', { pbx: 'a', seq: 32, ops: [upsert('calls', 'on-a', { state: 'ringing' })] });
    await until(() => board('a').seq === 32 && resyncs.length === 1, 'a applied, b resync');
    expect(resyncs).toEqual(['b']);
    expect(board('a').state.calls['on-a']).toBeDefined();
    expect(board('b').state.calls.gap).toBeUndefined();
    // The same id on two PBXs is two calls.
    client.emit('ops', { pbx: 'b', seq: 8, ops: [upsert('calls', 'on-a', {})] });
    client.emit('snapshot', { protocol: PROTOCOL_VERSION, pbx: 'b', seq: 9, state: stateWith(['on-a']), serverTime: Date.now() });
    await until(() => board('b').seq === 9, 'b resynced');
    expect(board('a').state.calls['on-a'].state).toBe('ringing');
    expect(board('b').state.calls['on-a'].state).toBe('talking');
    expect(board('a')).not.toBe(aBefore);
  });

  it('ignores a snapshot of a PBX the server did not list', async () => {
    const before = usePbx.getState().boards;
    client.emit('snapshot', { protocol: PROTOCOL_VERSION, pbx: 'zzz', seq: 1, state: stateWith(['q']), serverTime: Date.now() });
    client.emit('ops', { pbx: 'a', seq: 33, ops: [] });
    await until(() => board('a').seq === 33, 'a at 33');
    expect(usePbx.getState().boards.map((b) => b.id)).toEqual(['a', 'b']);
    expect(before.length).toBe(2);
  });
});

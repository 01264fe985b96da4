import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, type PbxState } from '@/lib/protocol';
import { stateForView } from '@/server/realtime/views';
import { clientPool, login, startStack, stateAtSameSeq, waitFor, wireCopy, type Stack } from './harness';
import { observeFor } from '../support/wait-for';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
});

const pool = clientPool(() => stack.url);
const client = pool.open;

describe('realtime state over socket.io', () => {
  it('starts every client with a snapshot of the live demo PBX', async () => {
    const c = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await waitFor(() => c.snapshots === 1, 'snapshot');
    expect(c.state!.pbx).toMatchObject({ link: 'connected', demo: true });
    expect(Object.keys(c.state!.queues).length).toBeGreaterThan(0);
  });

  it('refuses a client of another protocol version at the handshake, and names its own in every snapshot', async () => {
    const cookie = await login(stack.url, 'viewer', 'viewer');
    const current = client({ cookie });
    await waitFor(() => current.snapshots === 1, 'snapshot');
    expect(current.received.find((p) => p.startsWith('snapshot '))).toContain(`"protocol":${PROTOCOL_VERSION}`);

    const stale = connect(stack.url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { protocol: PROTOCOL_VERSION - 1 },
      reconnection: false,
      forceNew: true,
    });
    try {
      const err = await new Promise<Error>((resolve, reject) => {
        stale.once('connect_error', resolve);
        stale.once('snapshot', () => reject(new Error('a stale client was sent a snapshot')));
      });
      expect(err.message).toBe('protocol-mismatch');
    } finally {
      stale.disconnect();
    }
  });

  it('keeps clients equal to the server through many batches, reconnects and PBX link drops', async () => {
    const { token } = stack.app.auth.store.createToken('lobby', 'wallboard');
    const a = client({ cookie: await login(stack.url, 'supervisor', 'supervisor') });
    const b = client({ token });
    await waitFor(() => a.batches >= 20 && b.batches >= 20, 'twenty batches of live traffic', 20_000);
    let same = await stateAtSameSeq(stack.app, a);
    expect(same.client).toEqual(same.server);

    // A client that reconnects starts over from a snapshot and converges again.
    b.close();
    const b2 = client({ token });
    await waitFor(() => b2.snapshots === 1, 'snapshot after reconnect');

    // The PBX drops every AMI connection: the state stays (stale), then the resync's diff goes out as ops.
    const before = stack.app.session.state.pbx.lastResync;
    stack.pbx.faults.dropAll();
    await waitFor(() => a.state!.pbx.link !== 'connected', 'link down seen by the client');
    expect(Object.keys(a.state!.queues).length).toBeGreaterThan(0);
    await waitFor(() => stack.app.session.state.pbx.lastResync > before && a.state!.pbx.link === 'connected', 'resync after reconnect');
    const batchesBefore = a.batches;
    await waitFor(() => a.batches >= batchesBefore + 10, 'more traffic', 20_000);

    same = await stateAtSameSeq(stack.app, a);
    expect(same.client).toEqual(same.server);
    // A wallboard follows its own view of the state (server/realtime/views.ts).
    same = await stateAtSameSeq(stack.app, b2);
    expect(same.client).toEqual(wireCopy(stateForView(same.server as PbxState, 'wallboard')));
    expect(a.gaps + b2.gaps).toBe(0);
    expect(a.snapshots).toBe(1);
  });

  it('answers a resync request with a snapshot at the current seq', async () => {
    const c = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await waitFor(() => c.snapshots === 1, 'snapshot');
    c.socket.emit('resync', 'demo');
    await waitFor(() => c.snapshots === 2, 'second snapshot');
    const same = await stateAtSameSeq(stack.app, c);
    expect(same.client).toEqual(same.server);
  });

  it('serves a client that loops on resync at a bounded rate, and still answers its last request', async () => {
    const c = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await waitFor(() => c.snapshots === 1, 'snapshot');
    const before = stack.app.fanout.stats.snapshots;
    for (let i = 0; i < 200; i++) c.socket.emit('resync', 'demo');
    await waitFor(() => c.snapshots >= 3, 'the immediate and the deferred snapshot');
    // A bound on a rate can only be seen over time: the server serves a client's resyncs at most every 500 ms
    // (RESYNC_MIN_INTERVAL_MS), so one more interval after the deferred snapshot shows it did not schedule another.
    await observeFor(600);
    expect(stack.app.fanout.stats.snapshots - before).toBeLessThanOrEqual(2);
    const same = await stateAtSameSeq(stack.app, c);
    expect(same.client).toEqual(same.server);
  });

  it('marks the state stale but keeps it while the link is down', async () => {
    const c = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await waitFor(() => c.snapshots === 1, 'snapshot');
    const queuesBefore = Object.keys(stack.app.session.state.queues).length;
    stack.pbx.faults.dropAll();
    await waitFor(() => c.state!.pbx.link !== 'connected', 'link down');
    const pbx = c.state!.pbx;
    expect(pbx.lastLiveAt).toBeGreaterThan(0);
    expect(pbx.linkSince).toBeGreaterThanOrEqual(pbx.lastLiveAt);
    expect(Object.keys(c.state!.queues).length).toBe(queuesBefore);
    await waitFor(() => c.state!.pbx.link === 'connected', 'link back');
  });
});

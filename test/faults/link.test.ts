/**
 * The AMI link under faults, during traffic: cut mid-packet again and again,
 * a PBX restart, a stalled (dead) peer. After each, at a quiet point, the
 * server and a browser mirror must equal the PBX's own lists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, MirrorClient, startStack, waitFor, type Stack } from '../server/harness';
import { expectNoDrift, expectTruth, quietPoint } from './truth';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stackWithViewer(opts: Parameters<typeof startStack>[0] = {}): Promise<{ stack: Stack; viewer: MirrorClient }> {
  const stack = await startStack(opts);
  cleanups.push(() => stack.close());
  const viewer = new MirrorClient(stack.url, { cookie: await login(stack.url, 'viewer', 'viewer') });
  cleanups.push(() => viewer.close());
  await waitFor(() => viewer.snapshots === 1, 'snapshot');
  return { stack, viewer };
}

const resyncs = (stack: Stack) => stack.app.session.state.pbx.lastResync;

describe('AMI link faults during traffic', () => {
  it('survives the link cut mid-packet 20 times in a row', async () => {
    const { stack, viewer } = await stackWithViewer();
    await waitFor(() => Object.keys(stack.app.session.state.channels).length >= 4, 'calls in progress');
    let downs = 0;
    stack.app.session.onOps((ops) => {
      for (const op of ops) if (op[0] === 's' && op[1].link === 'disconnected') downs++;
    });
    for (let i = 0; i < 20; i++) {
      // Cut as soon as the link is up again: some cuts land in the middle of a resync.
      await waitFor(() => stack.app.session.connected && stack.pbx.snapshot().sessions > 0, `link up before cut ${i + 1}`);
      stack.pbx.faults.cutMidPacket();
      await waitFor(() => !stack.app.session.connected, `link down after cut ${i + 1}`);
    }
    expect(downs).toBeGreaterThanOrEqual(1);
    const before = resyncs(stack);
    await waitFor(() => stack.app.session.connected && resyncs(stack) > before, 'resync after the last cut');
    const quiet = await quietPoint(stack, [viewer]);
    expect(quiet.channels).toBeGreaterThan(0);
    expectTruth(quiet);
    await expectNoDrift(stack);
    expect(viewer.gaps).toBe(0);
  });

  it('converges after the PBX restarts during traffic (equal to the lists: no ghost of the old PBX)', async () => {
    const { stack, viewer } = await stackWithViewer();
    await waitFor(() => Object.keys(stack.app.session.state.channels).length >= 4, 'calls in progress');
    const before = resyncs(stack);
    stack.pbx.faults.restart();
    await waitFor(() => stack.app.session.connected && resyncs(stack) > before, 'resync with the new PBX');
    await waitFor(() => Object.keys(stack.app.session.state.channels).length >= 2, 'new calls on the new PBX');
    const quiet = await quietPoint(stack, [viewer]);
    expectTruth(quiet);
    await expectNoDrift(stack);
    expect(quiet.server.pbx.link).toBe('connected');
  });

  it('drops a stalled PBX as dead, shows it stale, and converges when it comes back', async () => {
    const { stack, viewer } = await stackWithViewer({
      app: {
        amiClient: {
          pingIntervalMs: 150,
          deadAfterMs: 500,
          handshakeTimeoutMs: 800,
          timeoutMs: 800,
          backoff: { initialMs: 50, maxMs: 200 },
        },
      },
    });
    await waitFor(() => Object.keys(stack.app.session.state.channels).length >= 4, 'calls in progress');
    stack.pbx.faults.stall(true);
    const stalledAt = Date.now();
    await waitFor(() => viewer.state!.pbx.link !== 'connected', 'the browser sees the link down');
    const detectedMs = Date.now() - stalledAt;
    // The last live moment is the last data heard, a dead-interval before the drop: the UI can say how stale it is.
    const { lastLiveAt, linkSince } = viewer.state!.pbx;
    expect(lastLiveAt).toBeGreaterThan(0);
    expect(linkSince - lastLiveAt).toBeGreaterThanOrEqual(400);
    expect(Object.keys(viewer.state!.channels).length).toBeGreaterThan(0);
    expect(detectedMs).toBeLessThan(3_000);
    // Traffic goes on inside the PBX while nobody hears it.
    const events = stack.pbx.snapshot().events;
    await waitFor(() => stack.pbx.snapshot().events > events + 20, 'traffic during the stall');
    const before = resyncs(stack);
    stack.pbx.faults.stall(false);
    await waitFor(() => stack.app.session.connected && resyncs(stack) > before, 'resync after the stall');
    const quiet = await quietPoint(stack, [viewer]);
    expectTruth(quiet);
    await expectNoDrift(stack);
  });
});

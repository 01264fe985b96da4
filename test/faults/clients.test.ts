/**
 * Browser clients under faults: one goes away for 30 s while traffic goes
 * on, one stops reading. Each must converge to the server (and the server to
 * the PBX's lists) without slowing anybody else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, MirrorClient, startStack, waitFor, type Stack } from '../server/harness';
import { PollingMirror } from './polling-mirror';
import { expectNoDrift, expectTruth, quietPoint } from './truth';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function viewer(stack: Stack): Promise<MirrorClient> {
  const c = new MirrorClient(stack.url, { cookie: await login(stack.url, 'viewer', 'viewer') });
  cleanups.push(() => c.close());
  await waitFor(() => c.snapshots === 1, 'snapshot');
  return c;
}

describe('browser clients under faults', () => {
  it('a client away for 30 s (server clock) while traffic goes on starts over from a snapshot and converges', async () => {
    // The server's clock jumps 30 s while the client is away, instead of the test waiting 30 s.
    let skew = 0;
    const stack = await startStack({ app: { now: () => Date.now() + skew } });
    cleanups.push(() => stack.close());
    const stay = await viewer(stack);
    const away = await viewer(stack);
    await waitFor(() => away.batches >= 5, 'live batches');

    away.socket.disconnect();
    const seqAtLeave = away.seq;
    const channelsAtLeave = JSON.stringify(Object.keys(away.state!.channels).sort());
    // While it is away the PBX keeps changing: many batches and a different set of channels.
    await waitFor(
      () =>
        stack.app.fanout.currentSeq >= seqAtLeave + 20 &&
        JSON.stringify(Object.keys(stack.app.session.state.channels).sort()) !== channelsAtLeave,
      'traffic while the client is away',
      20_000,
    );
    skew += 30_000;
    const returnedAt = Date.now() + skew;

    let snapshotTime = 0;
    away.socket.once('snapshot', (s) => (snapshotTime = s.serverTime));
    away.socket.connect();
    await waitFor(() => away.snapshots === 2, 'a fresh snapshot on return');
    // The browser's clock offset comes from this: it must be the server's (skewed) clock.
    expect(snapshotTime).toBeGreaterThanOrEqual(returnedAt);
    // Batches it missed are never replayed: it starts from the snapshot's seq.
    expect(away.seq).toBeGreaterThanOrEqual(seqAtLeave + 20);

    const quiet = await quietPoint(stack, [stay, away]);
    expect(quiet.channels).toBeGreaterThan(0);
    expectTruth(quiet);
    await expectNoDrift(stack);
    expect(stay.gaps + away.gaps).toBe(0);
  });

  it('a client that stops reading loses its backlog without slowing the others, and converges once it reads again', async () => {
    const stack = await startStack({ app: { maxBufferedBytes: 16 * 1024 } });
    cleanups.push(() => stack.close());
    const fast = await viewer(stack);
    const slow = new PollingMirror(stack.url, await login(stack.url, 'viewer', 'viewer'));
    cleanups.push(() => slow.close());
    await waitFor(() => slow.snapshots === 1, 'snapshot over long-polling');
    await slow.stopReading();

    // Traffic goes on; the fast client keeps up while the slow one's backlog grows and is dropped.
    const lags: number[] = [];
    let ops = 0;
    const offOps = stack.app.session.onOps((o) => (ops += o.length));
    cleanups.push(offOps);
    const deadline = Date.now() + 15_000;
    while (stack.app.fanout.stats.cutOffs === 0 && Date.now() < deadline) {
      // Each round carries new traffic, however fast or slow the machine runs it.
      const seen = ops;
      await waitFor(() => ops > seen, 'more traffic');
      stack.app.fanout.flush();
      const target = stack.app.fanout.currentSeq;
      const sent = Date.now();
      await waitFor(() => fast.seq >= target, `fast client at seq ${target}`, 5_000);
      lags.push(Date.now() - sent);
    }
    expect(stack.app.fanout.stats.cutOffs).toBeGreaterThanOrEqual(1);
    expect(fast.gaps).toBe(0);
    expect(fast.snapshots).toBe(1);
    lags.sort((a, b) => a - b);
    expect(lags[Math.floor(lags.length * 0.99)]).toBeLessThan(500);

    const snapshotsBefore = slow.snapshots;
    slow.resumeReading();
    // The batches it missed were dropped: it starts over from a fresh snapshot.
    await waitFor(() => slow.snapshots > snapshotsBefore, 'a fresh snapshot once it reads again', 15_000);
    const quiet = await quietPoint(stack, [fast, slow]);
    expectTruth(quiet);
    await expectNoDrift(stack);
  });
});

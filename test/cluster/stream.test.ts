/**
 * The op stream on its own, on a real Redis: one writer, one mirror, a
 * source that changes every millisecond and a snapshot every few. A mirror
 * in step skips snapshots unread, so whatever ops a snapshot holds must
 * reach it as ops too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { applyOps, remove, status, upsert, type Op, type PbxState } from '@/lib/protocol';
import { emptyState } from '@/lib/pbx/model';
import { createLogger } from '@/server/log';
import { pbxKeys } from '@/server/cluster/keys';
import { Lease, type LeaseTerm } from '@/server/cluster/lease';
import { StreamMirror } from '@/server/cluster/stream-mirror';
import { StreamWriter, type WriterSource } from '@/server/cluster/stream-writer';
import { noWarnings } from '@/server/pbx-warnings';
import type { PbxHealth } from '@/server/pbx-session';
import { noDrift } from '@/server/pbx/drift';
import { redisOrSkip, startRedis, type TestRedis } from '../support/redis';
import { waitFor } from '../support/wait-for';

const { bin, skip } = redisOrSkip();

/** A session's state and op feed, with nothing behind it but the test. */
class Source implements WriterSource {
  readonly state: PbxState = emptyState();
  readonly connected = true;
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  onOps(listener: (ops: readonly Op[]) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(ops: Op[]) {
    applyOps(this.state, ops);
    for (const l of this.listeners) l(ops);
  }
  health(): PbxHealth {
    return { complete: true, warnings: noWarnings(), drift: noDrift(), absentLists: [] };
  }
}

describe.skipIf(skip)('the op stream', { timeout: 30_000 }, () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  const open = () => {
    const r = new Redis(redis.url, { lazyConnect: false });
    connections.push(r);
    return r;
  };
  beforeAll(async () => {
    redis = await startRedis(bin!);
  });
  afterAll(async () => {
    for (const r of connections) r.disconnect();
    await redis?.stop();
  });

  it('a mirror in step ends equal to the source however snapshots fall among the ops', async () => {
    const keys = pbxKeys('stream-test');
    const log = createLogger('silent');
    const source = new Source();
    const t0 = Date.now();
    source.publish([status({ link: 'connected', linkSince: t0, lastResync: t0 + 1, lastLiveAt: t0 + 1 })]);
    let term: LeaseTerm | null = null;
    const lease = new Lease({ redis: open(), keys, node: 'w', onGained: (t) => (term = t), onLost: () => {} });
    lease.start();
    await waitFor(() => term, 'the lease');
    const writer = new StreamWriter({
      redis: open(),
      keys,
      term: term!,
      node: 'w',
      source,
      snapshotMs: 7,
      minSnapshotGapMs: 5,
      heartbeatMs: 50,
      onFenced: () => {
        throw new Error('fenced');
      },
    });
    const mirror = new StreamMirror({ redis: open(), keys, log, label: 'test', demo: false, blockMs: 100 });
    mirror.start();
    await waitFor(() => mirror.stats.snapshots === 1, 'the mirror to join from the first snapshot');

    // A channel up and another down every millisecond, so ops and snapshot timers share turns of the loop.
    let n = 0;
    const churn = setInterval(() => {
      n++;
      const ops: Op[] = [upsert('channels', `c${n}`, { id: `c${n}`, name: `PJSIP/${n}` })];
      if (n % 3 === 0) ops.push(remove('channels', `c${n - 2}`));
      source.publish(ops);
    }, 1);
    await waitFor(() => writer.stats.snapshots >= 40, 'forty snapshots among the ops', 20_000);
    clearInterval(churn);

    const ids = (state: PbxState) => Object.keys(state.channels).sort().join(' ');
    // Equal once the last batch is read: a lost batch would leave a ghost or a missing channel for good.
    await waitFor(() => ids(mirror.state) === ids(source.state), 'the mirror to equal the source', 5_000);
    // Periodic snapshots came while the mirror was in step: it skipped them unread.
    expect(mirror.stats.snapshotsSkipped).toBeGreaterThan(10);
    expect(mirror.stats.holes).toBe(0);
    writer.stop();
    mirror.stop();
    await lease.stop();
  });
});

/**
 * The event reader's lease on a real Redis. A follower must take a dead
 * holder's lease as it expires, not at its next polling round: that is what
 * keeps a failover within the TTL (issue 16, failure case 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pbxKeys } from '@/server/cluster/keys';
import { Lease, type LeaseTerm } from '@/server/cluster/lease';
import { redisOrSkip, startRedis, type TestRedis } from '../support/redis';
import { waitFor } from '../support/wait-for';

const { bin, skip } = redisOrSkip();

const TTL_MS = 1_000;
/** So long that only the holder's TTL, read from Redis, can time the follower's take. */
const POLL_MS = 60_000;

describe.skipIf(skip)('the event-reader lease', { timeout: 20_000 }, () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  const leases: Lease[] = [];
  // As the product's connections: no offline queue, so a cut connection fails at once.
  const open = async () => {
    const r = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    r.on('error', () => {});
    connections.push(r);
    await r.connect();
    return r;
  };
  const lease = (connection: Redis, node: string, gained: (t: LeaseTerm) => void) => {
    const l = new Lease({
      redis: connection,
      keys: pbxKeys('lease-test'),
      node,
      ttlMs: TTL_MS,
      renewMs: 250,
      takeMs: POLL_MS,
      safetyMs: 250,
      onGained: gained,
      onLost: () => {},
    });
    leases.push(l);
    return l;
  };
  beforeAll(async () => {
    redis = await startRedis(bin!);
  });
  afterAll(async () => {
    for (const l of leases) await l.stop();
    for (const r of connections) r.disconnect();
    await redis?.stop();
  });

  it('a follower takes a silent holder’s lease as it expires, not a polling round later', async () => {
    const holderRedis = await open();
    let holderToken = 0;
    const holder = lease(holderRedis, 'a', (t) => (holderToken = t.token));
    let holderCalls = 0;
    const evaluate = holderRedis.eval.bind(holderRedis);
    holderRedis.eval = ((...args: Parameters<typeof evaluate>) => {
      holderCalls++;
      return evaluate(...args);
    }) as typeof holderRedis.eval;
    holder.start();
    await waitFor(() => holder.held !== null, 'the holder to take the lease', 5_000);

    let takenAt = 0;
    const follower = lease(await open(), 'b', () => (takenAt = performance.now()));
    follower.start();
    // Several renewals go by (each a quarter of the TTL): the follower, told the TTL each time, keeps chasing it.
    const renewedFrom = holderCalls;
    await waitFor(() => holderCalls >= renewedFrom + 6, 'six renewals', 5_000);
    expect(follower.held).toBeNull();

    holderRedis.disconnect();
    const silentAt = performance.now();
    await waitFor(() => takenAt > 0, 'the follower to take the lease', 5_000);
    // The lease can last at most one TTL past the holder's last renewal.
    expect(takenAt - silentAt).toBeLessThan(TTL_MS + 300);
    expect(follower.held?.token).toBe(holderToken + 1);
  });
});

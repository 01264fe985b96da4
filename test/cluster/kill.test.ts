/**
 * Failure case 1 of issue 16, with real processes: the event reader is
 * killed with SIGKILL. Another node takes the AMI session within the
 * lease's TTL and resyncs; clients see Syncing or Stale, then Live, and
 * every surviving node equals the PBX's lists, no ghost and nothing missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type DemoPbx } from '../server/harness';
import { redisOrSkip, startRedis, type TestRedis } from '../support/redis';
import { waitForAsync } from '../support/wait-for';
import { boardOf, expectBoardsEqualPbx, startClusterPbx } from './nodes';
import { isReading, spawnNode, type NodeProcess } from './node-process';

const { bin, skip } = redisOrSkip();

describe.skipIf(skip)('the event reader killed with SIGKILL', () => {
  let redis: TestRedis;
  let pbx: DemoPbx;
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis(bin!);
    pbx = await startClusterPbx(13);
  });
  afterAll(async () => {
    try {
      await Promise.all(nodes.map((n) => n.stop()));
      await pbx?.close();
    } finally {
      await redis?.stop();
    }
  });

  it('another node reads within the default 4 s TTL, and every board converges on the PBX', { timeout: 60_000 }, async () => {
    // The default timing: the bound the issue sets is the real one's.
    nodes.push(...(await Promise.all(['p1', 'p2', 'p3'].map((name) => spawnNode(name, pbx, redis.url)))));
    const clients = await Promise.all(nodes.map(async (n) => ({ url: n.url, cookie: await login(n.url, 'admin', 'admin'), node: n })));
    expect(await expectBoardsEqualPbx(pbx, clients)).toBeGreaterThan(0);
    const readers = [];
    for (const n of nodes) if (await isReading(n.url)) readers.push(n);
    expect(readers).toHaveLength(1);
    const [victim] = readers;
    await victim.kill9();
    const killedAt = Date.now();
    const survivors = clients.filter((c) => c.node !== victim);
    const seen = new Set<string>();
    await waitForAsync(
      async () => {
        for (const c of survivors) {
          const { state } = await boardOf(c);
          seen.add(state.pbx.link);
        }
        for (const c of survivors) if (await isReading(c.url)) return true;
        return false;
      },
      'another node to take the AMI session',
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const takenMs = Date.now() - killedAt;
    // The lease ends at most its TTL (4 s) after the last renewal, and a follower's take lands as it
    // ends: the bound is 5 s.
    expect(takenMs).toBeLessThan(5_000);
    expect(await expectBoardsEqualPbx(pbx, survivors)).toBeGreaterThan(0);
    // While no node read events, the boards said so.
    expect([...seen].some((link) => link !== 'connected')).toBe(true);
  });
});

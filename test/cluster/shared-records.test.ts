/**
 * What several nodes share besides the board, on a real PostgreSQL and a real
 * Redis: one audit log (an action taken on node A is in node C's audit
 * page), and the lists that only the event reader can run (a resync asked of
 * another node is run by the reader).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@/server/actions/audit';
import { Redis } from 'ioredis';
import { login, type DemoPbx } from '../server/harness';
import { postgresAvailability, startPostgres, type TestPostgres } from '../support/postgres';
import { redisOrSkip, startRedis, type TestRedis } from '../support/redis';
import { waitFor, waitForAsync } from '../support/wait-for';
import { isLive, startClusterPbx, startNode, type TestNode } from './nodes';

const { bin, skip } = redisOrSkip();
const pg = postgresAvailability();

describe.skipIf(skip || 'skip' in pg)('several nodes on one PostgreSQL', { timeout: 60_000 }, () => {
  let redis: TestRedis;
  let postgres: TestPostgres;
  let pbx: DemoPbx;
  const nodes: TestNode[] = [];

  beforeAll(async () => {
    [redis, postgres, pbx] = await Promise.all([startRedis(bin!), startPostgres((pg as { bin: string }).bin), startClusterPbx(17)]);
    // One after another: the first makes the tables, the others find them (Kysely's migration lock holds either way).
    for (const name of ['r1', 'r2', 'r3'])
      nodes.push(await startNode(name, pbx, redis, { env: { DATABASE_URL: postgres.url, CALLBOARD_HISTORY: 'on' } }));
    await waitFor(() => nodes.some((n) => n.app.pbxs.default.cluster!.reading), 'an event reader');
    await waitFor(() => nodes.every((n) => isLive(n.app.pbxs.default.session.state)), 'every board live');
  }, 60_000);
  afterAll(async () => {
    try {
      for (const n of nodes) await n.close();
      await pbx?.close();
    } finally {
      // Whatever failed above, no server outlives the file.
      await Promise.all([redis?.stop(), postgres?.stop()]);
    }
  });

  const resync = (n: TestNode) =>
    fetch(`${n.url}/api/resync`, {
      method: 'POST',
      headers: { cookie: n.cookie, origin: n.url, 'content-type': 'application/json' },
      body: '{}',
    });

  it('a resync asked of a node that does not read is run by the reader, and answered once that node shows it', async () => {
    const reader = nodes.find((n) => n.app.pbxs.default.cluster!.reading)!;
    const other = nodes.find((n) => n !== reader)!;
    const readersBefore = reader.app.pbxs.default.cluster!.health().drift.checks;
    const before = other.app.pbxs.default.session.state.pbx.lastResync;
    const asked = await resync(other);
    expect(asked.status, await asked.clone().text()).toBe(200);
    const { lastResync } = (await asked.json()) as { lastResync: number };
    expect(lastResync).toBeGreaterThan(before);
    // The reader ran the lists, as a manual drift check of its own.
    expect(reader.app.pbxs.default.cluster!.health().drift.checks).toBeGreaterThan(readersBefore);
    expect((await resync(reader)).status).toBe(200);
  });

  it('one audit log: what node A audited is in node C’s audit page, once', async () => {
    const [a, , c] = nodes;
    await resync(a);
    const mine = (entries: AuditEntry[]) => entries.filter((e) => e.action === 'resync' && e.who === 'admin');
    const page = await waitForAsync(async () => {
      const res = await fetch(`${c.url}/api/audit?limit=50`, { headers: { cookie: c.cookie } });
      const body = (await res.json()) as { entries: AuditEntry[] };
      // Both tests' resyncs: three entries from three requests, whichever nodes took them.
      return mine(body.entries).length >= 3 ? body : false;
    }, 'node A’s resync in node C’s audit page');
    expect(mine(page.entries)).toHaveLength(3);
    // Node C's own file has none of them: the page is the shared table's.
    expect(mine(await c.app.audit.tail(50)).length).toBeLessThan(3);
  });

  it('an alert rule made on a follower is evaluated by the reader, and its alert shows on every node', async () => {
    const reader = nodes.find((n) => n.app.pbxs.default.cluster!.reading)!;
    const follower = nodes.find((n) => n !== reader)!;
    const made = await follower.app.alertConfig!.createRule(
      { name: 'Anyone waiting (cluster)', kind: 'waiting', threshold: 0, severity: 'warning', queue: 'sales' },
      'admin',
    );
    await waitFor(() => reader.app.alertConfig!.rule(made.id), 'the reader to know the rule');
    const id = `${made.id}|sales`;
    await waitForAsync(async () => {
      for (const n of nodes) {
        const res = await fetch(`${n.url}/api/snapshot`, { headers: { cookie: n.cookie } });
        if (!Object.hasOwn(((await res.json()) as { state: { alerts: object } }).state.alerts, id)) return false;
      }
      return true;
    }, 'the rule’s alert on every node');
  });

  it('users and tokens are a record in PostgreSQL: a node joining after Redis lost everything still has them', async () => {
    await nodes[0].app.auth.store.addUser('lead', 'supervisor', 'lead-password');
    await waitFor(() => nodes.every((n) => n.app.auth.store.getUser('lead')), 'every node to know the new user');
    const r = new Redis(redis.url);
    await r.flushall();
    r.disconnect();
    const late = await startNode('r4', pbx, redis, { env: { DATABASE_URL: postgres.url, CALLBOARD_HISTORY: 'on' } });
    nodes.push(late);
    // Its own data directory is new: the user can only have come from the shared record.
    await waitFor(() => late.app.auth.store.getUser('lead'), 'the late node to know the user');
    expect((await login(late.url, 'lead', 'lead-password')).length).toBeGreaterThan(0);
  });
});

/**
 * The delivery log on SQLite and on PostgreSQL alike: attempts written in
 * batches, listed newest first (of one webhook or all), pruned by age and by
 * count per webhook; and the ring in memory when there is no database.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../lib/alerts/model';
import { DeliveryLog, type DeliveriesDb } from '../../server/webhooks/delivery-log';
import { DIALECTS, historyDatabase } from '../support/history-db';

const T0 = 1_764_633_600_000;

function attempt(log: DeliveryLog, webhook: string, at: number, n = 1): Delivery {
  return {
    id: log.nextId(at),
    webhook,
    event: 'alert.fired',
    subject: 'r1|sales',
    at,
    attempt: n,
    status: 500,
    answer: 'upstream down',
    ms: 12,
    outcome: 'retrying',
  };
}

describe.each(DIALECTS)('delivery log on %s', (dialect) => {
  const db = historyDatabase(dialect, 'deliveries');

  beforeEach(async (ctx) => {
    if (db.skip) ctx.skip(db.skip);
    await db.store.db.withTables<DeliveriesDb>().deleteFrom('webhook_deliveries').execute();
  });

  it('writes attempts in batches and lists them newest first, of one webhook or all', async () => {
    const log = new DeliveryLog({ history: db.store, now: () => T0, flushMs: 10_000 });
    const a = attempt(log, 'wh1', T0);
    const b = attempt(log, 'wh2', T0 + 1);
    const c = attempt(log, 'wh1', T0 + 1, 2);
    for (const d of [a, b, c]) log.add(d);
    expect(log.queued).toBe(3);
    // `recent` flushes what the batch still holds.
    expect(await log.recent({ limit: 10 })).toEqual([c, b, a]);
    expect(log.queued).toBe(0);
    expect(await log.recent({ webhook: 'wh1', limit: 10 })).toEqual([c, a]);
    expect(await log.recent({ webhook: 'wh1', limit: 1 })).toEqual([c]);
    await log.close();
  });

  it('keeps the order of attempts made in one millisecond', async () => {
    const log = new DeliveryLog({ history: db.store, now: () => T0 });
    const made = Array.from({ length: 30 }, (_, i) => attempt(log, 'wh1', T0, i + 1));
    for (const d of made) log.add(d);
    const listed = await log.recent({ limit: 100 });
    expect(listed.map((d) => d.attempt)).toEqual(made.map((d) => d.attempt).reverse());
    await log.close();
  });

  it('prunes what is past the retention and past the count per webhook', async () => {
    let now = T0;
    const log = new DeliveryLog({ history: db.store, now: () => now, retentionMs: 86_400_000, maxPerWebhook: 5 });
    log.add(attempt(log, 'old', T0 - 2 * 86_400_000));
    for (let i = 0; i < 8; i++) log.add(attempt(log, 'busy', T0 + i));
    for (let i = 0; i < 3; i++) log.add(attempt(log, 'quiet', T0 + i));
    await log.flush();
    now = T0 + 10;
    expect(await log.prune()).toBe(1 + 3);
    const busy = await log.recent({ webhook: 'busy', limit: 100 });
    expect(busy.map((d) => d.at - T0)).toEqual([7, 6, 5, 4, 3]);
    expect(await log.recent({ webhook: 'quiet', limit: 100 })).toHaveLength(3);
    expect(await log.recent({ webhook: 'old', limit: 100 })).toHaveLength(0);
    await log.close();
  });

  it('flushes on close', async () => {
    const log = new DeliveryLog({ history: db.store, flushMs: 60_000 });
    const d = attempt(log, 'wh1', T0);
    log.add(d);
    await log.close();
    const rows = await db.store.db.withTables<DeliveriesDb>().selectFrom('webhook_deliveries').selectAll().execute();
    expect(rows.map((r) => r.id)).toEqual([d.id]);
    expect(Number(rows[0].at)).toBe(T0);
  });
});

describe('delivery log without a database', () => {
  it('keeps a bounded ring in memory, newest first', async () => {
    const log = new DeliveryLog({ history: null, memoryRows: 3 });
    const made = [1, 2, 3, 4, 5].map((i) => attempt(log, i % 2 ? 'odd' : 'even', T0 + i));
    for (const d of made) log.add(d);
    expect((await log.recent({ limit: 10 })).map((d) => d.at - T0)).toEqual([5, 4, 3]);
    expect((await log.recent({ webhook: 'odd', limit: 10 })).map((d) => d.at - T0)).toEqual([5, 3]);
    await log.close();
  });
});

import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { dayAt } from '../../lib/stats/day';
import { queueRates } from '../../lib/stats/figures';
import { hourly } from '../../lib/stats/hourly';
import { DayTally } from '../../lib/stats/tally';
import { replayJournal } from '../history/journal-replay';

/** What app_queue's own events say about the calls the journal finished: per queue, or per `queue|interface`. */
function eventCounts(name: string) {
  const { records, packets } = replayJournal(name);
  const legs = new Set(records.flatMap((r) => r.legs.map((l) => l.uniqueid)));
  const count = (event: string, key: (f: Record<string, string>) => string) => {
    const out = new Map<string, number>();
    const seen = new Set<string>();
    for (const p of packets) {
      if (p.fields.Event !== event || !legs.has(p.fields.Uniqueid)) continue;
      const k = key(p.fields);
      // One call counts once per queue, however often it was rung or rejoined.
      if (seen.has(`${k}/${p.fields.Uniqueid}`)) continue;
      seen.add(`${k}/${p.fields.Uniqueid}`);
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  };
  return {
    records,
    joins: count('QueueCallerJoin', (f) => f.Queue),
    connects: count('AgentConnect', (f) => f.Queue),
    abandons: count('QueueCallerAbandon', (f) => f.Queue),
    memberConnects: count('AgentConnect', (f) => `${f.Queue}|${f.Interface}`),
  };
}

function tallyOf(records: CallRecord[]): DayTally {
  const t = new DayTally(dayAt(records[0].startedAt, { timeZone: 'UTC', startMinutes: 0 }));
  for (const r of records) t.addRecord(r);
  return t;
}

describe("today's figures from the recorded PBXs' calls", () => {
  for (const name of ['02-queue-answered-and-abandoned', '04-busy-hour', '10-sip-busy-hour']) {
    it(`${name}: offered, answered and abandoned per queue are app_queue's joins, connects and abandons`, () => {
      const e = eventCounts(name);
      const t = tallyOf(e.records);
      for (const [queue, q] of t.queues) {
        expect([queue, q.offered]).toEqual([queue, e.joins.get(queue) ?? 0]);
        expect([queue, q.answered]).toEqual([queue, e.connects.get(queue) ?? 0]);
        expect([queue, q.abandoned]).toEqual([queue, e.abandons.get(queue) ?? 0]);
        expect(q.answered + q.abandoned + q.unanswered).toBe(q.offered);
      }
      expect([...t.queues.keys()].sort()).toEqual([...e.joins.keys()].sort());
      for (const [id, m] of t.members) expect([id, m.handled]).toEqual([id, e.memberConnects.get(id) ?? 0]);
    });
  }

  it('10: the figures a supervisor reads', () => {
    const t = tallyOf(eventCounts('10-sip-busy-hour').records);
    const sales = t.queues.get('sales')!;
    expect(sales).toMatchObject({ offered: 11, answered: 10, answeredInSla: 10, abandoned: 1, abandonedInSla: 1 });
    // The one abandon was within the service level: a short abandon does not count against the SLA.
    expect(queueRates(sales).slaPercent).toBe(100);
    expect(queueRates(sales).asaSeconds).toBeCloseTo(sales.answeredWaitSeconds / 10, 6);
    const billing = t.queues.get('billing')!;
    expect(billing).toMatchObject({ offered: 17, answered: 2, abandoned: 15, abandonedInSla: 6 });
    expect(queueRates(billing).slaPercent).toBeCloseTo((2 / (2 + 9)) * 100, 6);
    expect(t.members.get('sales|Local/2002@agents/n')).toMatchObject({ handled: 6, missed: 1 });
  });

  it('a call that started on another day is not counted, and a bound stops new queues', () => {
    const { records } = eventCounts('02-queue-answered-and-abandoned');
    const t = new DayTally(dayAt(records[0].startedAt + 86_400_000, { timeZone: 'UTC', startMinutes: 0 }));
    for (const r of records) t.addRecord(r);
    expect(t.queues.size).toBe(0);
    const bounded = new DayTally(dayAt(records[0].startedAt, { timeZone: 'UTC', startMinutes: 0 }), {
      maxQueues: 1,
      maxMembers: 1,
      maxReasons: 1,
    });
    for (const r of records) bounded.addRecord(r);
    expect(bounded.queues.size).toBe(1);
    expect(bounded.dropped).toBeGreaterThan(0);
  });

  it('pauses count their part inside the day, per reason, and the ops carry each figure whole', () => {
    const day = dayAt(Date.parse('2026-12-01T12:00:00Z'), { timeZone: 'UTC', startMinutes: 0 });
    const t = new DayTally(day);
    t.addPause('sales', 'PJSIP/201', 'Lunch', day.start - 600_000, day.start + 1_800_000);
    t.addPause('sales', 'PJSIP/201', 'Lunch', day.start + 3_600_000, day.start + 3_660_000);
    t.addPause('sales', 'PJSIP/201', '', day.start + 7_200_000, day.start + 7_230_000);
    t.addLogin('sales', 'PJSIP/201', day.start + 1000, day.start + 11_000);
    const ops = t.takeOps();
    expect(ops).toEqual([
      [
        'u',
        'memberDays',
        'sales|PJSIP/201',
        expect.objectContaining({
          pauses: [
            ['Lunch', 1860],
            ['', 30],
          ],
          loggedInSeconds: 10,
          handled: 0,
        }),
      ],
    ]);
    expect(t.takeOps()).toEqual([]);
  });

  it('hour by hour: every queue call of the day in the hour it started', () => {
    const { records } = eventCounts('10-sip-busy-hour');
    const day = dayAt(records[0].startedAt, { timeZone: 'UTC', startMinutes: 0 });
    const hours = hourly(records, day);
    expect(hours).toHaveLength(24);
    const queued = records.filter((r) => r.queues.length > 0);
    expect(hours.reduce((n, h) => n + h.offered, 0)).toBe(queued.length);
    expect(hours.reduce((n, h) => n + h.answered, 0)).toBe(queued.filter((r) => r.agent).length);
    expect(hourly(records, day, (q) => q === 'sales').reduce((n, h) => n + h.offered, 0)).toBe(
      queued.filter((r) => (r.agent?.queue ?? r.queues[r.queues.length - 1]) === 'sales').length,
    );
  });
});

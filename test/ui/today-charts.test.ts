import { describe, expect, it } from 'vitest';
import { dayAt } from '../../lib/stats/day';
import { hourly } from '../../lib/stats/hourly';
import { callsPerHour, slaThroughDay, waitingOverHour } from '../../lib/ui/today-charts';
import { replayJournal } from '../history/journal-replay';

const { records } = replayJournal('10-sip-busy-hour');
const day = dayAt(records[0].startedAt, { timeZone: 'UTC', startMinutes: 0 });
const hours = hourly(records, day);

describe("the charts' data", () => {
  it('calls per hour: x in seconds, answered and abandoned adding up to the day', () => {
    const [xs, answered, abandoned] = callsPerHour(hours);
    expect(xs[0]).toBe(day.start / 1000);
    expect(xs).toHaveLength(24);
    expect(answered.reduce((a, b) => a + b)).toBe(hours.reduce((n, h) => n + h.answered, 0));
    expect(abandoned.reduce((a, b) => a + b)).toBe(hours.reduce((n, h) => n + h.abandoned, 0));
  });

  it('the SLA and ASA so far: a gap before the first call and after now, the day’s figure at the last hour', () => {
    const busy = hours.findIndex((h) => h.offered > 0);
    const now = hours[busy].start + 1;
    const [, sla, asa] = slaThroughDay(hours, now);
    expect(sla.slice(0, busy).every((v) => v === null)).toBe(true);
    expect(sla.slice(busy + 1).every((v) => v === null)).toBe(true);
    const h = hours[busy];
    expect(sla[busy]).toBeCloseTo((h.answeredInSla / h.slaCalls) * 100, 9);
    expect(asa[busy]).toBeCloseTo(h.answeredWaitSeconds / h.answered, 9);
  });

  it('waiting callers: one queue, or all added up', () => {
    const series = {
      times: [1000, 11_000],
      queues: [
        { queue: 'a', waiting: [1, 2] },
        { queue: 'b', waiting: [0, 3] },
      ],
    };
    expect(waitingOverHour(series, null)).toEqual([
      [1, 11],
      [1, 5],
    ]);
    expect(waitingOverHour(series, 'b')).toEqual([
      [1, 11],
      [0, 3],
    ]);
    expect(waitingOverHour(series, 'zz')).toEqual([
      [1, 11],
      [0, 0],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { dayAt, dayNamed, isTimeZone, parseDayStart } from '../../lib/stats/day';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the day a call counts to', () => {
  it('follows the zone and the day start: 04:00 in Berlin belongs to the day that began at 06:00 yesterday', () => {
    const day = dayAt(Date.parse('2026-12-01T03:00:00Z'), { timeZone: 'Europe/Berlin', startMinutes: 6 * 60 });
    expect(day.date).toBe('2026-11-30');
    expect(iso(day.start)).toBe('2026-11-30T05:00:00.000Z');
    expect(iso(day.end)).toBe('2026-12-01T05:00:00.000Z');
  });

  it('is 25 hours long on the night the clocks go back, and 23 on the night they go forward', () => {
    const autumn = dayAt(Date.parse('2026-10-25T12:00:00Z'), { timeZone: 'Europe/Berlin', startMinutes: 0 });
    expect([autumn.date, (autumn.end - autumn.start) / 3_600_000]).toEqual(['2026-10-25', 25]);
    const spring = dayAt(Date.parse('2026-03-29T12:00:00Z'), { timeZone: 'Europe/Berlin', startMinutes: 0 });
    expect([spring.date, (spring.end - spring.start) / 3_600_000]).toEqual(['2026-03-29', 23]);
  });

  it('west of UTC: 23:30 UTC is still the same evening in New York', () => {
    const day = dayAt(Date.parse('2026-12-01T23:30:00Z'), { timeZone: 'America/New_York', startMinutes: 0 });
    expect([day.date, iso(day.start)]).toEqual(['2026-12-01', '2026-12-01T05:00:00.000Z']);
  });

  it('a named day: real dates only', () => {
    const rule = { timeZone: 'UTC', startMinutes: 0 };
    expect(dayNamed('2026-12-01', rule)).toEqual({ date: '2026-12-01', start: Date.parse('2026-12-01'), end: Date.parse('2026-12-02') });
    expect(dayNamed('2026-02-30', rule)).toBeNull();
    expect(dayNamed('yesterday', rule)).toBeNull();
  });

  it('config values: a zone Intl knows, a time of day', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect([parseDayStart('06:30'), parseDayStart('0:00'), parseDayStart('24:00'), parseDayStart('6')]).toEqual([390, 0, null, null]);
  });
});

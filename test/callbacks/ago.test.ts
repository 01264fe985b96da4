/** "12 min ago": what the list says of a time. */
import { expect, it } from 'vitest';
import { ago, startOfToday } from '../../components/callbacks/ago';

it('says how long ago as a person would, blank while the clock is unknown', () => {
  const now = 10 * 86_400_000;
  expect(ago(now - 10_000, now)).toBe('just now');
  expect(ago(now - 12 * 60_000, now)).toBe('12 min ago');
  expect(ago(now - 90 * 60_000, now)).toBe('1 h 30 min ago');
  expect(ago(now - 5 * 3_600_000, now)).toBe('5 h ago');
  expect(ago(now - 3 * 86_400_000, now)).toBe('3 d ago');
  expect(ago(now + 5000, now)).toBe('just now');
  expect(ago(now, 0)).toBe('');
  expect(startOfToday(now + 3_600_000)).toBeLessThanOrEqual(now + 3_600_000);
});

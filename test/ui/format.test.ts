/** Spans the system page ticks: an uptime under a day, and over it. */
import { describe, expect, it } from 'vitest';
import { formatSpan } from '../../lib/ui/format';

describe('formatSpan', () => {
  it('reads as a duration under a day and with days above, and blank when unknown', () => {
    expect(formatSpan(59_000)).toBe('0:59');
    expect(formatSpan(3_600_000 + 62_000)).toBe('1:01:02');
    expect(formatSpan(3 * 86_400_000 + 4 * 3_600_000 + 12 * 60_000 + 9_000)).toBe('3 d 04:12:09');
    expect(formatSpan(86_400_000)).toBe('1 d 00:00:00');
    expect(formatSpan(-1)).toBe('');
    expect(formatSpan(Number.NaN)).toBe('');
  });
});

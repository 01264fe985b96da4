/** The tab title says how many callers wait, so a supervisor sees it from another tab. */
import { describe, expect, it } from 'vitest';
import { titleWithWaiting } from '@/lib/ui/title';

describe('tab title', () => {
  it('shows the waiting count only when someone waits', () => {
    expect(titleWithWaiting('Callboard', 0)).toBe('Callboard');
    expect(titleWithWaiting('Callboard', 3)).toBe('(3 waiting) Callboard');
    expect(titleWithWaiting('Wallboard · Callboard', 1)).toBe('(1 waiting) Wallboard · Callboard');
  });
});

/** Sorting the calls table: text columns start A→Z, duration starts longest first, a second click flips. */
import { describe, expect, it } from 'vitest';
import type { Call } from '@/lib/pbx/model';
import { defaultCallView, nextSort, visibleCallIds, type CallView } from '@/lib/ui/calls';

function call(id: string, fromName: string, startedAt: number, queue = ''): Call {
  return {
    id,
    direction: 'internal',
    state: 'talking',
    from: { channel: '', name: fromName, num: '1' },
    to: { channel: '', name: fromName, num: '2' },
    channels: [],
    queue,
    did: '',
    startedAt,
    answeredAt: 0,
  };
}

const calls = { x: call('x', 'Bob', 3, 'b'), y: call('y', 'alice', 1, 'c'), z: call('z', 'Carol', 2, 'a') };
const names = (view: CallView) => visibleCallIds(calls, view).map((id) => calls[id as keyof typeof calls].from.name);

describe('sorting', () => {
  it('a first click on a text column sorts A→Z', () => {
    for (const key of ['from', 'to', 'queue', 'state'] as const)
      expect(nextSort(defaultCallView, key)).toMatchObject({ sort: key, dir: 'asc' });
    expect(names(nextSort(defaultCallView, 'from'))).toEqual(['alice', 'Bob', 'Carol']);
    expect(visibleCallIds(calls, nextSort(defaultCallView, 'queue'))).toEqual(['z', 'x', 'y']);
  });

  it('a second click on the same column flips it', () => {
    const once = nextSort(defaultCallView, 'from');
    expect(nextSort(once, 'from')).toMatchObject({ sort: 'from', dir: 'desc' });
    expect(names(nextSort(once, 'from'))).toEqual(['Carol', 'Bob', 'alice']);
    expect(nextSort(nextSort(once, 'from'), 'from').dir).toBe('asc');
  });

  it('duration starts longest first, then flips', () => {
    const byDuration = nextSort(nextSort(defaultCallView, 'from'), 'duration');
    expect(byDuration).toMatchObject({ sort: 'duration', dir: 'desc' });
    expect(visibleCallIds(calls, byDuration)).toEqual(['y', 'z', 'x']);
    expect(visibleCallIds(calls, nextSort(byDuration, 'duration'))).toEqual(['x', 'z', 'y']);
  });

  it('keeps the search and filters', () => {
    const view = { ...defaultCallView, search: 'bo', queue: 'b' };
    expect(nextSort(view, 'to')).toMatchObject({ search: 'bo', queue: 'b' });
  });
});

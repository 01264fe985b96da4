/** Search in the calls table ignores case and accents: people type "muller" for "Müller". */
import { describe, expect, it } from 'vitest';
import type { Call } from '@/lib/pbx/model';
import { defaultCallView, visibleCallIds } from '@/lib/ui/calls';
import { foldForSearch } from '@/lib/ui/search';

function call(id: string, fromName: string, over: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'internal',
    state: 'talking',
    from: { channel: '', name: fromName, num: '111' },
    to: { channel: '', name: '', num: '222' },
    channels: [],
    queue: '',
    did: '',
    startedAt: 1,
    answeredAt: 0,
    ...over,
  };
}

describe('accent-insensitive search', () => {
  it('folds case, accents and the letters that have no decomposition', () => {
    expect(foldForSearch('Müller')).toBe('muller');
    expect(foldForSearch('José Ñúñez')).toBe('jose nunez');
    expect(foldForSearch('Søren Łukasz Straße')).toBe('soren lukasz strasse');
    expect(foldForSearch('ÆRØ')).toBe('aero');
  });

  it('"muller" finds "Kai Müller", and "müller" finds "Muller"', () => {
    const calls = { a: call('a', 'Kai Müller'), b: call('b', 'Ann Lee'), c: call('c', 'Jo Muller') };
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'muller' }).sort()).toEqual(['a', 'c']);
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'MÜLLER' }).sort()).toEqual(['a', 'c']);
  });

  it('also folds the callee and the queue name', () => {
    const calls = {
      a: call('a', 'x', { to: { channel: '', name: 'Zoë', num: '2' } }),
      b: call('b', 'y', { queue: 'Réception' }),
    };
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'zoe' })).toEqual(['a']);
    expect(visibleCallIds(calls, { ...defaultCallView, search: 'recep' })).toEqual(['b']);
  });
});

/**
 * stateDifference: applying its ops to one state gives the other, sending
 * only what differs; tried on boards from the recorded sessions, from an
 * early point of a session to its end and from one session to another.
 */
import { describe, expect, it } from 'vitest';
import { sameValue, stateDifference } from '@/lib/pbx/difference';
import { adoptState, applyOps } from '@/lib/protocol';
import { emptyState, table, type Channel, type PbxState } from '@/lib/pbx/model';
import { replay, segments } from './transcripts';

/** The state as the wire would carry it, in fresh prototype-free tables: what a snapshot gives a mirror. */
const wire = (s: PbxState): PbxState => adoptState(JSON.parse(JSON.stringify(s)) as PbxState);

function expectTurnsInto(from: PbxState, to: PbxState): number {
  const mirror = wire(from);
  const ops = stateDifference(mirror, wire(to));
  applyOps(mirror, ops);
  expect(JSON.parse(JSON.stringify(mirror))).toEqual(JSON.parse(JSON.stringify(to)));
  return ops.length;
}

describe('stateDifference', () => {
  it('turns an early board of a busy session into its last one, and one session into another', () => {
    const half = Math.floor(segments('10-sip-busy-hour').length / 2);
    const early = replay('10-sip-busy-hour', { upTo: half }).state;
    const late = replay('10-sip-busy-hour').state;
    expect(expectTurnsInto(early, late)).toBeGreaterThan(0);
    expectTurnsInto(late, replay('09-supervisor-tools').state);
    expectTurnsInto(emptyState(), late);
    expectTurnsInto(late, emptyState());
  });

  it('sends nothing for equal boards, and only the changed field of a changed entity', () => {
    const late = replay('04-busy-hour').state;
    expect(stateDifference(wire(late), wire(late))).toEqual([]);
    const next = wire(late);
    const id = Object.keys(next.channels)[0];
    next.channels[id] = { ...next.channels[id], stateDesc: 'Up (changed)' };
    expect(stateDifference(wire(late), next)).toEqual([['u', 'channels', id, { stateDesc: 'Up (changed)' }]]);
  });

  it('sends an entity whole again when it lost a field, and keeps ids such as __proto__ apart', () => {
    const from = emptyState();
    const to = emptyState();
    from.channels = table<Channel>();
    to.channels = table<Channel>();
    const ch = { id: '__proto__', name: 'PJSIP/201-1', onHold: false } as unknown as Channel;
    from.channels['__proto__'] = { ...ch, queue: 'sales' } as Channel;
    to.channels['__proto__'] = ch;
    to.channels['constructor'] = { ...ch, id: 'constructor' } as Channel;
    expect(stateDifference(from, to)).toEqual([
      ['d', 'channels', '__proto__'],
      ['u', 'channels', '__proto__', ch],
      ['u', 'channels', 'constructor', { ...ch, id: 'constructor' }],
    ]);
  });

  it('compares JSON values by content', () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
  });
});

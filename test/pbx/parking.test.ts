/** Parked calls from res_parking's events and the ParkedCalls list. */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { DriftRecorder, emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { remove } from '../../lib/protocol';
import { chanEv, hangup, parkEv, type Chan } from './events';

const NOW = 1_795_000_000_000;
const caller: Chan = {
  uid: '1.41',
  name: 'Local/29001@callers-0000000a;1',
  num: '29001',
  cname: 'Account 601',
  context: 'internal',
  exten: '205',
};
const other: Chan = { uid: '1.60', name: 'PJSIP/201-00000030', num: '201', cname: 'Ivy Stone' };

const at = (e: AmiPacket) => Math.round(Number(e.fields.Timestamp) * 1000);
const run = (state: PbxState, ...events: AmiPacket[]) => events.flatMap((e) => step(state, e, NOW));
/** A list item: no Timestamp, the list's ActionID. */
const item = (e: AmiPacket): AmiPacket => {
  const { Timestamp: _ts, Privilege: _p, ...fields } = e.fields;
  return { fields: { ...fields, ActionID: 'cb-9' } };
};

describe('parked calls from events', () => {
  it('ParkedCall holds the space, from the event time less ParkingDuration, with the whole limit', () => {
    const state = emptyState();
    const parked = parkEv('ParkedCall', caller, '801', { timeout: 28, duration: 2 });
    run(state, parked);
    expect(state.parked['default|801']).toEqual({
      id: 'default|801',
      lot: 'default',
      space: '801',
      channel: '1.41',
      channelName: 'Local/29001@callers-0000000a;1',
      callerNum: '29001',
      callerName: 'Account 601',
      linkedId: '1.41',
      parker: 'PJSIP/205',
      parkedAt: at(parked) - 2000,
      timeout: 30,
    });
  });

  it('a repeated ParkedCall, seconds later, changes nothing (the start does not move by a rounding)', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'));
    expect(run(state, parkEv('ParkedCall', caller, '801', { timeout: 28, duration: 2 }))).toEqual([]);
  });

  it('no limit (ParkingTimeout counting below zero) is timeout 0', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801', { timeout: -5, duration: 5 }));
    expect(state.parked['default|801'].timeout).toBe(0);
  });

  it.each(['UnParkedCall', 'ParkedCallTimeOut', 'ParkedCallGiveUp'])('%s ends it', (event) => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'));
    expect(run(state, parkEv(event, caller, '801', { timeout: 26, duration: 4 }))).toEqual([remove('parked', 'default|801')]);
    expect(state.parked).toEqual({});
  });

  it('an end for a call never seen parked changes nothing', () => {
    const state = emptyState();
    expect(run(state, parkEv('UnParkedCall', caller, '801'))).toEqual([]);
  });

  it('a late UnParkedCall for a space another parkee holds by now leaves the newer one', () => {
    const state = emptyState();
    // The first call's UnParkedCall is missed; the space is given to another call; then the old end arrives.
    run(state, parkEv('ParkedCall', caller, '801'), parkEv('ParkedCall', other, '801'));
    expect(state.parked['default|801'].channel).toBe('1.60');
    expect(run(state, parkEv('UnParkedCall', caller, '801'))).toEqual([]);
    expect(state.parked['default|801'].channel).toBe('1.60');
  });

  it('a parkee parked again elsewhere leaves its old space', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'), parkEv('ParkedCall', caller, '805', { lot: 'sales' }));
    expect(Object.keys(state.parked)).toEqual(['sales|805']);
  });

  it('ParkedCallSwap: the channel swapped in holds the space, and the parked time goes on', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'));
    run(state, parkEv('ParkedCallSwap', other, '801', { timeout: 20, duration: 10 }));
    expect(state.parked['default|801']).toMatchObject({ channel: '1.60', callerNum: '201', timeout: 30 });
  });

  it('a hangup of the parkee ends it (its UnParkedCall missed), known channel or not', () => {
    const state = emptyState();
    run(state, chanEv('Newchannel', caller), parkEv('ParkedCall', caller, '801'), parkEv('ParkedCall', other, '802'));
    run(state, hangup(caller));
    expect(Object.keys(state.parked)).toEqual(['default|802']);
    // 1.60 came from the parking event alone: no channel of it is stored.
    expect(state.channels['1.60']).toBeUndefined();
    run(state, hangup(other));
    expect(state.parked).toEqual({});
  });
});

describe('parked calls from the ParkedCalls list', () => {
  it('adds what it lists, removes what it does not, and sends only the differences', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'), parkEv('ParkedCall', other, '802'));
    const listed = { ...caller, uid: '1.70', name: 'PJSIP/203-00000040' };
    const ops = resync(
      state,
      {
        parked: [
          item(parkEv('ParkedCall', caller, '801', { timeout: 25, duration: 5 })),
          item(parkEv('ParkedCall', listed, '803', { duration: 7 })),
        ],
      },
      NOW,
    );
    expect(ops.filter((op) => op[0] !== 'u' || op[1] !== 'calls')).toEqual([
      remove('parked', 'default|802'),
      ['u', 'parked', 'default|803', expect.objectContaining({ channel: '1.70', parkedAt: NOW - 7000 })],
    ]);
    expect(Object.keys(state.parked).sort()).toEqual(['default|801', 'default|803']);
  });

  it('a drift check counts the parked calls the board had wrong, and none when it followed every event', () => {
    const state = emptyState();
    const parked = parkEv('ParkedCall', caller, '801');
    run(state, parked, parkEv('ParkedCall', other, '802'));
    const steady = new DriftRecorder();
    resync(
      state,
      { parked: [item(parkEv('ParkedCall', caller, '801', { timeout: 28, duration: 2 })), item(parkEv('ParkedCall', other, '802'))] },
      NOW,
      { drift: steady },
    );
    expect(steady.summary().total).toBe(0);
    // The UnParkedCall of 802 was lost.
    const drift = new DriftRecorder();
    resync(state, { parked: [item(parked)] }, NOW, { drift });
    expect(drift.summary()).toMatchObject({ total: 1, byKind: { parked: { removed: 1 } } });
  });

  it('an empty list clears the lots; no list (refused, no res_parking) leaves them to the events', () => {
    const state = emptyState();
    run(state, parkEv('ParkedCall', caller, '801'));
    resync(state, {}, NOW);
    expect(Object.keys(state.parked)).toEqual(['default|801']);
    resync(state, { parked: [] }, NOW);
    expect(state.parked).toEqual({});
  });
});

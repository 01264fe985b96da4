/**
 * Ids from the wire named like Object.prototype's members. Any AMI user with
 * originate rights picks a Uniqueid (`Originate … ChannelId: constructor`), a
 * hostile PBX any name at all: the state engine, and a browser mirror fed
 * through JSON, must treat them as ordinary ids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { adoptState, applyOps, copyForOps, type Op } from '../../lib/protocol';
import { bridgeCreate, bridgeEnter, chanEv, dialBegin, ev, hangup, type Chan } from './events';

const PROTO_IDS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
const NOW = 1_795_000_000_000;

/** A browser's copy: the state through JSON (as socket.io sends it), adopted, then the ops. */
class Mirror {
  state: PbxState;
  constructor(server: PbxState) {
    this.state = adoptState(JSON.parse(JSON.stringify(server)) as PbxState);
  }
  apply(ops: readonly Op[]): void {
    // As lib/store does: a copy of the touched tables, then the ops.
    const next = copyForOps(this.state, ops);
    applyOps(next, ops);
    this.state = next;
  }
}

const wire = (s: PbxState): unknown => JSON.parse(JSON.stringify(s));

function callEvents(id: string): AmiPacket[] {
  const a: Chan = { uid: id, name: `PJSIP/${id}-00000001`, num: '101', exten: '102', state: 4, linkedid: id };
  const b: Chan = { uid: `${id}.2`, name: 'PJSIP/102-00000002', num: '102', state: 0, linkedid: id };
  return [
    chanEv('Newchannel', a),
    chanEv('Newexten', a, { Extension: '102', Application: 'Dial', AppData: 'PJSIP/102' }),
    chanEv('Newchannel', b),
    dialBegin(a, b),
    chanEv('Newstate', { ...b, state: 6 }),
    bridgeCreate(id),
    bridgeEnter(id, { ...b, state: 6 }),
    bridgeEnter(id, { ...a, state: 6 }),
    ev('QueueMemberAdded', {
      Queue: id,
      MemberName: id,
      Interface: id,
      StateInterface: id,
      Membership: 'dynamic',
      Penalty: '0',
      CallsTaken: '0',
      LastCall: '0',
      LastPause: '0',
      LoginTime: '0',
      InCall: '0',
      Status: '1',
      Paused: '0',
      PausedReason: '',
      Ringinuse: '0',
      Wrapuptime: '0',
    }),
    chanEv('QueueCallerJoin', { uid: `${id}.3`, name: `Local/${id}@q-1;1`, linkedid: `${id}.3` }, { Queue: id, Position: '1', Count: '1' }),
    ev('DeviceStateChange', { Device: id, State: 'INUSE' }),
    ev('ExtensionStatus', { Exten: id, Context: id, Hint: id, Status: '1', StatusText: 'InUse' }),
    chanEv(
      'QueueCallerLeave',
      { uid: `${id}.3`, name: `Local/${id}@q-1;1`, linkedid: `${id}.3` },
      { Queue: id, Position: '1', Count: '0' },
    ),
    hangup({ ...a, state: 6 }),
    hangup({ ...b, state: 6 }),
    hangup({ uid: `${id}.3`, name: `Local/${id}@q-1;1`, linkedid: `${id}.3` }),
    ev('BridgeDestroy', {
      BridgeUniqueid: id,
      BridgeType: 'basic',
      BridgeTechnology: 'simple_bridge',
      BridgeCreator: '',
      BridgeName: '',
      BridgeNumChannels: '0',
    }),
  ];
}

describe('prototype-named ids', () => {
  for (const id of PROTO_IDS) {
    it(`"${id}" as Uniqueid, Linkedid, bridge, queue, member and device: step() works and a JSON mirror stays equal`, () => {
      const state = emptyState();
      const mirror = new Mirror(state);
      const events = callEvents(id);
      const created = events.slice(0, 12);
      for (const e of created) mirror.apply(step(state, e, NOW));
      expect(state.channels[id]?.name).toBe(`PJSIP/${id}-00000001`);
      expect(state.calls[id]?.state).toBe('talking');
      expect(state.bridges[id]?.channels).toEqual([`${id}.2`, id]);
      expect(state.queues[id]?.id).toBe(id);
      expect(state.members[`${id}|${id}`]?.name).toBe(id);
      expect(state.devices[id]?.state).toBe('INUSE');
      expect(wire(mirror.state)).toEqual(wire(state));
      for (const e of events.slice(12)) mirror.apply(step(state, e, NOW));
      expect(state.channels[id]).toBeUndefined();
      expect(state.calls[id]).toBeUndefined();
      expect(state.bridges[id]).toBeUndefined();
      expect(Object.keys(state.channels)).toEqual([]);
      expect(wire(mirror.state)).toEqual(wire(state));
      expect(Object.keys(mirror.state.channels)).toEqual([]);
    });

    it(`"${id}": resync() builds from lists and removes what the lists lack, with no ghost`, () => {
      const state = emptyState();
      const mirror = new Mirror(state);
      const item = (uid: string): AmiPacket => ({
        fields: {
          Event: 'CoreShowChannel',
          Channel: `PJSIP/${uid}-1`,
          Uniqueid: uid,
          Linkedid: id,
          Context: 'c',
          Exten: '1',
          Priority: '1',
          ChannelState: '6',
          ChannelStateDesc: 'Up',
          Application: 'Wait',
          ApplicationData: '',
          CallerIDNum: '1',
          CallerIDName: '',
          ConnectedLineNum: '',
          ConnectedLineName: '',
          BridgeId: id,
          Duration: '00:00:01',
        },
      });
      const lists = {
        channels: [item(id), item(`${id}-b`)],
        bridges: [
          {
            fields: {
              Event: 'BridgeListItem',
              BridgeUniqueid: id,
              BridgeType: 'basic',
              BridgeTechnology: 'simple_bridge',
              BridgeCreator: '',
              BridgeName: '',
            },
          },
        ],
        queues: [
          { fields: { Event: 'QueueParams', Queue: id, Max: '0', Strategy: 'ringall', Calls: '0' } as Record<string, string> },
          { fields: { Event: 'QueueMember', Queue: id, Name: id, Location: id, Status: '1', Paused: '0' } as Record<string, string> },
        ],
      };
      mirror.apply(resync(state, lists, NOW));
      expect(state.channels[id]?.bridgeId).toBe(id);
      expect(state.bridges[id]?.channels.slice().sort()).toEqual([id, `${id}-b`].sort());
      expect(state.calls[id]?.channels).toHaveLength(2);
      expect(state.members[`${id}|${id}`]).toBeDefined();
      expect(wire(mirror.state)).toEqual(wire(state));
      // In sync: nothing to say.
      expect(resync(state, lists, NOW)).toEqual([]);
      // Everything gone: every entity goes, none comes back.
      mirror.apply(resync(state, { channels: [], bridges: [], queues: [] }, NOW + 1));
      for (const kind of ['channels', 'bridges', 'calls', 'queues', 'members'] as const) expect(Object.keys(state[kind])).toEqual([]);
      expect(wire(mirror.state)).toEqual(wire(state));
    });
  }

  it('a JSON snapshot adopted by the browser finds no prototype member under any id', () => {
    const adopted = adoptState(JSON.parse(JSON.stringify(emptyState())) as PbxState);
    for (const id of PROTO_IDS)
      for (const kind of ['channels', 'bridges', 'calls', 'queues', 'members', 'callers', 'devices'] as const) {
        expect((adopted[kind] as Record<string, unknown>)[id]).toBeUndefined();
      }
    // An upsert of "__proto__" is an entity, not a prototype change.
    applyOps(adopted, [['u', 'channels', '__proto__', { name: 'x' }]]);
    expect(Object.keys(adopted.channels)).toEqual(['__proto__']);
    expect((adopted.channels as Record<string, unknown>).toString).toBeUndefined();
  });

  it('property: random calls whose ids mix prototype names never throw, and a mirror always agrees', () => {
    const idArb = fc.oneof(fc.constantFrom(...PROTO_IDS), fc.constantFrom('1.1', '1.2', 'a'));
    fc.assert(
      fc.property(fc.array(fc.tuple(idArb, fc.integer({ min: 0, max: 16 })), { minLength: 1, maxLength: 40 }), (plan) => {
        const state = emptyState();
        const mirror = new Mirror(state);
        for (const [id, k] of plan) mirror.apply(step(state, callEvents(id)[k], NOW));
        expect(wire(mirror.state)).toEqual(wire(state));
        mirror.apply(resync(state, { channels: [], bridges: [], queues: [] }, NOW));
        expect(Object.keys(state.channels)).toEqual([]);
        expect(wire(mirror.state)).toEqual(wire(state));
      }),
      { numRuns: 300 },
    );
  });
});

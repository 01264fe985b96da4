import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { describeRefusal, emptyState, resync, step } from '../../lib/pbx';
import { chanEv, type Chan } from './events';
import { clockAfter, replay, segments } from './transcripts';

describe('resync', () => {
  for (const name of ['01-internal-call', '02-queue-answered-and-abandoned', '04-busy-hour', '05-join-midcall', '07-status-list']) {
    it(`${name}: a resync of a state that already equals the lists emits nothing, not even a status`, () => {
      const { state, final, now } = replay(name);
      const lists = { channels: final.CoreShowChannels, queues: final.QueueStatus, bridges: final.BridgeList };
      const before = structuredClone(state.pbx);
      // The server stamps lastResync once every list is in; one list stamping it would say live too early.
      expect(resync(state, lists, now + 1)).toEqual([]);
      expect(state.pbx).toEqual(before);
    });
  }

  it('builds the state from lists alone, then finds nothing to change', () => {
    const { final, now } = replay('05-join-midcall');
    const lists = { channels: final.CoreShowChannels, queues: final.QueueStatus, bridges: final.BridgeList };
    const state = emptyState();
    const ops = resync(state, lists, now);
    expect(ops.length).toBeGreaterThan(0);
    expect(Object.keys(state.channels)).toHaveLength(final.CoreShowChannels!.length);
    expect(Object.keys(state.calls).length).toBeGreaterThan(0);
    // Every call is a real conversation: its channels share its Linkedid.
    for (const call of Object.values(state.calls)) for (const uid of call.channels) expect(state.channels[uid].linkedId).toBe(call.id);
    expect(resync(state, lists, now)).toEqual([]);
  });

  it('removes a ghost with a delete, and leaves the rest alone', () => {
    const { state, final, now } = replay('05-join-midcall');
    const ghost: Chan = { uid: '1.999', name: 'PJSIP/199-000000ff', num: '199' };
    step(state, chanEv('Newchannel', ghost), now);
    expect(state.calls['1.999']).toBeDefined();
    const ops = resync(state, { channels: final.CoreShowChannels, queues: final.QueueStatus, bridges: final.BridgeList }, now + 1);
    expect(ops).toEqual([
      ['d', 'channels', '1.999'],
      ['d', 'calls', '1.999'],
    ]);
  });

  it('dates a channel learnt from a list by its Duration, relative to now', () => {
    const { final, now } = replay('05-join-midcall');
    const item = final.CoreShowChannels![0].fields;
    const state = emptyState();
    resync(state, { channels: final.CoreShowChannels }, now);
    const [h, m, s] = item.Duration.split(':').map(Number);
    expect(state.channels[item.Uniqueid].startedAt).toBe(now - (h * 3600 + m * 60 + s) * 1000);
  });
});

describe('describeRefusal', () => {
  it('knows the write classes of the actions a dashboard uses', () => {
    expect(describeRefusal('Status', 'Permission denied')).toContain('"system" or "call" or "reporting"');
    expect(describeRefusal('Originate', 'Permission denied')).toContain('"originate"');
    expect(describeRefusal('Hangup', 'Permission denied')).toContain('"system" or "call"');
    expect(describeRefusal('QueuePause', 'Permission denied')).toContain('"agent"');
    expect(describeRefusal('QueueStatus', 'Permission denied')).toContain('needs no write permission');
    expect(describeRefusal('BridgeList', 'Permission denied')).toContain('needs no write permission');
    expect(describeRefusal('Frobnicate', 'Permission denied')).toContain('manager.conf');
    expect(describeRefusal('Originate', 'Extension does not exist.')).toBe('Originate failed: Extension does not exist.');
  });

  it("says what an unknown action (its module not loaded) costs the board, in manager.c's words (06)", () => {
    const unknown = 'Invalid/unknown command: ParkedCalls. Use Action: ListCommands to show available commands.';
    expect(describeRefusal('ParkedCalls', unknown)).toBe(
      'ParkedCalls is unknown to this Asterisk: res_parking is not loaded, so parked calls are not shown',
    );
    expect(describeRefusal('ParkedCalls', 'Permission denied')).toContain('add "call"');
    expect(describeRefusal('Frobnicate', 'Invalid/unknown command: Frobnicate')).toContain('module that provides it is not loaded');
  });
});

describe('call rows kept by events equal rows derived from scratch', () => {
  for (const name of ['02-queue-answered-and-abandoned', '04-busy-hour', '05-join-midcall', '07-status-list']) {
    it(name, () => {
      const segs = segments(name);
      const state = emptyState();
      let checked = 0;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i];
        const now = clockAfter(segs, i, 1);
        if (s.kind === 'list' && s.action !== 'Status') {
          resync(
            state,
            s.action === 'QueueStatus' ? { queues: s.items } : s.action === 'BridgeList' ? { bridges: s.items } : { channels: s.items },
            now,
          );
        } else if (s.kind === 'event') {
          step(state, s.packet, now);
          if (i % 3 === 0) {
            // A resync without lists derives every call again from the channels and bridges.
            expect(resync(state, {}, now)).toEqual([]);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(10);
    });
  }
});

describe('joining mid-call (05): call rows from the first lists alone', () => {
  function firstLists() {
    const lists: { channels?: AmiPacket[]; queues?: AmiPacket[]; bridges?: AmiPacket[] } = {};
    for (const s of segments('05-join-midcall')) {
      if (s.kind === 'event' && lists.bridges) break;
      if (s.kind !== 'list') continue;
      if (s.action === 'CoreShowChannels') lists.channels = s.items;
      if (s.action === 'QueueStatus') lists.queues = s.items;
      if (s.action === 'BridgeList') lists.bridges = s.items;
    }
    return lists;
  }

  it('shows who talks to whom, the queue an answered call came through, and a call still ringing', () => {
    const state = emptyState();
    resync(state, firstLists(), 1_795_664_730_000);
    const rows = Object.values(state.calls);
    const byCaller = (num: string) => rows.find((c) => c.from.num === num);
    expect(byCaller('27852')).toMatchObject({ state: 'talking', queue: 'sales', to: { num: '2002', name: 'Bob' } });
    expect(byCaller('29692')).toMatchObject({ state: 'talking', queue: '', to: { num: '169' } });
    expect(byCaller('21252')).toMatchObject({ state: 'queued', queue: 'sales', to: { name: 'sales', num: '533' } });
    expect(byCaller('25877')).toMatchObject({ state: 'ringing', to: { num: '146' } });
    expect(rows.filter((c) => c.state === 'queued')).toHaveLength(Object.keys(state.callers).length);
  });
});

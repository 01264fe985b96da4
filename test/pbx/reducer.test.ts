import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState, type ResyncLists } from '../../lib/pbx';
import { memberCall } from '../../lib/pbx/queues';
import type { Op } from '../../lib/protocol';
import { segments, clockAfter, type ListAction } from './transcripts';
import {
  bridgeCreate,
  bridgeDestroy,
  bridgeEnter,
  bridgeLeave,
  chanEv,
  dialBegin,
  dialEnd,
  ev,
  hangup,
  localBridge,
  snapshot,
  type Chan,
} from './events';

const NOW = 1_795_000_000_000;

// PJSIPShowAors adds nothing the model holds: its items are read by no list key.
const LIST_KEY: Record<ListAction, keyof ResyncLists | 'none'> = {
  CoreShowChannels: 'channels',
  Status: 'channels',
  QueueStatus: 'queues',
  BridgeList: 'bridges',
  ParkedCalls: 'parked',
  PJSIPShowEndpoints: 'endpoints',
  PJSIPShowContacts: 'contacts',
  PJSIPShowAors: 'none',
  DeviceStateList: 'devices',
  ExtensionStateList: 'hints',
};

function run(state: PbxState, events: AmiPacket[]): Op[] {
  const ops: Op[] = [];
  for (const e of events) ops.push(...step(state, e, NOW));
  return ops;
}

/** Replays a transcript's events until `until` says stop (after the event it matched). */
function replayUntil(name: string, until: (p: AmiPacket) => boolean): PbxState {
  const segs = segments(name);
  const state = emptyState();
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind === 'list') {
      resync(state, { [LIST_KEY[s.action]]: s.items }, clockAfter(segs, i, 1));
      continue;
    }
    if (s.kind !== 'event') continue;
    step(state, s.packet, clockAfter(segs, i, 1));
    if (until(s.packet)) break;
  }
  return state;
}

describe('call grouping from the transcripts', () => {
  it('01: one call, Ann Lee (21001) talks to extension 101, four Local legs glued', () => {
    let entered = 0;
    const state = replayUntil('01-internal-call', (p) => p.fields.Event === 'BridgeEnter' && ++entered === 2);
    const calls = Object.values(state.calls);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({
      id: '1795664553.94',
      direction: 'internal',
      state: 'talking',
      from: { channel: '1795664553.94', num: '21001', name: 'Ann Lee' },
      to: { channel: '1795664553.97', num: '101' },
      did: '101',
      queue: '',
    });
    expect(call.channels).toHaveLength(4);
    expect(call.answeredAt).toBeGreaterThan(0);
    expect(call.startedAt).toBe(1795664553031);
  });

  it('01: while the phone rings the call is ringing towards 101', () => {
    const state = replayUntil('01-internal-call', (p) => p.fields.Event === 'DialState');
    expect(state.calls['1795664553.94']).toMatchObject({ state: 'ringing', to: { num: '101' } });
  });

  it('01: the call is gone when its last channel hangs up', () => {
    const state = replayUntil('01-internal-call', () => false);
    expect(state.calls).toEqual({});
    expect(state.channels).toEqual({});
    expect(state.bridges).toEqual({});
  });

  it('02: the sales caller waits in the queue, then talks to Bob, and the queue stays on the row', () => {
    const queued = replayUntil('02-queue-answered-and-abandoned', (p) => p.fields.Event === 'QueueCallerJoin');
    expect(queued.calls['1795664569.98']).toMatchObject({ state: 'queued', queue: 'sales', to: { name: 'sales' }, did: '520' });
    expect(queued.callers['sales|1795664569.98']).toMatchObject({ position: 1, callerNum: '22001' });

    let connect: AmiPacket | undefined;
    const talking = replayUntil('02-queue-answered-and-abandoned', (p) => (p.fields.Event === 'AgentConnect' ? !!(connect = p) : false));
    expect(talking.callers).toEqual({});
    expect(talking.members['sales|Local/2002@agents/n']).toMatchObject({ inCall: true });
    expect(memberCall(talking, 'sales|Local/2002@agents/n')).toMatchObject({ callInSl: true });
    expect(step(talking, connect!, NOW)).toEqual([]);
    const call = talking.calls['1795664569.98'];
    expect(call).toMatchObject({
      state: 'talking',
      queue: 'sales',
      did: '520',
      from: { num: '22001', name: 'Customer 520' },
      to: { num: '2002', name: 'Bob' },
    });
    // Alice's legs rang too and are gone; Bob's two legs and the caller's two remain.
    expect(call.channels).toHaveLength(4);
  });

  it('02: the support caller abandons: counted, removed from the queue, no ghost left', () => {
    const waiting = replayUntil(
      '02-queue-answered-and-abandoned',
      (p) => p.fields.Event === 'QueueCallerJoin' && p.fields.Queue === 'support',
    );
    expect(waiting.calls['1795664570.104']).toMatchObject({ state: 'queued', queue: 'support', to: { name: 'support' } });
    expect(waiting.queues.support.calls).toBe(1);

    let abandon: AmiPacket | undefined;
    const abandoned = replayUntil('02-queue-answered-and-abandoned', (p) =>
      p.fields.Event === 'QueueCallerAbandon' ? !!(abandon = p) : false,
    );
    expect(abandoned.queues.support).toMatchObject({ abandoned: 1, abandonedInSl: 1, serviceLevelPerf2: 100 });
    // The same abandon again (a duplicate, or a replay after a resync) counts nothing.
    expect(step(abandoned, abandon!, NOW)).toEqual([]);

    const after = replayUntil(
      '02-queue-answered-and-abandoned',
      (p) => p.fields.Event === 'Hangup' && p.fields.Uniqueid === '1795664570.105',
    );
    expect(after.calls['1795664570.104']).toBeUndefined();
    expect(after.callers).toEqual({});
    expect(after.queues.support.calls).toBe(0);
  });
});

describe('09: one call through a blind transfer, a park, its pick-up and a redirect', () => {
  const CALL = '1796114697.41';
  /** The state right after the `n`th event named `name` (and matching `where`). */
  const after = (name: string, n = 1, where: (f: Record<string, string>) => boolean = () => true) => {
    let seen = 0;
    return replayUntil('09-supervisor-tools', (p) => p.fields.Event === name && where(p.fields) && ++seen === n);
  };
  /** Exactly one call holds the customer's channel, and it is the call that began in the queue. */
  const theCall = (state: PbxState) => {
    const rows = Object.values(state.calls).filter((c) => c.channels.includes(CALL));
    expect(rows.map((c) => c.id)).toEqual([CALL]);
    expect(rows[0]).toMatchObject({ from: { channel: CALL, num: '29001', name: 'Account 601' }, queue: 'billing', did: '601' });
    return rows[0];
  };

  it('the queue call answered by the agent 202', () => {
    const call = theCall(after('AgentConnect'));
    expect(call).toMatchObject({ state: 'talking', to: { channel: '1796114697.43', num: '202', name: 'Jon Park' } });
  });

  it('the BlindTransfer of the agent leg to 205: the same call rings, then talks to Mia Chen, queue and DID kept', () => {
    const answeredAt = theCall(after('AgentConnect')).answeredAt;
    expect(theCall(after('DialState', 1, (f) => f.DestChannel === 'PJSIP/205-00000019'))).toMatchObject({
      state: 'ringing',
      to: { num: '205', name: 'Mia Chen' },
    });
    const call = theCall(after('BridgeEnter', 1, (f) => f.BridgeUniqueid.startsWith('f2e4f1fb') && f.Uniqueid === CALL));
    expect(call).toMatchObject({ state: 'talking', to: { channel: '1796114723.47', num: '205', name: 'Mia Chen' }, answeredAt });
    // The agent's leg hung up: still the one call.
    expect(theCall(after('Hangup', 1, (f) => f.Channel === 'PJSIP/202-00000015')).to.num).toBe('205');
  });

  it('parked: on hold in lot default, space 801, also once 205 hung up', () => {
    expect(theCall(after('ParkedCall'))).toMatchObject({ state: 'hold', to: { channel: '', name: 'default', num: '801' } });
    expect(theCall(after('Hangup', 1, (f) => f.Channel === 'PJSIP/205-00000019'))).toMatchObject({
      state: 'hold',
      to: { name: 'default', num: '801' },
    });
  });

  it("picked up from 203 (UnParkedCall): 203's own originated call joins the customer's", () => {
    const state = after('UnParkedCall');
    const call = theCall(state);
    expect(call).toMatchObject({ state: 'talking', to: { channel: '1796114730.48', num: '203', name: 'Kim Vega' } });
    expect(call.channels).toContain('1796114730.48');
    expect(state.calls['1796114730.48']).toBeUndefined();
  });

  it('redirected to 710: the same call, answered by the PBX there', () => {
    const call = theCall(after('Newexten', 1, (f) => f.Exten === '710' && f.Application === 'Wait'));
    expect(call).toMatchObject({ state: 'talking', to: { channel: '', num: '710' } });
  });

  it('one call id from the first channel to the last hangup', () => {
    const segs = segments('09-supervisor-tools');
    const state = emptyState();
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s.kind === 'list') resync(state, { [LIST_KEY[s.action]]: s.items }, clockAfter(segs, i, 1));
      if (s.kind !== 'event') continue;
      step(state, s.packet, clockAfter(segs, i, 1));
      const c = state.channels[CALL];
      if (c !== undefined)
        expect(
          Object.values(state.calls)
            .filter((r) => r.channels.includes(CALL))
            .map((r) => r.id),
        ).toEqual([CALL]);
    }
  });
});

describe('reducer robustness', () => {
  const phone: Chan = {
    uid: '100.1',
    name: 'PJSIP/101-00000001',
    num: '101',
    cname: 'Alice',
    context: 'from-internal',
    exten: '102',
    state: 4,
  };

  it('skips VarSet and other unknown events without touching the state', () => {
    const state = emptyState();
    const before = JSON.stringify(state);
    expect(step(state, chanEv('VarSet', phone, { Variable: 'X', Value: '1' }), NOW)).toEqual([]);
    expect(step(state, ev('SomethingNew', { Foo: 'bar' }), NOW)).toEqual([]);
    expect(step(state, { fields: { Response: 'Success' } }, NOW)).toEqual([]);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('creates a channel whose Newchannel was missed, from its first state event', () => {
    const state = emptyState();
    const ops = step(state, chanEv('Newstate', { ...phone, state: 6 }), NOW);
    expect(ops.length).toBeGreaterThan(0);
    expect(state.channels['100.1']).toMatchObject({ name: 'PJSIP/101-00000001', state: 6, callerNum: '101', context: 'from-internal' });
    expect(state.calls['100.1'].channels).toEqual(['100.1']);

    const other = emptyState();
    step(other, chanEv('Newexten', phone, { Extension: '102', Application: 'Dial', AppData: 'PJSIP/102,30' }), NOW);
    expect(other.channels['100.1']).toMatchObject({ app: 'Dial', appData: 'PJSIP/102,30' });
  });

  it('takes the start time from the Timestamp header, else from now', () => {
    const state = emptyState();
    step(state, { fields: { ...chanEv('Newchannel', phone).fields, Timestamp: '1795664553.031378' } }, NOW);
    expect(state.channels['100.1'].startedAt).toBe(1795664553031);
    const { Timestamp: _, ...noTs } = chanEv('Newchannel', { ...phone, uid: '100.9' }).fields;
    step(state, { fields: noTs }, NOW);
    expect(state.channels['100.9'].startedAt).toBe(NOW);
  });

  it('emits nothing for a duplicate event', () => {
    const state = emptyState();
    const events = [
      chanEv('Newchannel', phone),
      chanEv('Newexten', phone, { Application: 'Dial', AppData: 'PJSIP/102' }),
      chanEv('Newstate', { ...phone, state: 6 }),
      ev('DeviceStateChange', { Device: 'PJSIP/101', State: 'INUSE' }),
      ev('ExtensionStatus', { Exten: '101', Context: 'hints', Hint: 'PJSIP/101', Status: '1', StatusText: 'InUse' }),
    ];
    for (const e of events) {
      expect(step(state, e, NOW).length).toBeGreaterThan(0);
      expect(step(state, e, NOW)).toEqual([]);
    }
    expect(state.devices['PJSIP/101']).toMatchObject({ kind: 'device', state: 'INUSE' });
    expect(state.devices['101@hints']).toMatchObject({ kind: 'extension', status: 1, state: 'InUse' });
  });

  it('ignores late events for a channel that already hung up, and unknown hangups', () => {
    const state = emptyState();
    const callee: Chan = { uid: '100.2', name: 'PJSIP/102-00000002', num: '102', linkedid: '100.1', state: 0 };
    run(state, [chanEv('Newchannel', phone), chanEv('Newchannel', callee), dialBegin(phone, callee), hangup(callee)]);
    expect(state.channels['100.2']).toBeUndefined();
    const late = [
      chanEv('NewConnectedLine', callee),
      chanEv('NewCallerid', callee),
      dialEnd(phone, callee, 'CANCEL'),
      bridgeLeave('b-1', callee),
      chanEv('HangupRequest', callee),
      hangup(callee),
      hangup({ uid: '999.9', name: 'PJSIP/999-00000009' }),
      bridgeDestroy('b-unknown'),
      ev('QueueCallerLeave', snapshot(callee), { Queue: 'sales', Position: '1', Count: '0' }),
    ];
    const before = JSON.stringify(state);
    for (const e of late) step(state, e, NOW);
    expect(state.channels['100.2']).toBeUndefined();
    // The DialEnd cleared the caller's dial to the dead channel; nothing else moved.
    expect(state.channels['100.1'].dialPeer).toBe('');
    expect(Object.keys(state.channels)).toEqual(['100.1']);
    expect(JSON.parse(before).channels['100.2']).toBeUndefined();
  });

  it('answers a reordered bridge teardown: leave after destroy, enter before create', () => {
    const state = emptyState();
    const callee: Chan = { uid: '100.2', name: 'PJSIP/102-00000002', num: '102', linkedid: '100.1' };
    run(state, [chanEv('Newchannel', phone), chanEv('Newchannel', callee)]);
    // BridgeEnter without a BridgeCreate creates the bridge from the event's own bridge fields.
    run(state, [bridgeEnter('b-1', phone), bridgeEnter('b-1', callee)]);
    expect(state.bridges['b-1']).toMatchObject({ type: 'basic', channels: ['100.1', '100.2'] });
    expect(state.calls['100.1']).toMatchObject({ state: 'talking', to: { channel: '100.2', num: '102' } });
    expect(run(state, [bridgeCreate('b-1')])).toEqual([]);
    run(state, [bridgeDestroy('b-1')]);
    expect(state.bridges['b-1']).toBeUndefined();
    expect(state.channels['100.1'].bridgeId).toBe('');
    expect(run(state, [bridgeLeave('b-1', phone), bridgeLeave('b-1', callee)])).toEqual([]);
  });

  it('keeps queue positions in step when a caller in the middle leaves', () => {
    const state = emptyState();
    const callers = ['1', '2', '3'].map((n): Chan => ({ uid: `200.${n}`, name: `PJSIP/30${n}-0000000${n}`, num: `30${n}` }));
    callers.forEach((c, i) =>
      step(state, ev('QueueCallerJoin', snapshot(c), { Queue: 'sales', Position: String(i + 1), Count: String(i + 1) }), NOW),
    );
    expect(state.queues.sales.calls).toBe(3);
    step(state, hangup(callers[1]), NOW);
    expect(state.callers['sales|200.2']).toBeUndefined();
    expect(state.callers['sales|200.3'].position).toBe(2);
    step(state, ev('QueueCallerLeave', snapshot(callers[1]), { Queue: 'sales', Position: '2', Count: '2' }), NOW);
    expect(state.queues.sales.calls).toBe(2);
    expect(state.callers['sales|200.3'].position).toBe(2);
  });

  it('tracks a member pause with its reason and since when', () => {
    const state = emptyState();
    const member = {
      Queue: 'sales',
      MemberName: 'Alice',
      Interface: 'PJSIP/101',
      StateInterface: 'PJSIP/101',
      Membership: 'dynamic',
      Penalty: '0',
      CallsTaken: '0',
      LastCall: '0',
      LastPause: '0',
      LoginTime: '1795000000',
      InCall: '0',
      Status: '1',
      Paused: '0',
      PausedReason: '',
      Ringinuse: '0',
      Wrapuptime: '0',
    };
    step(state, ev('QueueMemberAdded', member), NOW);
    const pause = ev('QueueMemberPause', member, { Paused: '1', PausedReason: 'Lunch', LastPause: '1795000001' });
    step(state, pause, NOW);
    expect(state.members['sales|PJSIP/101']).toMatchObject({
      name: 'Alice',
      paused: true,
      pausedReason: 'Lunch',
      // app_queue's own stamp of the pause, in whole seconds.
      pausedSince: 1_795_000_001_000,
    });
    // The same pause told again (a replay, a duplicate): nothing moves.
    expect(step(state, ev('QueueMemberPause', member, { Paused: '1', PausedReason: 'Lunch', LastPause: '1795000001' }), NOW)).toEqual([]);
    // A pause with no stamp starts when it is learnt.
    step(state, ev('QueueMemberPause', member, { Paused: '0', PausedReason: '', LastPause: '1795000001' }), NOW);
    const unstamped = ev('QueueMemberPause', member, { Paused: '1', PausedReason: 'Break', LastPause: '0' });
    step(state, unstamped, NOW);
    expect(state.members['sales|PJSIP/101'].pausedSince).toBe(Math.round(Number(unstamped.fields.Timestamp) * 1000));
    step(state, ev('QueueMemberRemoved', member), NOW);
    expect(state.members).toEqual({});
  });

  it('09: the pause of 203 (Coaching) starts at its LastPause, lasts through status changes, and its unpause keeps LastPause', () => {
    const id = 'billing|PJSIP/203';
    const segs = segments('09-supervisor-tools');
    const state = emptyState();
    const seen: { event: string; paused: boolean; reason: string; since: number; lastPause: number }[] = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s.kind === 'list') resync(state, { [LIST_KEY[s.action]]: s.items }, clockAfter(segs, i, 1));
      if (s.kind !== 'event') continue;
      step(state, s.packet, clockAfter(segs, i, 1));
      const f = s.packet.fields;
      if (f.Event.startsWith('QueueMember') && f.Interface === 'PJSIP/203') {
        const m = state.members[id];
        seen.push({ event: f.Event, paused: m.paused, reason: m.pausedReason, since: m.pausedSince, lastPause: m.lastPause });
      }
    }
    const unpause = segs.find((s) => s.kind === 'event' && s.packet.fields.Event === 'QueueMemberPause' && s.packet.fields.Paused === '0');
    const unpausedAt = unpause?.kind === 'event' ? Math.round(Number(unpause.packet.fields.Timestamp) * 1000) : 0;
    const pausedFrom = { paused: true, reason: 'Coaching', since: 1_796_114_697_000, lastPause: 1_796_114_697 };
    expect(seen).toEqual([
      { event: 'QueueMemberPause', ...pausedFrom },
      // Ringing (6), in use (2) and idle (1) again while paused: the pause goes on.
      { event: 'QueueMemberStatus', ...pausedFrom },
      { event: 'QueueMemberStatus', ...pausedFrom },
      { event: 'QueueMemberStatus', ...pausedFrom },
      // Asterisk empties the reason on unpause and keeps LastPause: the unpause is when it was learnt.
      { event: 'QueueMemberPause', paused: false, reason: '', since: unpausedAt, lastPause: 1_796_114_697 },
    ]);
    // The final QueueStatus agrees, and a resync moves nothing.
    expect(state.members[id]).toMatchObject({ paused: false, pausedReason: '', lastPause: 1_796_114_697, pausedSince: unpausedAt });
  });

  it('a board that joins mid-pause dates it from LastPause; an unpause with a reason leaves none on the member', () => {
    const state = emptyState();
    const listed: AmiPacket = {
      fields: {
        Event: 'QueueMember',
        Queue: 'billing',
        Name: 'Kim Vega',
        Location: 'PJSIP/203',
        StateInterface: 'PJSIP/203',
        Membership: 'static',
        Penalty: '0',
        CallsTaken: '0',
        LastCall: '0',
        LastPause: '1794999000',
        LoginTime: '1794990000',
        InCall: '0',
        Status: '1',
        Paused: '1',
        PausedReason: 'Lunch',
        Wrapuptime: '0',
        ActionID: 'cb-3',
      },
    };
    resync(state, { queues: [listed] }, NOW);
    expect(state.members['billing|PJSIP/203']).toMatchObject({ paused: true, pausedReason: 'Lunch', pausedSince: 1_794_999_000_000 });
    // The same list again: nothing to say.
    expect(resync(state, { queues: [listed] }, NOW + 60_000).filter((op) => op[1] === 'members')).toEqual([]);
    const { Event: _event, Name, Location, ActionID: _id, ...rest } = listed.fields;
    const unpause = ev('QueueMemberPause', rest, {
      MemberName: Name,
      Interface: Location,
      Paused: '0',
      PausedReason: 'Back',
      Ringinuse: '0',
    });
    step(state, unpause, NOW);
    expect(state.members['billing|PJSIP/203']).toMatchObject({
      paused: false,
      pausedReason: '',
      pausedSince: Math.round(Number(unpause.fields.Timestamp) * 1000),
    });
  });

  it('marks hold from Hold/Unhold, and ignores queue music as hold', () => {
    const state = emptyState();
    const callee: Chan = { uid: '100.2', name: 'PJSIP/102-00000002', num: '102', linkedid: '100.1' };
    run(state, [chanEv('Newchannel', phone), chanEv('Newchannel', callee), bridgeEnter('b-1', phone), bridgeEnter('b-1', callee)]);
    run(state, [chanEv('Hold', callee, { MusicClass: 'default' })]);
    expect(state.channels['100.2'].onHold).toBe(true);
    expect(state.calls['100.1'].state).toBe('hold');
    run(state, [chanEv('Unhold', callee)]);
    expect(state.calls['100.1'].state).toBe('talking');

    const waiting: Chan = { uid: '300.1', name: 'PJSIP/301-00000003', num: '301' };
    run(state, [chanEv('Newchannel', waiting), chanEv('MusicOnHoldStart', waiting, { Class: 'default' })]);
    expect(state.channels['300.1'].onHold).toBe(false);
  });

  it('follows a Rename, and merges bridges', () => {
    const state = emptyState();
    const callee: Chan = { uid: '100.2', name: 'PJSIP/102-00000002', num: '102', linkedid: '100.1' };
    const third: Chan = { uid: '100.3', name: 'PJSIP/103-00000003', num: '103', linkedid: '100.1' };
    run(state, [chanEv('Newchannel', phone), chanEv('Newchannel', callee), chanEv('Newchannel', third)]);
    run(state, [ev('Rename', snapshot(callee), { Newname: 'PJSIP/102-00000002<ZOMBIE>' })]);
    expect(state.channels['100.2'].name).toBe('PJSIP/102-00000002<ZOMBIE>');

    run(state, [bridgeEnter('A', phone), bridgeEnter('A', callee), bridgeEnter('B', third)]);
    const info = (prefix: string, id: string) => ({
      [`${prefix}BridgeUniqueid`]: id,
      [`${prefix}BridgeType`]: 'basic',
      [`${prefix}BridgeNumChannels`]: '1',
    });
    run(state, [ev('BridgeMerge', info('To', 'A'), info('From', 'B'))]);
    expect(state.bridges.A.channels).toEqual(['100.1', '100.2', '100.3']);
    expect(state.bridges.B.channels).toEqual([]);
    expect(state.channels['100.3'].bridgeId).toBe('A');
    run(state, [bridgeDestroy('B')]);
    expect(state.channels['100.3'].bridgeId).toBe('A');
  });

  it('follows FullyBooted and Shutdown', () => {
    const state = emptyState();
    step(state, { fields: { Event: 'FullyBooted', Privilege: 'system,all', Uptime: '5', LastReload: '5', Status: 'Fully Booted' } }, NOW);
    expect(state.pbx.fullyBooted).toBe(true);
    step(state, { fields: { Event: 'Shutdown', Privilege: 'system,all', Shutdown: 'Uncleanly', Restart: 'True' } }, NOW);
    expect(state.pbx.fullyBooted).toBe(false);
  });
});

describe('Local channel optimisation', () => {
  // PJSIP/101 calls a ring group: Local/600@ringgroup;1 in its bridge, ;2 bridged with PJSIP/102.
  const caller: Chan = { uid: '1.1', name: 'PJSIP/101-00000001', num: '101', cname: 'Alice', context: 'from-internal', exten: '600' };
  const one: Chan = { uid: '1.2', name: 'Local/600@ringgroup-00000001;1', num: '600', linkedid: '1.1', context: 'ringgroup', exten: '600' };
  const two: Chan = { uid: '1.3', name: 'Local/600@ringgroup-00000001;2', num: '101', linkedid: '1.1', context: 'ringgroup', exten: '600' };
  const callee: Chan = { uid: '1.4', name: 'PJSIP/102-00000002', num: '102', cname: 'Bob', linkedid: '1.1' };

  function talking(): PbxState {
    const state = emptyState();
    run(state, [
      chanEv('Newchannel', caller),
      chanEv('Newchannel', { ...one, state: 0 }),
      chanEv('Newchannel', { ...two, state: 4 }),
      localBridge(one, two),
      dialBegin(caller, one),
      chanEv('Newchannel', { ...callee, state: 0 }),
      dialBegin(two, callee),
      chanEv('Newstate', { ...callee, state: 5 }),
    ]);
    return state;
  }

  it('shows the real callee ringing behind the Local pair', () => {
    const state = talking();
    expect(Object.keys(state.calls)).toEqual(['1.1']);
    expect(state.calls['1.1']).toMatchObject({
      state: 'ringing',
      from: { channel: '1.1', num: '101', name: 'Alice' },
      to: { channel: '1.4', num: '102' },
    });
  });

  it('keeps one row, 101 talking to 102, through the optimisation and the Local hangups', () => {
    const state = talking();
    run(state, [
      chanEv('Newstate', callee),
      dialEnd(two, callee, 'ANSWER'),
      dialEnd(caller, one, 'ANSWER'),
      bridgeCreate('A'),
      bridgeEnter('A', caller),
      bridgeEnter('A', one),
      bridgeCreate('B'),
      bridgeEnter('B', two),
      bridgeEnter('B', callee),
    ]);
    const expected = { state: 'talking', from: { channel: '1.1', num: '101' }, to: { channel: '1.4', num: '102', name: 'Bob' } };
    expect(state.calls['1.1']).toMatchObject(expected);

    const source = snapshot(callee, 'Source');
    const rows: unknown[] = [];
    for (const e of [
      ev('LocalOptimizationBegin', snapshot(one, 'LocalOne'), snapshot(two, 'LocalTwo'), source, { DestUniqueId: '1.1', Id: '1' }),
      bridgeLeave('B', callee),
      bridgeEnter('A', callee, '1.2'),
      bridgeLeave('A', one),
      ev('LocalOptimizationEnd', snapshot(one, 'LocalOne'), snapshot(two, 'LocalTwo'), { Success: 'Yes', Id: '1' }),
      bridgeLeave('B', two),
      bridgeDestroy('B'),
      hangup(one),
      hangup(two),
    ]) {
      step(state, e, NOW);
      rows.push(state.calls['1.1']);
    }
    for (const row of rows) expect(row).toMatchObject({ from: { channel: '1.1' }, to: { num: '102' } });
    expect(state.calls['1.1']).toMatchObject(expected);
    expect(state.calls['1.1'].channels.sort()).toEqual(['1.1', '1.4']);
    expect(state.bridges.A.channels).toEqual(['1.1', '1.4']);
  });
});

describe('direction', () => {
  it('a trunk as originator is inbound and keeps its DID; dialling a trunk is outbound', () => {
    const state = emptyState();
    const trunk: Chan = {
      uid: '5.1',
      name: 'PJSIP/carrier-0000000a',
      num: '+4930123456',
      cname: 'Caller',
      context: 'from-trunk',
      exten: '4930999',
    };
    const phone: Chan = { uid: '5.2', name: 'PJSIP/101-0000000b', num: '101', linkedid: '5.1', state: 0 };
    run(state, [chanEv('Newchannel', trunk), chanEv('Newchannel', phone), dialBegin(trunk, phone)]);
    expect(state.calls['5.1']).toMatchObject({
      direction: 'inbound',
      did: '4930999',
      from: { num: '+4930123456' },
      to: { num: '101' },
      state: 'dialing',
    });

    const out = emptyState();
    const desk: Chan = { uid: '6.1', name: 'PJSIP/102-0000000c', num: '102', context: 'from-internal', exten: '004930555' };
    const line: Chan = { uid: '6.2', name: 'PJSIP/carrier-0000000d', num: '004930555', linkedid: '6.1', state: 0 };
    run(out, [chanEv('Newchannel', desk), chanEv('Newchannel', line), dialBegin(desk, line)]);
    expect(out.calls['6.1']).toMatchObject({ direction: 'outbound', to: { num: '004930555' } });
  });

  it('uses the trunk predicate it is given', () => {
    const state = emptyState();
    const sip: Chan = { uid: '7.1', name: 'PJSIP/sipgate-00000001', num: '0301234', exten: '100' };
    step(state, chanEv('Newchannel', sip), NOW, { isTrunk: (n) => n.startsWith('PJSIP/sipgate-') });
    expect(state.calls['7.1'].direction).toBe('inbound');
  });
});

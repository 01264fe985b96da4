/**
 * Queue counters of a member in two calls (the issue): a PJSIP member of
 * billing is in a queue call that began before the board connected, takes
 * a direct call to its own extension and blind-transfers it. app_queue
 * counts the queue call at its AgentComplete (update_queue right after
 * send_agent_complete) and says so in no event of its own: the member's
 * InCall 0 shows only with its next device state change, which may not
 * come while the device stays in use.
 */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { bridgeCreate, bridgeEnter, bridgeLeave, chanEv, dialBegin, dialEnd, ev, hangup, snapshot, type Chan } from './events';

const NOW = 1_795_000_100_000;
const ID = 'billing|PJSIP/202';

const customer: Chan = { uid: '9.1', name: 'PJSIP/trunk-00000001', num: '29001', cname: 'Account 601', context: 'internal', exten: '601' };
const agentLeg: Chan = { uid: '9.2', name: 'PJSIP/202-00000002', num: '202', cname: 'Jon Park', linkedid: '9.1', exten: '601' };
const caller: Chan = { uid: '9.3', name: 'PJSIP/201-00000003', num: '201', cname: 'Ivy Stone', context: 'internal', exten: '202' };
const directLeg: Chan = { uid: '9.4', name: 'PJSIP/202-00000004', num: '202', cname: 'Jon Park', linkedid: '9.3', exten: '202' };
const target: Chan = { uid: '9.5', name: 'PJSIP/205-00000005', num: '205', cname: 'Mia Chen', linkedid: '9.3', exten: '205' };

const listedChannel = (c: Chan, app: string, data: string, bridge: string): AmiPacket => ({
  fields: {
    Event: 'CoreShowChannel',
    ActionID: 'cb-2',
    ...Object.fromEntries(Object.entries(snapshot(c)).filter(([k]) => k !== 'Language' && k !== 'AccountCode')),
    Application: app,
    ApplicationData: data,
    Duration: '00:01:40',
    BridgeId: bridge,
  },
});

/** QueueStatus while the member talks: Asterisk's counters before the call ends. */
const queueList = (): AmiPacket[] => [
  {
    fields: {
      Event: 'QueueParams',
      Queue: 'billing',
      Max: '0',
      Strategy: 'rrmemory',
      Calls: '0',
      Holdtime: '4',
      TalkTime: '60',
      Completed: '11',
      Abandoned: '0',
      ServiceLevel: '20',
      ServicelevelPerf: '100.0',
      ServicelevelPerf2: '100.0',
      Weight: '0',
      ActionID: 'cb-3',
    },
  },
  { fields: { Event: 'QueueMember', ...member({ Name: 'Jon Park', Location: 'PJSIP/202' }), ActionID: 'cb-3' } },
];

function member(over: Record<string, string> = {}): Record<string, string> {
  return {
    Queue: 'billing',
    StateInterface: 'PJSIP/202',
    Membership: 'static',
    Penalty: '0',
    CallsTaken: '5',
    LastCall: '1795000000',
    LastPause: '0',
    LoginTime: '1794990000',
    InCall: '1',
    Status: '2',
    Paused: '0',
    PausedReason: '',
    Wrapuptime: '0',
    ...over,
  };
}
const memberStatus = (over: Record<string, string>) =>
  ev('QueueMemberStatus', member({ MemberName: 'Jon Park', Interface: 'PJSIP/202', Ringinuse: '1', ...over }));

function joinedMidCall(): PbxState {
  const state = emptyState();
  resync(
    state,
    {
      channels: [listedChannel(customer, 'Queue', 'billing,tT', 'b-1'), listedChannel(agentLeg, 'AppQueue', '(Outgoing Line)', 'b-1')],
      bridges: [
        {
          fields: {
            Event: 'BridgeListItem',
            BridgeUniqueid: 'b-1',
            BridgeType: 'basic',
            BridgeTechnology: 'simple_bridge',
            BridgeCreator: '<unknown>',
            BridgeName: '<unknown>',
            BridgeNumChannels: '2',
            ActionID: 'cb-1',
          },
        },
      ],
      queues: queueList(),
    },
    NOW,
  );
  return state;
}

/** 201 calls 202 directly; 202 answers on its second line, then blind-transfers 201 to 205 (#1). */
function directCallAndBlindTransfer(): AmiPacket[] {
  return [
    chanEv('Newchannel', caller),
    chanEv('Newchannel', { ...directLeg, state: 0 }),
    dialBegin(caller, { ...directLeg, state: 0 }),
    memberStatus({ Status: '7' }),
    chanEv('Newstate', directLeg),
    dialEnd(caller, directLeg, 'ANSWER'),
    bridgeCreate('b-2'),
    bridgeEnter('b-2', directLeg),
    bridgeEnter('b-2', caller),
    memberStatus({ Status: '2' }),
    ev('BlindTransfer', { Result: 'Success' }, snapshot(directLeg, 'Transferer'), snapshot(caller, 'Transferee'), {
      BridgeUniqueid: 'b-2',
      IsExternal: 'No',
      Context: 'internal',
      Extension: '205',
    }),
    bridgeLeave('b-2', directLeg),
    hangup(directLeg),
    // The queue call still holds the device: it stays in use (2), so no QueueMemberStatus.
    chanEv('Newchannel', target),
    dialBegin(caller, target),
  ];
}

const agentComplete = (talk: number, reason = 'caller') =>
  ev('AgentComplete', snapshot(customer), snapshot(agentLeg, 'Dest'), {
    Queue: 'billing',
    Interface: 'PJSIP/202',
    MemberName: 'Jon Park',
    HoldTime: '3',
    TalkTime: String(talk),
    Reason: reason,
  });

const run = (state: PbxState, events: AmiPacket[]) => {
  for (const e of events) step(state, e, NOW);
};

describe('a member in two calls: the queue call that began before the board connected', () => {
  it('AgentComplete counts it as app_queue does: completed +1, CallsTaken +1, InCall 0, talk time averaged', () => {
    const state = joinedMidCall();
    expect(state.members[ID]).toMatchObject({ inCall: true, callsTaken: 5 });
    run(state, directCallAndBlindTransfer());
    expect(state.members[ID].inCall).toBe(true);
    const complete = agentComplete(100);
    run(state, [complete, bridgeLeave('b-1', customer), hangup(customer)]);
    expect(state.queues.billing).toMatchObject({ completed: 12, talktime: (60 * 3 + 100) >> 2, serviceLevelPerf: 100 });
    expect(state.members[ID]).toMatchObject({ inCall: false, callsTaken: 6, lastCall: Math.floor(Number(complete.fields.Timestamp)) });
    // The device goes idle at last: the same count, not a second one.
    run(state, [bridgeLeave('b-1', agentLeg), hangup(agentLeg), memberStatus({ Status: '1', InCall: '0', CallsTaken: '6' })]);
    expect(state.queues.billing.completed).toBe(12);
    expect(state.members[ID]).toMatchObject({ inCall: false, callsTaken: 6 });
  });

  it('the reverse order (the device idle first, the AgentComplete after): counted once, the talk time from the AgentComplete', () => {
    const state = joinedMidCall();
    run(state, directCallAndBlindTransfer());
    run(state, [hangup(agentLeg), memberStatus({ Status: '1', InCall: '0', CallsTaken: '6' })]);
    expect(state.queues.billing.completed).toBe(12);
    expect(state.members[ID]).toMatchObject({ inCall: false, callsTaken: 6 });
    run(state, [agentComplete(100), hangup(customer)]);
    expect(state.queues.billing).toMatchObject({ completed: 12, talktime: (60 * 3 + 100) >> 2 });
    expect(state.members[ID]).toMatchObject({ inCall: false, callsTaken: 6 });
  });

  it('a repeated AgentComplete counts once', () => {
    const state = joinedMidCall();
    run(state, directCallAndBlindTransfer());
    const complete = agentComplete(100);
    run(state, [complete, complete]);
    expect(state.queues.billing.completed).toBe(12);
    expect(state.members[ID].callsTaken).toBe(6);
  });

  it('with a second queue call on the member (ringinuse), an AgentComplete may be for the older one: it waits for InCall 0', () => {
    const state = joinedMidCall();
    const second: Chan = { uid: '9.7', name: 'PJSIP/202-00000007', num: '202', cname: 'Jon Park', linkedid: '9.6', exten: '602' };
    const secondCaller: Chan = { uid: '9.6', name: 'PJSIP/trunk-00000006', num: '29002', context: 'internal', exten: '602' };
    resync(
      state,
      {
        channels: [
          listedChannel(customer, 'Queue', 'billing,tT', 'b-1'),
          listedChannel(agentLeg, 'AppQueue', '(Outgoing Line)', 'b-1'),
          listedChannel(secondCaller, 'Queue', 'billing,tT', 'b-3'),
          listedChannel(second, 'AppQueue', '(Outgoing Line)', 'b-3'),
        ],
      },
      NOW,
    );
    run(state, [agentComplete(100)]);
    expect(state.queues.billing.completed).toBe(11);
    expect(state.members[ID].inCall).toBe(true);
    // app_queue closed the member's current call: now it counts, with the talk time it was told.
    run(state, [memberStatus({ Status: '1', InCall: '0', CallsTaken: '6' })]);
    expect(state.queues.billing).toMatchObject({ completed: 12, talktime: (60 * 3 + 100) >> 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { emptyState, table, type Call, type Channel, type PbxState } from '@/lib/pbx/model';
import { ChannelState } from '@/lib/pbx/states';
import { popsAt } from '@/lib/ui/screen-pop';

function channel(id: string, name: string, state: number): Channel {
  return {
    id,
    name,
    state,
    stateDesc: '',
    callerNum: '',
    callerName: '',
    connectedNum: '',
    connectedName: '',
    context: '',
    exten: '',
    priority: 1,
    app: '',
    appData: '',
    linkedId: 'c1',
    bridgeId: '',
    startedAt: 1,
    queue: '',
    dialPeer: '',
    onHold: false,
    localPeer: '',
  };
}

function board(agentState: number, answeredAt: number, fromName = 'PJSIP/trunk-00000001'): PbxState {
  const state = emptyState();
  state.channels = table<Channel>();
  state.channels['1.1'] = channel('1.1', fromName, ChannelState.Up);
  state.channels['1.2'] = channel('1.2', 'PJSIP/201-00000002', agentState);
  const call: Call = {
    id: 'c1',
    direction: 'inbound',
    state: answeredAt ? 'talking' : 'ringing',
    from: { channel: '1.1', name: 'J Smith', num: '+15551234567' },
    to: { channel: '1.2', name: 'Alice', num: '201' },
    channels: ['1.1', '1.2'],
    queue: 'sales',
    did: '5550100',
    startedAt: 1,
    answeredAt,
  };
  state.calls['c1'] = call;
  return state;
}

describe('screen-pop moments', () => {
  it('is ringing while the phone of the extension rings, with the caller and the queue', () => {
    expect(popsAt(board(ChannelState.Ringing, 0), 'main', '201')).toEqual([
      {
        key: 'main|c1|ringing',
        moment: 'ringing',
        values: {
          callerNum: '+15551234567',
          callerName: 'J Smith',
          queue: 'sales',
          call: 'c1',
          extension: '201',
          pbx: 'main',
          did: '5550100',
        },
      },
    ]);
  });

  it('is answered once the call is answered at that phone', () => {
    expect(popsAt(board(ChannelState.Up, 5), 'main', '201').map((p) => p.key)).toEqual(['main|c1|answered']);
  });

  it('is nothing at another extension, a prefix of it, without an extension, or for a call the user placed', () => {
    expect(popsAt(board(ChannelState.Ringing, 0), 'main', '20')).toEqual([]);
    expect(popsAt(board(ChannelState.Ringing, 0), 'main', '202')).toEqual([]);
    expect(popsAt(board(ChannelState.Ringing, 0), 'main', '')).toEqual([]);
    expect(popsAt(board(ChannelState.Ringing, 0, 'PJSIP/201-00000009'), 'main', '201')).toEqual([]);
  });
});

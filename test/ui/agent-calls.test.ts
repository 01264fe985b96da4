import { describe, expect, it } from 'vitest';
import { emptyState, type Call, type Channel, type PbxState } from '@/lib/pbx/model';
import { agentCalls, agentDevice } from '@/lib/ui/agent-calls';
import { monitorNames, monitoredBy } from '@/lib/ui/spies';
import { table } from '@/lib/pbx/model';

function channel(id: string, name: string, linkedId: string): Channel {
  return {
    id,
    name,
    state: 6,
    stateDesc: 'Up',
    callerNum: '',
    callerName: '',
    connectedNum: '',
    connectedName: '',
    context: '',
    exten: '',
    priority: 1,
    app: '',
    appData: '',
    linkedId,
    bridgeId: '',
    startedAt: 0,
    queue: '',
    dialPeer: '',
    onHold: false,
    localPeer: '',
  };
}

function call(id: string, from: string, to: string, channels: string[], over: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'inbound',
    state: 'talking',
    from: { channel: from, name: 'Account 601', num: '29001' },
    to: { channel: to, name: 'Jon Park', num: '202' },
    channels,
    queue: 'billing',
    did: '601',
    startedAt: 1000,
    answeredAt: 2000,
    ...over,
  };
}

function stateWith(channels: Channel[], calls: Call[]): PbxState {
  const s = emptyState();
  for (const c of channels) s.channels[c.id] = c;
  for (const c of calls) s.calls[c.id] = c;
  return s;
}

describe('who an agent is talking to', () => {
  it('finds the call by the agent device, and names the other party', () => {
    const s = stateWith(
      [channel('a', 'Local/29001@callers-0000000a;1', 'a'), channel('b', 'PJSIP/202-00000015', 'a')],
      [call('a', 'a', 'b', ['a', 'b'])],
    );
    const found = agentCalls(s).get(agentDevice('PJSIP/202'));
    expect(found?.call.id).toBe('a');
    expect(found?.other).toEqual({ channel: 'a', name: 'Account 601', num: '29001' });
  });

  it('names the far party when the agent placed the call, and maps Local members to their device', () => {
    const s = stateWith(
      [channel('x', 'Local/2001@agents-00000003;2', 'x'), channel('y', 'PJSIP/101-00000001', 'x')],
      [
        call('x', 'x', 'y', ['x', 'y'], {
          from: { channel: 'x', name: 'Alice', num: '2001' },
          to: { channel: 'y', name: 'Bob', num: '101' },
        }),
      ],
    );
    expect(agentDevice('Local/2001@agents/n')).toBe('Local/2001@agents');
    expect(agentCalls(s).get('Local/2001@agents')?.other.name).toBe('Bob');
  });

  it('prefers the answered call to one that only rings', () => {
    const s = stateWith(
      [channel('a', 'PJSIP/202-00000015', 'a'), channel('r', 'PJSIP/202-00000016', 'r')],
      [call('r', 'x', 'r', ['r'], { state: 'ringing', answeredAt: 0 }), call('a', 'x', 'a', ['a'])],
    );
    expect(agentCalls(s).get('PJSIP/202')?.call.id).toBe('a');
  });
});

describe('monitored by', () => {
  it('says who listens to a call and how, and nothing for another call', () => {
    const spies = table<PbxState['spies'][string]>();
    spies['1796114702.44'] = {
      id: '1796114702.44',
      spyerChannel: 'PJSIP/206-00000016',
      spyerNum: '206',
      spyerName: 'Supervisor',
      spyee: '1796114697.43',
      spyeeChannel: 'PJSIP/202-00000015',
      linkedId: '1796114697.41',
      mode: 'whisper',
      since: 0,
    };
    expect(monitoredBy(spies, '1796114697.41')).toBe('Monitored by Supervisor (206), whispering');
    expect(monitorNames(spies, '1796114697.41')).toBe('Supervisor');
    expect(monitoredBy(spies, 'other')).toBe('');
    expect(monitorNames(spies, 'other')).toBe('');
    expect(monitoredBy(undefined, 'x')).toBe('');
  });
});

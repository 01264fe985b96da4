/** The originate dialog suggests only what the board knows, and only what the form would accept. */
import { describe, expect, it } from 'vitest';
import { emptyState, type Call, type Device, type QueueMember } from '@/lib/pbx/model';
import { dialSuggestions } from '@/lib/ui/suggestions';

const member = (queue: string, iface: string): QueueMember =>
  ({ id: `${queue}|${iface}`, queue, interface: iface, name: iface }) as QueueMember;
const device = (id: string): Device => ({
  id,
  kind: id.includes('@') ? 'extension' : 'device',
  state: 'NOT_INUSE',
  status: 0,
  since: 0,
  hint: '',
});
function call(id: string, direction: Call['direction'], from: string, to: string, startedAt: number): Call {
  return {
    id,
    direction,
    state: 'talking',
    from: { channel: '', name: '', num: from },
    to: { channel: '', name: '', num: to },
    channels: [],
    queue: '',
    did: '',
    startedAt,
    answeredAt: 0,
  };
}

describe('dial suggestions', () => {
  it('are empty when the board knows nothing (so the field shows no suggestion arrow)', () => {
    expect(dialSuggestions(emptyState())).toEqual({ from: [], to: [] });
  });

  it('take extensions from queue members, devices, hints and the parties of calls', () => {
    const state = emptyState();
    state.members = { a: member('sales', 'PJSIP/201'), b: member('support', 'PJSIP/201'), c: member('sales', 'Local/202@agents/n') };
    state.devices = { d: device('PJSIP/105'), e: device('110@ext-local'), f: device('Custom:DND') };
    state.calls = {
      i: call('i', 'internal', '103', '104', 5),
      o: call('o', 'outbound', '106', '0049301234567', 6),
      n: call('n', 'inbound', '+15554613578', '201', 7),
    };
    const s = dialSuggestions(state);
    expect(s.from).toEqual(['103', '104', '105', '106', '110', '201', '202']);
    // To: the extensions, then outside numbers seen on the board, newest first.
    expect(s.to).toEqual(['103', '104', '105', '106', '110', '201', '202', '+15554613578', '0049301234567']);
  });

  it('never suggests what the form would refuse, and stays bounded', () => {
    const state = emptyState();
    state.devices = { x: device('PJSIP/alice'), y: device('PJSIP/1234567890123456789012345') };
    state.calls = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`c${i}`, call(`c${i}`, 'inbound', `+1555${String(i).padStart(7, '0')}`, '201', i)]),
    );
    state.calls.bad = call('bad', 'inbound', 'anonymous', '201', 1000);
    const s = dialSuggestions(state);
    expect(s.from).toEqual(['201']);
    expect(s.to).not.toContain('anonymous');
    expect(s.to.length).toBeLessThanOrEqual(50);
    expect(s.to[1]).toBe('+15550000499');
  });
});

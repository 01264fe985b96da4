/** How the history page writes a record's parts. */
import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../lib/history/record';
import { directionLabel, formatSeconds, hangupParty, hungUpLabel, outcomeLabel, partyLabel, shownQueue } from '../../lib/ui/history/format';

const agent = { name: 'Bob', interface: 'PJSIP/202', queue: 'sales' };

describe('history formatting', () => {
  it('seconds in tenths read as m:ss, rounded', () => {
    expect(formatSeconds(4.6)).toBe('0:05');
    expect(formatSeconds(65)).toBe('1:05');
    expect(formatSeconds(3600 + 62)).toBe('1:01:02');
    expect(formatSeconds(0)).toBe('0:00');
    expect(formatSeconds(-1)).toBe('');
  });

  it('a party is its name and number, or whichever it has', () => {
    expect(partyLabel({ name: 'Alice', num: '2001' })).toBe('Alice (2001)');
    expect(partyLabel({ name: '', num: '2001' })).toBe('2001');
    expect(partyLabel({ name: '2001', num: '2001' })).toBe('2001');
    expect(partyLabel({ name: '', num: '' })).toBe('—');
  });

  it('the callee of a queue call is its agent, until a transfer hands it on', () => {
    expect(hangupParty({ hungUpBy: 'callee', agent, transfers: [] })).toBe('agent');
    const transfer = { at: 1, kind: 'blind' as const, result: 'Success', by: 'PJSIP/202-1', to: '205@internal' };
    expect(hangupParty({ hungUpBy: 'callee', agent, transfers: [transfer] })).toBe('callee');
    expect(hangupParty({ hungUpBy: 'callee', agent, transfers: [{ ...transfer, result: 'Fail' }] })).toBe('agent');
    expect(hungUpLabel({ hungUpBy: 'caller', agent: null, transfers: [] })).toBe('Caller');
    expect(hungUpLabel({ hungUpBy: 'unknown', agent: null, transfers: [] })).toBe('—');
  });

  it('the queue shown is where it was answered, else the last joined', () => {
    expect(shownQueue({ agent, queues: ['support', 'sales'] })).toBe('sales');
    expect(shownQueue({ agent: null, queues: ['support', 'billing'] })).toBe('billing');
    expect(shownQueue({ agent: null, queues: [] })).toBe('');
  });

  it('labels an outcome or direction the page does not know as itself', () => {
    expect(outcomeLabel('voicemail')).toBe('Voicemail');
    expect(outcomeLabel('__proto__' as CallOutcome)).toBe('__proto__');
    expect(directionLabel('inbound')).toBe('Inbound');
  });
});

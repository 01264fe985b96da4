/**
 * Who hung up, when a leg left the call by handing it on: the transferer of
 * a blind transfer and the phone a call was parked from are hung up by
 * Asterisk, so their hangups must not decide `hungUpBy` or the cause. Built
 * conversations, for the cases no transcript holds.
 */
import { describe, expect, it } from 'vitest';
import { newConversation, type Conversation } from '../../lib/history/conversation';
import { toRecord } from '../../lib/history/to-record';

function conversation(legs: [uid: string, channel: string, startedAt: number, endedAt: number, cause: number][]): Conversation {
  const c = newConversation('c.1', 1_000);
  for (const [uid, channel, startedAt, endedAt, cause] of legs)
    c.legs.set(uid, {
      uniqueid: uid,
      channel,
      startedAt,
      endedAt,
      cause,
      causeText: `cause ${cause}`,
      twin: '',
      open: false,
      holdSince: 0,
    });
  c.answeredAt = 2_000;
  c.endedAt = Math.max(...legs.map((l) => l[3]));
  return c;
}

describe('legs that handed the call on', () => {
  it('the call parked and coming back to the parker: the comeback leg hanging up is the callee’s', () => {
    const c = conversation([
      ['c.1', 'PJSIP/carrier-00000001', 1_000, 90_000, 16],
      ['c.2', 'PJSIP/205-00000002', 1_500, 10_000, 16], // hung up by the park
      ['c.3', 'PJSIP/205-00000003', 40_000, 80_000, 16], // the parked call came back, and 205 hung up
    ]);
    c.parks.push({ at: 10_000, lot: 'default', space: '801', parker: 'PJSIP/205' });
    c.talkingTo = { channel: 'c.3', name: 'Mia', num: '205' };
    c.marks.push('c.2', 'c.3', 'c.1');
    expect(toRecord('main', c).hungUpBy).toBe('callee');
  });

  it('a blind transfer: the transferer’s hangup is skipped, the new party’s decides', () => {
    const c = conversation([
      ['c.1', 'PJSIP/carrier-00000001', 1_000, 90_000, 16],
      ['c.2', 'PJSIP/202-00000002', 1_500, 10_000, 16], // the transferer, hung up by Asterisk
      ['c.3', 'PJSIP/104-00000003', 10_100, 80_000, 17],
    ]);
    c.transfers.push({ at: 10_000, kind: 'blind', result: 'Success', by: 'PJSIP/202-00000002', to: '104@internal' });
    c.talkingTo = { channel: 'c.3', name: 'Di', num: '104' };
    c.marks.push('c.2', 'c.3', 'c.1');
    const r = toRecord('main', c);
    expect(r.hungUpBy).toBe('callee');
    expect(r.hangupCause.code).toBe(17);
  });

  it('a parker whose endpoint name has a hyphen matches itself only', () => {
    const c = conversation([
      ['c.1', 'PJSIP/sales-desk-00000001', 1_000, 12_000, 16],
      ['c.2', 'PJSIP/sales-00000002', 1_500, 10_000, 16],
    ]);
    c.parks.push({ at: 9_500, lot: 'default', space: '801', parker: 'PJSIP/sales' });
    c.talkingTo = { channel: 'c.2', name: '', num: '' };
    c.marks.push('c.1', 'c.2');
    // sales-desk, the caller, hung up first and is no parker.
    expect(toRecord('main', c).hungUpBy).toBe('caller');
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { waitFor } from '../support/wait-for';
import { TestAmi } from './ami-test-client';

/** Whatever a client sends, the PBX keeps running and keeps answering everyone else. */
let pbx: DemoPbx;
beforeAll(async () => {
  pbx = await startDemoPbx({ seed: 4, speed: 20, traffic: { callsPerMinute: 120 } });
});
afterAll(async () => {
  await pbx.close();
});

const token = fc.oneof(
  fc.constantFrom(
    'Action: ',
    'ActionID: ',
    'Channel: ',
    'Context: ',
    'Exten: ',
    'Priority: ',
    'Interface: ',
    'Queue: ',
    'Paused: ',
    'Filter: ',
    'Operation: Add',
    'EventMask: ',
    'Variable: ',
    'CallerID: ',
    'Async: true',
    'Command: ',
    'Timeout: ',
    'Originate',
    'Hangup',
    'Redirect',
    'QueuePause',
    'QueueAdd',
    'QueueRemove',
    'QueuePenalty',
    'BlindTransfer',
    'Atxfer',
    'Park',
    'ParkedCalls',
    'Application: ChanSpy',
    'Data: PJSIP/20',
    ',qE',
    'TimeoutChannel: ',
    'ExtraChannel: ',
    'Penalty: ',
    'StateInterface: ',
    'parkedcalls',
    '801',
    'Status',
    'CoreShowChannels',
    'QueueStatus',
    'Filter',
    'Events',
    'Command',
    'Challenge',
    'Ping',
    'BridgeList',
    'internal',
    '101',
    '520',
    '/.*/',
    '/(/',
    'PJSIP/101',
    'PJSIP/carrier',
    '\r\n',
    '\r\n\r\n',
    '\n',
    '\r',
    ':',
    '\0',
    '"x" <1>',
    'TALK=1',
    '9999999999999999999999',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('bad input', () => {
  it('random byte soup from a logged-in client never stops the PBX', async () => {
    const u = pbx.users[0];
    const inputs = fc.sample(fc.array(token, { minLength: 1, maxLength: 60 }), { numRuns: 40, seed: 20251126 });
    for (const parts of inputs) {
      const fuzz = await TestAmi.login(pbx.port, u.username, u.secret);
      // Never log off or hang up everything here: the point is surviving, not obeying.
      fuzz.writeRaw(parts.join('').replace(/Logoff/gi, 'Nope') + '\r\n\r\n');
      const witness = await TestAmi.login(pbx.port, u.username, u.secret);
      expect((await witness.send({ Action: 'Ping' })).fields.Ping).toBe('Pong');
      witness.close();
      fuzz.close();
    }
    // Every closed connection is forgotten (no session leak).
    await waitFor(() => pbx.snapshot().sessions === 0, 'every closed session forgotten', 2_000);
  });

  it('answers unauthenticated junk with errors, not silence', async () => {
    const c = await TestAmi.connect(pbx.port);
    c.writeRaw('Action: Originate\r\nChannel: PJSIP/101\r\nContext: internal\r\nExten: 102\r\nActionID: j1\r\n\r\n');
    c.writeRaw('\u00ff\u00fe\r\nActionID: j2\r\n\r\n');
    const first = await c.until(() => c.packets.find((p) => p.fields.ActionID === 'j1'), 'j1');
    expect(first.fields).toMatchObject({ Response: 'Error', Message: 'Permission denied' });
    const second = await c.until(() => c.packets.find((p) => p.fields.ActionID === 'j2'), 'j2');
    expect(second.fields).toMatchObject({ Response: 'Error', Message: 'Missing action in request' });
    c.close();
  });
});

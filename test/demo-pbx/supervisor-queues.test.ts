import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi, loadTranscripts, recordedResponse, type Received } from './ami-test-client';

/**
 * The queue actions a supervisor uses, against transcript 09: QueueAdd (and
 * "Already there"), QueuePenalty, QueuePause with a reason, QueueRemove (and
 * "Not there"), QueueAdd to a missing queue, and the unpause. Responses by their
 * header names and Asterisk's words; events by their header names and order.
 */
let t09: ReturnType<typeof loadTranscripts> extends Map<string, infer T> ? T : never;
let pbx: DemoPbx;
let c: TestAmi;

/** The first recorded event of this name (after `from`, a packet index). */
function recorded(event: string, from = 0) {
  const p = t09.packets.slice(from).find((x) => x.fields.Event === event);
  if (!p) throw new Error(`09 has no ${event}`);
  return p;
}

beforeAll(async () => {
  t09 = loadTranscripts().get('09-supervisor-tools')!;
  pbx = await startDemoPbx({ seed: 9, speed: 20, traffic: { enabled: false }, timing: { noAnswer: 0 } });
  const u = pbx.users[0];
  c = await TestAmi.login(pbx.port, u.username, u.secret);
});

afterAll(async () => {
  c.close();
  await pbx.close();
});

const after = (r: Received) => c.packets.slice(c.packets.indexOf(r) + 1);

describe('queue actions speak transcript 09', () => {
  it('QueueAdd with a penalty and a name, then again: Already there', async () => {
    const add = await c.send({ Action: 'QueueAdd', Queue: 'sales', Interface: 'PJSIP/104', Penalty: '1', MemberName: 'Di Okafor' });
    expect(add.names).toEqual(recordedResponse(t09, 'ceo-5').names);
    expect(add.fields.Message).toBe(recordedResponse(t09, 'ceo-5').fields.Message);
    const ev = await c.until(() => c.events('QueueMemberAdded').find((e) => e.fields.Interface === 'PJSIP/104'), 'QueueMemberAdded');
    expect(ev.names).toEqual(recorded('QueueMemberAdded').names);
    expect(ev.fields).toMatchObject({
      Queue: 'sales',
      MemberName: 'Di Okafor',
      Membership: 'dynamic',
      Penalty: '1',
      Paused: '0',
      Status: '1',
    });
    const again = await c.send({ Action: 'QueueAdd', Queue: 'sales', Interface: 'PJSIP/104', Penalty: '1' });
    expect(again.fields).toEqual({ ...recordedResponse(t09, 'ceo-6').fields, ActionID: again.fields.ActionID });
    const status = await c.list({ Action: 'QueueStatus', Queue: 'sales' });
    expect(status.items.find((i) => i.fields.Location === 'PJSIP/104')?.fields).toMatchObject({ Name: 'Di Okafor', Penalty: '1' });
  });

  it('QueueAdd reads StateInterface and Paused; a missing queue or field gets app_queue’s words', async () => {
    const add = await c.send({
      Action: 'QueueAdd',
      Queue: 'support',
      Interface: 'Local/105@phones',
      StateInterface: 'PJSIP/105',
      Paused: 'yes',
    });
    expect(add.fields.Message).toBe('Added interface to queue');
    const ev = await c.until(() => c.events('QueueMemberAdded').find((e) => e.fields.Interface === 'Local/105@phones'), 'added');
    expect(ev.fields).toMatchObject({ StateInterface: 'PJSIP/105', MemberName: 'Local/105@phones', Paused: '1', Penalty: '0' });
    const missing = await c.send({ Action: 'QueueAdd', Queue: 'billing', Interface: 'PJSIP/104' });
    expect(missing.fields).toEqual({ ...recordedResponse(t09, 'ceo-11').fields, ActionID: missing.fields.ActionID });
    expect((await c.send({ Action: 'QueueAdd', Interface: 'PJSIP/104' })).fields.Message).toBe("'Queue' not specified.");
    expect((await c.send({ Action: 'QueueAdd', Queue: 'sales' })).fields.Message).toBe("'Interface' not specified.");
  });

  it('QueuePenalty sets the penalty (QueueMemberPenalty) and refuses a non-member', async () => {
    const r = await c.send({ Action: 'QueuePenalty', Queue: 'sales', Interface: 'PJSIP/104', Penalty: '2' });
    expect(r.names).toEqual(recordedResponse(t09, 'ceo-7').names);
    expect(r.fields.Message).toBe(recordedResponse(t09, 'ceo-7').fields.Message);
    const ev = await c.until(() => after(r).find((e) => e.fields.Event === 'QueueMemberPenalty'), 'QueueMemberPenalty');
    expect(ev.names).toEqual(recorded('QueueMemberPenalty').names);
    expect(ev.fields).toMatchObject({ Queue: 'sales', Interface: 'PJSIP/104', Penalty: '2' });
    // manager_queue_member_penalty: set_member_value finds no such member (or a negative penalty).
    const bads: Record<string, string>[] = [
      { Interface: 'PJSIP/999', Penalty: '1' },
      { Interface: 'PJSIP/104', Penalty: '1', Queue: 'support' },
      { Interface: 'PJSIP/104', Penalty: '-1' },
    ];
    for (const bad of bads) {
      const e = await c.send({ Action: 'QueuePenalty', ...bad });
      expect(e.fields).toMatchObject({ Response: 'Error', Message: 'Invalid interface, queuename or penalty' });
    }
    expect((await c.send({ Action: 'QueuePenalty', Interface: 'PJSIP/104' })).fields.Message).toBe(
      "Need 'Interface' and 'Penalty' parameters.",
    );
  });

  it('QueuePause with a reason: the pause device goes INUSE before QueueMemberPause; unpausing empties the reason, keeps LastPause', async () => {
    const r = await c.send({ Action: 'QueuePause', Queue: 'sales', Interface: 'PJSIP/203', Paused: 'true', Reason: 'Coaching' });
    expect(r.fields.Message).toBe(recordedResponse(t09, 'ceo-8').fields.Message);
    const pause = await c.until(() => after(r).find((e) => e.fields.Event === 'QueueMemberPause'), 'QueueMemberPause');
    const before = after(r).slice(0, after(r).indexOf(pause));
    const device = before.filter((e) => e.fields.Event === 'DeviceStateChange');
    const rec = t09.packets[t09.packets.indexOf(recorded('QueueMemberPause')) - 1];
    expect(device.map((e) => e.names)).toEqual([rec.names]);
    expect(device[0].fields).toMatchObject({ Device: 'Queue:sales_pause_PJSIP/203', State: rec.fields.State });
    expect(pause.names).toEqual(recorded('QueueMemberPause').names);
    expect(pause.fields).toMatchObject({ Paused: '1', PausedReason: 'Coaching' });

    const u = await c.send({ Action: 'QueuePause', Queue: 'sales', Interface: 'PJSIP/203', Paused: 'false' });
    expect(u.fields.Message).toBe(recordedResponse(t09, 'ceo-26').fields.Message);
    const unpause = await c.until(() => after(u).find((e) => e.fields.Event === 'QueueMemberPause'), 'the unpause');
    const recUnpause = recorded('QueueMemberPause', t09.packets.indexOf(recorded('QueueMemberPause')) + 1);
    const recDevice = t09.packets[t09.packets.indexOf(recUnpause) - 1];
    expect(recDevice.fields.State).toBe('NOT_INUSE');
    expect(after(u).find((e) => e.fields.Event === 'DeviceStateChange')?.fields).toMatchObject({
      Device: 'Queue:sales_pause_PJSIP/203',
      State: recDevice.fields.State,
    });
    expect(recUnpause.fields.PausedReason).toBe('');
    expect(recUnpause.fields.LastPause).toBe(recorded('QueueMemberPause').fields.LastPause);
    expect(unpause.fields).toMatchObject({ Paused: '0', PausedReason: '', LastPause: pause.fields.LastPause });
  });

  it('QueueRemove, then again: Not there', async () => {
    const r = await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: 'PJSIP/104' });
    expect(r.fields.Message).toBe(recordedResponse(t09, 'ceo-9').fields.Message);
    const ev = await c.until(() => after(r).find((e) => e.fields.Event === 'QueueMemberRemoved'), 'QueueMemberRemoved');
    expect(ev.names).toEqual(recorded('QueueMemberRemoved').names);
    expect(ev.fields).toMatchObject({ Interface: 'PJSIP/104', Penalty: '2' });
    const again = await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: 'PJSIP/104' });
    expect(again.fields).toEqual({ ...recordedResponse(t09, 'ceo-10').fields, ActionID: again.fields.ActionID });
  });

  it('keeps what a client adds bounded: long names are cut as app_queue cuts them', async () => {
    const long = `PJSIP/${'x'.repeat(5000)}`;
    const r = await c.send({
      Action: 'QueueAdd',
      Queue: 'sales',
      Interface: long,
      MemberName: 'y'.repeat(5000),
      Reason: 'z'.repeat(5000),
      Paused: '1',
    });
    expect(r.fields.Message).toBe('Added interface to queue');
    const ev = await c.until(() => after(r).find((e) => e.fields.Event === 'QueueMemberAdded'), 'added');
    expect(ev.fields.Interface).toHaveLength(79);
    expect(ev.fields.MemberName).toHaveLength(79);
    expect(ev.fields.PausedReason).toHaveLength(79);
    expect((await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: ev.fields.Interface })).fields.Message).toBe(
      'Removed interface from queue',
    );
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi, loadTranscripts, recordedResponse } from './ami-test-client';
import { waitFor } from '../support/wait-for';

/** Actions, their answers and errors, checked against transcript 03 (and 06, 07 for shapes). */
const t03 = () => transcripts.get('03-dashboard-actions')!;
let transcripts: ReturnType<typeof loadTranscripts>;
let pbx: DemoPbx;
let admin: { username: string; secret: string };
const clients: TestAmi[] = [];

beforeAll(async () => {
  transcripts = loadTranscripts();
  pbx = await startDemoPbx({
    seed: 3,
    speed: 20,
    traffic: { enabled: false },
    timing: { answerAfter: [1, 1], talk: [600, 600], noAnswer: 0 },
    users: [
      { username: 'admin', secret: 's3cret', read: ['all'], write: ['all'] },
      { username: 'viewer', secret: 'look', read: ['call', 'agent'], write: [] },
      { username: 'dialplan', secret: 'dp', read: ['dialplan', 'system'], write: ['system'] },
    ],
  });
  admin = { username: 'admin', secret: 's3cret' };
});

afterAll(async () => {
  for (const c of clients) c.close();
  await pbx.close();
});

async function login(user = admin, extra: Record<string, string> = {}): Promise<TestAmi> {
  const c = await TestAmi.login(pbx.port, user.username, user.secret, extra);
  clients.push(c);
  return c;
}

describe('core actions', () => {
  it('Ping, CoreSettings and CoreStatus answer with the recorded headers', async () => {
    const c = await login();
    const ping = await c.send({ Action: 'Ping' });
    expect(ping.names).toEqual(recordedResponse(t03(), 'ceo-5').names);
    expect(ping.fields.Ping).toBe('Pong');
    expect(ping.fields.Timestamp).toMatch(/^\d{10}\.\d{6}$/);
    const settings = await c.send({ Action: 'CoreSettings' });
    expect(settings.names).toEqual(recordedResponse(t03(), 'ceo-6').names);
    expect(settings.fields.AsteriskVersion).toBe('22.8.2');
    const status = await c.send({ Action: 'CoreStatus' });
    expect(status.names).toEqual(recordedResponse(t03(), 'ceo-7').names);
  });

  it('Command runs a few read-only CLI commands and refuses the rest', async () => {
    const c = await login();
    const r = await c.send({ Action: 'Command', Command: 'core show channels count' });
    const recorded = recordedResponse(t03(), 'ceo-8');
    expect(r.fields.Message).toBe(recorded.fields.Message);
    const lines = r.packet.repeated?.Output ?? [r.fields.Output];
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d+ active channels?$/);
    expect(lines[1]).toMatch(/^\d+ of 5000 max active calls? \( ?\d+\.\d\d% of capacity\)$/);
    expect(lines[2]).toMatch(/^\d+ calls? processed$/);
    const uptime = await c.send({ Action: 'Command', Command: 'core show uptime' });
    expect(uptime.fields.Output).toMatch(/^System uptime: /);
    const bad = await c.send({ Action: 'Command', Command: 'module unload chan_pjsip.so' });
    expect(bad.fields.Response).toBe('Error');
  });

  it('an unknown action gets the recorded error and a RequestBadFormat event', async () => {
    const c = await login();
    const r = await c.send({ Action: 'NoSuchAction' });
    expect(r.fields.Message).toBe(recordedResponse(t03(), 'ceo-18').fields.Message);
    const ev = await c.until(() => c.events('RequestBadFormat')[0], 'RequestBadFormat');
    const recorded = t03().packets.find((p) => p.fields.Event === 'RequestBadFormat')!;
    expect(ev.names).toEqual(recorded.names);
    expect(ev.fields.RequestType).toBe('Action: NoSuchAction');
  });

  it('lists have the recorded shapes, including Status (07)', async () => {
    const c = await login();
    await c.send({ Action: 'Originate', Channel: 'PJSIP/105', Context: 'internal', Exten: '106', Async: 'true' });
    await c.until(() => c.events('BridgeEnter').length === 2, 'a bridged call');
    const channels = await c.list({ Action: 'CoreShowChannels' });
    expect(channels.items.map((i) => i.fields.Channel).sort()).toEqual(
      c
        .events('Newchannel')
        .map((e) => e.fields.Channel)
        .filter((n) => !c.events('Hangup').some((h) => h.fields.Channel === n))
        .sort(),
    );
    const status = await c.list({ Action: 'Status' });
    const t07 = transcripts.get('07-status-list')!;
    const recordedStatus = t07.packets.find((p) => p.fields.Event === 'Status')!;
    const recordedComplete = t07.packets.find((p) => p.fields.Event === 'StatusComplete')!;
    expect(status.start.fields.Message).toBe('Channel status will follow');
    expect(status.items[0].names).toEqual(recordedStatus.names);
    expect(status.complete.names).toEqual(recordedComplete.names);
    expect(status.complete.fields.Items).toBe(String(status.items.length));
    expect(status.items.every((i) => i.fields.BridgeID !== '')).toBe(true);
    const bridges = await c.list({ Action: 'BridgeList' });
    expect(bridges.items).toHaveLength(1);
    expect(bridges.items[0].fields.BridgeNumChannels).toBe('2');
    const one = await c.list({ Action: 'Status', Channel: status.items[0].fields.Channel });
    expect(one.items).toHaveLength(1);
    const none = await c.send({ Action: 'Status', Channel: 'PJSIP/999-00000000' });
    expect(none.fields.Message).toBe('No such channel');
    await c.send({ Action: 'Hangup', Channel: '/^PJSIP\\/10[56]-/' });
  });
});

describe('call control', () => {
  it('Originate really places a call and reports it', async () => {
    const c = await login();
    const r = await c.send({
      Action: 'Originate',
      Channel: 'PJSIP/110',
      Context: 'internal',
      Exten: '710',
      CallerID: '"Click To Call" <23001>',
      Async: 'true',
    });
    expect(r.fields.Message).toBe(recordedResponse(t03(), 'ceo-9').fields.Message);
    const resp = await c.until(
      () => c.events('OriginateResponse').find((e) => e.fields.ActionID === r.fields.ActionID),
      'OriginateResponse',
    );
    const recorded = t03().packets.find((p) => p.fields.Event === 'OriginateResponse' && p.fields.Response === 'Success')!;
    expect(resp.names).toEqual(recorded.names);
    expect(resp.fields).toMatchObject({
      Response: 'Success',
      Reason: '4',
      Context: 'internal',
      Exten: '710',
      CallerIDNum: '23001',
      CallerIDName: 'Click To Call',
    });
    expect(resp.fields.Channel).toMatch(/^PJSIP\/110-[0-9a-f]{8}$/);
    const channels = await c.list({ Action: 'CoreShowChannels' });
    expect(channels.items.map((i) => i.fields.Channel)).toContain(resp.fields.Channel);

    const hung = await c.send({ Action: 'Hangup', Channel: resp.fields.Channel });
    expect(hung.fields.Message).toBe(recordedResponse(t03(), 'ceo-11').fields.Message);
    await c.until(() => c.events('Hangup').some((e) => e.fields.Channel === resp.fields.Channel), 'hangup event');
    const again = await c.send({ Action: 'Hangup', Channel: resp.fields.Channel });
    expect(again.fields).toMatchObject({ Response: 'Error', Message: recordedResponse(t03(), 'ceo-12').fields.Message });
  });

  it('Originate errors: unknown context at once, unknown technology as a Failure', async () => {
    const c = await login();
    const noExten = await c.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'nowhere', Exten: '101', Async: 'true' });
    expect(noExten.fields).toMatchObject({ Response: 'Error', Message: recordedResponse(t03(), 'ceo-13').fields.Message });
    const bogus = await c.send({ Action: 'Originate', Channel: 'Bogus/tech', Context: 'internal', Exten: '101', Async: 'true' });
    expect(bogus.fields.Message).toBe('Originate successfully queued');
    const failure = await c.until(() => c.events('OriginateResponse').find((e) => e.fields.ActionID === bogus.fields.ActionID), 'Failure');
    const recorded = t03().packets.find((p) => p.fields.Event === 'OriginateResponse' && p.fields.Response === 'Failure')!;
    expect(failure.fields).toMatchObject({ ...recorded.fields, ActionID: bogus.fields.ActionID, Timestamp: failure.fields.Timestamp });
    const missing = await c.send({ Action: 'Originate', Context: 'internal', Exten: '101' });
    expect(missing.fields.Message).toBe('Channel not specified');
  });

  it('a synchronous Originate answers once the call is up, with no OriginateResponse', async () => {
    const c = await login();
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/111', Context: 'internal', Exten: '711' });
    expect(r.fields).toMatchObject({ Response: 'Success', Message: 'Originate successfully queued' });
    expect(c.events('OriginateResponse').some((e) => e.fields.ActionID === r.fields.ActionID)).toBe(false);
    const failed = await c.send({ Action: 'Originate', Channel: 'PJSIP/999', Context: 'internal', Exten: '711' });
    expect(failed.fields).toMatchObject({ Response: 'Error', Message: 'Originate failed' });
    await c.send({ Action: 'Hangup', Channel: '/^PJSIP\\/111-/' });
  });

  it('Originate can run an application instead of the dialplan', async () => {
    const c = await login();
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/208', Application: 'Wait', Data: '2', Async: 'true' });
    expect(r.fields.Message).toBe('Originate successfully queued');
    const ch = (await c.until(() => c.events('OriginateResponse').find((e) => e.fields.ActionID === r.fields.ActionID), 'answer')).fields
      .Channel;
    await c.until(
      () => c.events('Newexten').some((e) => e.fields.Channel === ch && e.fields.Application === 'Wait' && e.fields.AppData === '2'),
      'Wait(2)',
    );
    await c.until(() => c.events('Hangup').some((e) => e.fields.Channel === ch), 'Wait to end the call');
  });

  it('Hangup by /regex/ hangs up every match, listing them', async () => {
    const c = await login();
    await c.send({ Action: 'Originate', Channel: 'PJSIP/112', Context: 'internal', Exten: '712' });
    await c.send({ Action: 'Originate', Channel: 'PJSIP/113', Context: 'internal', Exten: '713' });
    const r = await c.list({ Action: 'Hangup', Channel: '/^PJSIP\\/11[23]-/' });
    expect(r.items.map((i) => i.fields.Event)).toEqual(['ChannelHungup', 'ChannelHungup']);
    expect(r.complete.fields).toMatchObject({ Event: 'ChannelsHungupListComplete', ListItems: '2' });
    const bad = await c.send({ Action: 'Hangup', Channel: '/([/' });
    expect(bad.fields.Response).toBe('Error');
    const none = await c.send({ Action: 'Hangup' });
    expect(none.fields.Message).toBe('No channel specified');
  });

  it('Redirect blind-transfers a bridged caller to another phone', async () => {
    const c = await login();
    await c.send({ Action: 'Originate', Channel: 'PJSIP/114', Context: 'internal', Exten: '115', Async: 'true' });
    const enter = await c.until(() => c.events('BridgeEnter').find((e) => e.fields.Channel.startsWith('PJSIP/114-')), 'bridged');
    const caller = enter.fields.Channel;
    const r = await c.send({ Action: 'Redirect', Channel: caller, Context: 'internal', Exten: '116', Priority: '1' });
    expect(r.fields.Message).toBe('Redirect successful');
    await c.until(
      () => c.events('DialBegin').find((e) => e.fields.Channel === caller && e.fields.DestChannel?.startsWith('PJSIP/116-')),
      'dial to 116',
    );
    expect(c.events('Hangup').some((e) => e.fields.Channel.startsWith('PJSIP/115-'))).toBe(true);
    const missing = await c.send({ Action: 'Redirect', Channel: 'PJSIP/404-00000000', Context: 'internal', Exten: '116', Priority: '1' });
    expect(missing.fields.Message).toBe('Channel does not exist: PJSIP/404-00000000');
    const noPriority = await c.send({ Action: 'Redirect', Channel: caller, Context: 'internal', Exten: '116' });
    expect(noPriority.fields.Message).toBe('Priority not specified');
    await c.send({ Action: 'Hangup', Channel: caller });
  });
});

describe('queues', () => {
  it('QueuePause pauses and unpauses with a reason; unknown interfaces are refused', async () => {
    const c = await login();
    const paused = await c.send({ Action: 'QueuePause', Queue: 'sales', Interface: 'PJSIP/201', Paused: 'true', Reason: 'Lunch' });
    expect(paused.fields.Message).toBe(recordedResponse(t03(), 'ceo-15').fields.Message);
    const ev = await c.until(() => c.events('QueueMemberPause').find((e) => e.fields.Interface === 'PJSIP/201'), 'QueueMemberPause');
    expect(ev.fields).toMatchObject({ Queue: 'sales', MemberName: 'Alice', Paused: '1', PausedReason: 'Lunch' });
    const unpaused = await c.send({ Action: 'QueuePause', Queue: 'sales', Interface: 'PJSIP/201', Paused: 'false' });
    expect(unpaused.fields.Message).toBe(recordedResponse(t03(), 'ceo-16').fields.Message);
    const missing = await c.send({ Action: 'QueuePause', Interface: 'PJSIP/999', Paused: 'true' });
    expect(missing.fields).toMatchObject({ Response: 'Error', Message: recordedResponse(t03(), 'ceo-17').fields.Message });
    const status = await c.list({ Action: 'QueueStatus', Queue: 'sales' });
    const alice = status.items.find((i) => i.fields.Event === 'QueueMember' && i.fields.Location === 'PJSIP/201')!;
    expect(alice.fields.Paused).toBe('0');
  });

  it('QueueAdd and QueueRemove manage dynamic members', async () => {
    const c = await login();
    const add = await c.send({ Action: 'QueueAdd', Queue: 'sales', Interface: 'PJSIP/120', MemberName: 'Temp' });
    expect(add.fields.Message).toBe('Added interface to queue');
    await c.until(() => c.events('QueueMemberAdded').find((e) => e.fields.Interface === 'PJSIP/120'), 'QueueMemberAdded');
    expect((await c.send({ Action: 'QueueAdd', Queue: 'sales', Interface: 'PJSIP/120' })).fields.Message).toBe(
      'Unable to add interface: Already there',
    );
    expect((await c.send({ Action: 'QueueAdd', Queue: 'nope', Interface: 'PJSIP/120' })).fields.Message).toBe(
      'Unable to add interface to queue: No such queue',
    );
    expect((await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: 'PJSIP/201' })).fields.Message).toBe('Member not dynamic');
    expect((await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: 'PJSIP/120' })).fields.Message).toBe(
      'Removed interface from queue',
    );
    expect((await c.send({ Action: 'QueueRemove', Queue: 'sales', Interface: 'PJSIP/120' })).fields.Message).toBe(
      'Unable to remove interface: Not there',
    );
  });
});

describe('logins and permissions', () => {
  it('refuses a wrong secret and closes the connection', async () => {
    const c = await TestAmi.connect(pbx.port);
    clients.push(c);
    const r = await c.send({ Action: 'Login', Username: 'admin', Secret: 'wrong' });
    expect(r.fields).toMatchObject({ Response: 'Error', Message: 'Authentication failed' });
    await c.until(() => c.closed, 'close');
  });

  it('refuses actions before login', async () => {
    const c = await TestAmi.connect(pbx.port);
    clients.push(c);
    const r = await c.send({ Action: 'CoreShowChannels' });
    expect(r.fields).toMatchObject({ Response: 'Error', Message: 'Permission denied' });
  });

  it('logs in with an MD5 challenge', async () => {
    const c = await TestAmi.connect(pbx.port);
    clients.push(c);
    const ch = await c.send({ Action: 'Challenge', AuthType: 'MD5' });
    expect(ch.fields.Challenge).toMatch(/^\d+$/);
    const key = createHash('md5')
      .update(ch.fields.Challenge + 's3cret')
      .digest('hex');
    const r = await c.send({ Action: 'Login', AuthType: 'MD5', Username: 'admin', Key: key });
    expect(r.fields.Message).toBe('Authentication accepted');
    const bad = await TestAmi.connect(pbx.port);
    clients.push(bad);
    await bad.send({ Action: 'Challenge', AuthType: 'MD5' });
    expect((await bad.send({ Action: 'Login', AuthType: 'MD5', Username: 'admin', Key: key })).fields.Message).toBe(
      'Authentication failed',
    );
  });

  it('a read=call,agent user with no write gets what transcript 06 shows', async () => {
    const t06 = transcripts.get('06-permission-denied')!;
    const c = await login({ username: 'viewer', secret: 'look' });
    expect(c.packets.map((p) => p.fields.Event ?? p.fields.Response)).toEqual(['Success']);
    expect((await c.send({ Action: 'CoreShowChannels' })).fields.Message).toBe(recordedResponse(t06, 'ceo-2').fields.Message);
    expect((await c.list({ Action: 'QueueStatus' })).complete.fields.EventList).toBe('Complete');
    expect((await c.list({ Action: 'BridgeList' })).complete.fields.EventList).toBe('Complete');
    expect((await c.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'internal', Exten: '102' })).fields.Message).toBe(
      'Permission denied',
    );
    expect((await c.send({ Action: 'Hangup', Channel: 'PJSIP/101-00000000' })).fields.Message).toBe('Permission denied');
    const admin1 = await login();
    await admin1.send({ Action: 'Originate', Channel: 'PJSIP/107', Context: 'internal', Exten: '108', Async: 'true' });
    await c.until(() => c.events('BridgeEnter').length >= 2, 'call events for the viewer');
    const classes = new Set(
      c
        .events()
        .filter((e) => e.fields.ActionID === undefined)
        .map((e) => e.fields.Privilege.split(',')[0]),
    );
    expect([...classes].every((cls) => cls === 'call' || cls === 'agent')).toBe(true);
    expect(c.events('Newexten')).toHaveLength(0);
    expect(admin1.events('Newexten').length).toBeGreaterThan(0);
    await admin1.send({ Action: 'Hangup', Channel: '/^PJSIP\\/10[78]-/' });
  });

  it('filters events by the Events mask and by Filter', async () => {
    const quiet = await login(admin, { Events: 'off' });
    const callOnly = await login();
    expect((await callOnly.send({ Action: 'Events', EventMask: 'call' })).fields.Events).toBe('On');
    const callOnlyFrom = callOnly.packets.length;
    const filtered = await login();
    expect((await filtered.send({ Action: 'Filter', Operation: 'Add', Filter: 'Event: Newchannel' })).fields.Message).toBe('Success');
    const filteredFrom = filtered.packets.length;
    const negated = await login();
    await negated.send({ Action: 'Filter', Operation: 'Add', Filter: '!Event: (VarSet|Newexten)' });
    const driver = await login();
    await driver.send({ Action: 'Originate', Channel: 'PJSIP/103', Context: 'internal', Exten: '104', Async: 'true' });
    await driver.until(() => driver.events('BridgeEnter').length >= 2, 'bridged');
    await negated.until(() => negated.events('BridgeEnter').length >= 2, 'bridged (negated)');
    expect(quiet.events()).toHaveLength(0);
    expect((await quiet.send({ Action: 'Ping' })).fields.Ping).toBe('Pong');
    const afterMask = callOnly.packets.slice(callOnlyFrom).filter((p) => p.fields.Event !== undefined);
    expect(afterMask.length).toBeGreaterThan(0);
    expect(new Set(afterMask.map((e) => e.fields.Privilege))).toEqual(new Set(['call,all']));
    expect(new Set(filtered.packets.slice(filteredFrom).map((e) => e.fields.Event))).toEqual(new Set(['Newchannel']));
    expect(negated.events().some((e) => e.fields.Event === 'VarSet' || e.fields.Event === 'Newexten')).toBe(false);
    expect(driver.events('VarSet').length).toBeGreaterThan(0);
    expect((await callOnly.send({ Action: 'Events', EventMask: 'off' })).fields.Events).toBe('Off');
    await driver.send({ Action: 'Hangup', Channel: '/^PJSIP\\/10[34]-/' });
  });

  it('a user without system read gets no FullyBooted; Logoff says goodbye', async () => {
    const c = await login({ username: 'dialplan', secret: 'dp' });
    expect(c.events('FullyBooted')).toHaveLength(1);
    const v = await login({ username: 'viewer', secret: 'look' });
    expect(v.events('FullyBooted')).toHaveLength(0);
    const bye = await v.send({ Action: 'Logoff' });
    expect(bye.names).toEqual(recordedResponse(t03(), 'ceo-22').names);
    expect(bye.fields).toMatchObject({ Response: 'Goodbye', Message: 'Thanks for all the fish.' });
    await v.until(() => v.closed, 'close after Logoff');
  });
});

describe('bad input', () => {
  it('never crashes the server and still answers', async () => {
    const c = await login();
    c.writeRaw('\0\0\0garbage without colon\r\n\r\n');
    c.writeRaw(': empty name\r\nActionID: x1\r\n\r\n');
    c.writeRaw(`Action: Ping\r\nX: ${'a'.repeat(200_000)}\r\n\r\n`);
    c.writeRaw('Action: Originate\r\nChannel: PJSIP/101\r\nContext: internal\r\nExten: 1\x00\r\nTimeout: soon\r\n\r\n');
    c.writeRaw('Action: QueuePause\r\n\r\nAction: Hangup\r\nChannel: /(/\r\n\r\n\n\n\r\n');
    const missing = await c.until(() => c.packets.find((p) => p.fields.ActionID === 'x1'), 'missing action answer');
    expect(missing.fields.Message).toBe('Missing action in request');
    const ping = await c.send({ Action: 'Ping' });
    expect(ping.fields.Ping).toBe('Pong');
    expect(pbx.received()).toContain('garbage without colon');
  });
});

// Last: the call it places would be in the lists of the tests above.
describe('CoreStatus and Reload', () => {
  it('CoreStatus: the start and reload in the local zone, channels as CoreCurrentCalls, as ast_localtime and ast_active_channels give them', async () => {
    const c = await login();
    pbx.placeCall();
    // A call with both legs up, so channels and calls differ.
    await waitFor(() => pbx.snapshot().channels > pbx.snapshot().calls, 'a call with both legs');
    const status = (await c.send({ Action: 'CoreStatus' })).fields;
    const local = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ` +
      `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
    const started = new Date(Date.now() - pbx.snapshot().uptimeSec * 1000);
    // Within a second of the start the snapshot implies.
    expect(
      Math.abs(Date.parse(`${status.CoreStartupDate}T${status.CoreStartupTime}`) - Date.parse(local(started).replace(' ', 'T'))),
    ).toBeLessThanOrEqual(1000);
    expect(Number(status.CoreCurrentCalls)).toBe(pbx.snapshot().channels);
  });

  it('Reload moves the reload time and sends the Reload event as loader.c publishes it', async () => {
    const c = await login();
    const before = (await c.send({ Action: 'CoreStatus' })).fields;
    await waitFor(
      () => Date.now() % 1000 < 900 && Date.now() - Date.parse(`${before.CoreReloadDate}T${before.CoreReloadTime}Z`) > 1500,
      'a later second',
    );
    const r = await c.send({ Action: 'Reload' });
    expect(r.fields).toMatchObject({ Response: 'Success', Message: 'Module Reloaded' });
    const event = await waitFor(() => c.events('Reload')[0], 'the Reload event');
    expect(event.names).toEqual(['Event', 'Privilege', 'Timestamp', 'Module', 'Status']);
    expect(event.fields).toMatchObject({ Privilege: 'system,all', Module: 'All', Status: '0' });
    const after = (await c.send({ Action: 'CoreStatus' })).fields;
    expect(after.CoreStartupTime).toBe(before.CoreStartupTime);
    expect(after.CoreReloadTime).not.toBe(before.CoreReloadTime);
    const unknown = await c.send({ Action: 'Reload', Module: 'res_nothing.so' });
    expect(unknown.fields).toMatchObject({ Response: 'Error', Message: 'No such module' });
    await waitFor(() => c.events('Reload')[1], 'the second Reload event');
    expect(c.events('Reload')[1].fields).toMatchObject({ Module: 'res_nothing.so', Status: '2' });
    const viewer = await login({ username: 'viewer', secret: 'look' });
    expect((await viewer.send({ Action: 'Reload' })).fields.Message).toBe('Permission denied');
  });
});

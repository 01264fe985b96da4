import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { observeFor } from '../support/wait-for';
import { TestAmi, loadTranscripts, recordedResponse, transcriptsDir, type Received } from './ami-test-client';

/** Phones and the system panel against transcript 08: every list's shape, the answers, Command's output, registration churn. */
type Transcript = ReturnType<typeof loadTranscripts> extends Map<string, infer T> ? T : never;
let t08: Transcript;
let pbx: DemoPbx;
const clients: TestAmi[] = [];

beforeAll(async () => {
  t08 = loadTranscripts().get('08-phones-and-system')!;
  pbx = await startDemoPbx({
    seed: 8,
    speed: 20,
    traffic: { enabled: false },
    registrations: { enabled: false },
    users: [{ username: 'admin', secret: 's3cret', read: ['all'], write: ['all'] }],
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await pbx.close();
});

async function login(on = pbx): Promise<TestAmi> {
  const c = await TestAmi.login(on.port, 'admin', 's3cret');
  clients.push(c);
  return c;
}

/** The recorded list of one ActionID: its start response, items and Complete. */
function recordedList(actionId: string) {
  const all = t08.packets.filter((p) => p.fields.ActionID === actionId);
  return { start: all[0], items: all.slice(1, -1), complete: all[all.length - 1] };
}

function expectListLike(got: { start: Received; items: Received[]; complete: Received }, actionId: string): void {
  const want = recordedList(actionId);
  expect(got.start.names).toEqual(want.start.names);
  expect(got.start.fields.Message).toBe(want.start.fields.Message);
  expect(got.items.length).toBeGreaterThan(0);
  for (const item of got.items) expect(item.names, item.fields.Event).toEqual(want.items[0].names);
  expect(got.complete.names).toEqual(want.complete.names);
  expect(got.complete.fields.Event).toBe(want.complete.fields.Event);
  expect(Number(got.complete.fields.ListItems)).toBe(got.items.length);
}

const byName = (items: Received[], name: string) => items.find((i) => i.fields.ObjectName === name || i.fields.Exten === name)!;

describe('the phone panel lists, as 08', () => {
  it('PJSIPShowEndpoints: the phones, the agents and the lobby phone with its static contact', async () => {
    const c = await login();
    const got = await c.list({ Action: 'PJSIPShowEndpoints' });
    expectListLike(got, 'ceo-5');
    expect(got.items.map((i) => i.fields.ObjectName)).toEqual([
      ...Array.from({ length: 16 }, (_, i) => String(101 + i)),
      ...Array.from({ length: 8 }, (_, i) => String(201 + i)),
      '209',
    ]);
    const lobby = byName(got.items, '209');
    const recorded = recordedList('ceo-5').items.find((i) => i.fields.ObjectName === '209')!;
    expect(lobby.fields).toEqual({ ...recorded.fields, ActionID: lobby.fields.ActionID });
    expect(byName(got.items, '101').fields).toMatchObject({ DeviceState: 'Not in use', ActiveChannels: '0' });
    expect(byName(got.items, '101').fields.Contacts).toMatch(/^101\/sip:101@[\d.]+:\d+,$/);
  });

  it('PJSIPShowContacts: the registered contacts only, with 08 fields', async () => {
    const c = await login();
    const got = await c.list({ Action: 'PJSIPShowContacts' });
    expectListLike(got, 'ceo-13');
    expect(got.items).toHaveLength(24);
    const one = byName(got.items, got.items[0].fields.ObjectName).fields;
    expect(one.ObjectName).toMatch(/^101;@[0-9a-f]{32}$/);
    expect(one).toMatchObject({ Status: 'NonQualified', RoundtripUsec: 'N/A', UserAgent: 'Grandstream GXP2170 1.0.11.23' });
    expect(Number(one.ExpirationTime)).toBeGreaterThan(Date.now() / 1000);
  });

  it('PJSIPShowAors, DeviceStateList and ExtensionStateList', async () => {
    const c = await login();
    const aors = await c.list({ Action: 'PJSIPShowAors' });
    expectListLike(aors, 'ceo-7');
    const recorded = recordedList('ceo-7').items;
    for (const name of ['209', '201']) {
      const want = recorded.find((i) => i.fields.ObjectName === name)!;
      expect(byName(aors.items, name).fields).toEqual({ ...want.fields, ActionID: aors.start.fields.ActionID });
    }
    const devices = await c.list({ Action: 'DeviceStateList' });
    expectListLike(devices, 'ceo-8');
    const state = (d: string) => devices.items.find((i) => i.fields.Device === d)?.fields.State;
    expect(state('PJSIP/209')).toBe('UNAVAILABLE');
    expect(state('PJSIP/101')).toBe('NOT_INUSE');
    const hints = await c.list({ Action: 'ExtensionStateList' });
    expectListLike(hints, 'ceo-9');
    expect(byName(hints.items, '101').fields).toMatchObject({ Hint: 'PJSIP/101', Status: '0', StatusText: 'Idle' });
    expect(byName(hints.items, '209').fields).toMatchObject({ Status: '4', StatusText: 'Unavailable' });
  });

  it('CoreSettings and CoreStatus have 08 fields, versions and order', async () => {
    const c = await login();
    const settings = await c.send({ Action: 'CoreSettings' });
    const want = recordedResponse(t08, 'ceo-10');
    expect(settings.names).toEqual(want.names);
    expect(settings.fields).toMatchObject({ AMIversion: want.fields.AMIversion, AsteriskVersion: want.fields.AsteriskVersion });
    const status = await c.send({ Action: 'CoreStatus' });
    expect(status.names).toEqual(recordedResponse(t08, 'ceo-11').names);
    expect(status.fields.CoreStartupDate).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('PJSIPQualify of the lobby phone: 08 answer, and no ContactStatus follows (its contact never answers)', async () => {
    const c = await login();
    const r = await c.send({ Action: 'PJSIPQualify', Endpoint: '209' });
    const want = recordedResponse(t08, 'ceo-21');
    expect(r.names).toEqual(want.names);
    expect(r.fields.Message).toBe(want.fields.Message);
    // 5 simulated seconds at speed 20 is one qualify period of 209's AOR: long enough for a status to be sent if any were.
    await observeFor(250);
    expect(c.events('ContactStatus')).toEqual([]);
    expect((await c.send({ Action: 'PJSIPQualify' })).fields.Message).toBe('Endpoint parameter missing.');
    const unknown = await c.send({ Action: 'PJSIPQualify', Endpoint: '999' });
    expect(unknown.fields.Response).toBe('Error');
    // pjsip_options.c ends this message with a bare LF, as 08 shows for "No Contacts found".
    expect(c.raw).toContain(`ActionID: ${unknown.fields.ActionID}\r\nMessage: Unable to retrieve endpoint\n\r\n\r\n`);
  });
});

describe('Command, in the Asterisk 22 shape of 08', () => {
  const output = (r: Received) => r.packet.repeated?.Output ?? (r.fields.Output === undefined ? [] : [r.fields.Output]);

  it('every recorded command answers with 08 headers', async () => {
    const c = await login();
    for (const [cmd, id] of [
      ['core show uptime', 'ceo-15'],
      ['pjsip show contacts', 'ceo-16'],
      ['core show channels count', 'ceo-17'],
      ['queue show sales', 'ceo-18'],
      ['core show version', 'ceo-20'],
    ]) {
      const r = await c.send({ Action: 'Command', Command: cmd });
      const want = recordedResponse(t08, id);
      expect(r.fields.Response, cmd).toBe('Success');
      expect(r.fields.Message, cmd).toBe(want.fields.Message);
      expect(r.names[0], cmd).toBe('Response');
    }
  });

  it('pjsip show contacts lays out as 08, the lobby row byte for byte', async () => {
    const c = await login();
    const lines = output(await c.send({ Action: 'Command', Command: 'pjsip show contacts' }));
    const recorded = t08Output('ceo-16');
    expect(lines.slice(0, 4)).toEqual(recorded.slice(0, 4));
    expect(lines).toContain(recorded.find((l) => l.includes('209/'))!);
    expect(lines.slice(-3)).toEqual(['', 'Objects found: 25', '']);
    const row = lines.find((l) => l.includes('101/'))!;
    expect(row).toMatch(/^ {2}Contact: {2}101\/sip:101@\S+ +[0-9a-f]{10} NonQual {9}nan$/);
    expect(row.length).toBe(recorded[4].length);
  });

  it('queue show, core show channels and core show version read like 08 and main/cli.c', async () => {
    const c = await login();
    const q = output(await c.send({ Action: 'Command', Command: 'queue show sales' }));
    expect(q[0]).toMatch(
      /^sales has 0 calls \(max unlimited\) in 'ringall' strategy \(\d+s holdtime, \d+s talktime\), W:0, C:\d+, A:\d+, SL:\d+\.\d%, SL2:\d+\.\d% within 30s$/,
    );
    expect(q[1]).toBe('   Members: ');
    expect(q[2]).toMatch(
      /^ {6}Alice \(PJSIP\/201\) \(ringinuse disabled\) \(Not in use\) has taken no calls yet \(login was \d+ secs ago\)$/,
    );
    expect(q.slice(-3)).toEqual(['   No Callers', '', '']);
    const none = output(await c.send({ Action: 'Command', Command: 'queue show nope' }));
    expect(none).toEqual(['No such queue: nope.']);
    const chans = output(await c.send({ Action: 'Command', Command: 'core show channels' }));
    expect(chans[0]).toMatch(/^Channel {57} Location {24} State {3}Application\(Data\) {13}$/);
    expect(chans.slice(-3)[0]).toMatch(/^\d+ active channels?$/);
    const version = output(await c.send({ Action: 'Command', Command: 'core show version' }));
    expect(version[0]).toMatch(/^Asterisk 22\.8\.2 built by \S+ @ \S+ on a x86_64 running Linux on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('pjsip show endpoints: each endpoint with its AOR and contact, in res_pjsip CLI layout', async () => {
    const c = await login();
    const lines = output(await c.send({ Action: 'Command', Command: 'pjsip show endpoints' }));
    expect(lines[1]).toBe(' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>');
    expect(lines[10]).toBe('='.repeat(90));
    const at = lines.findIndex((l) => l.startsWith(' Endpoint:  101 '));
    expect(lines[at]).toMatch(/^ Endpoint: {2}101 {48} {2}Not in use {4}0 of inf$/);
    expect(lines[at + 1]).toMatch(/^ {8}Aor: {2}101 {36} {12}1$/);
    expect(lines[at + 2]).toMatch(/^ {6}Contact: {2}101\/sip:101@\S+ +[0-9a-f]{10} NonQual {9}nan$/);
    expect(lines.find((l) => l.startsWith(' Endpoint:  209 '))).toMatch(/Unavailable {3}0 of inf$/);
    expect(lines.slice(-3)).toEqual(['', 'Objects found: 25', '']);
  });

  it('a command Asterisk 22 does not have gets 08 error, byte for byte', async () => {
    const c = await login();
    const r = await c.send({ Action: 'Command', Command: 'sip show peers', ActionID: 'ceo-19' });
    const want = recordedResponse(t08, 'ceo-19');
    expect(r.names).toEqual(want.names);
    expect(r.fields).toEqual(want.fields);
  });
});

function t08Output(actionId: string): string[] {
  const raw = loadTranscriptRaw();
  const start = raw.indexOf(`ActionID: ${actionId}\r\n`);
  const block = raw.slice(start, raw.indexOf('\r\n\r\n', start));
  return block
    .split('\r\n')
    .filter((l) => l.startsWith('Output: '))
    .map((l) => l.slice('Output: '.length));
}

function loadTranscriptRaw(): string {
  return readFileSync(path.join(transcriptsDir, '08-phones-and-system.ami'), 'latin1');
}

describe('registration over time', () => {
  let churny: DemoPbx;
  afterAll(async () => {
    await churny?.close();
  });

  it('a phone goes away and comes back in 08 order, and the lists and its device state follow', async () => {
    // Speed 100: a phone goes every 4 simulated seconds and stays away 2, so each step is a few tens of ms.
    churny = await startDemoPbx({
      seed: 5,
      speed: 100,
      traffic: { enabled: false },
      registrations: { every: [4, 4], away: [2, 2] },
      users: [{ username: 'admin', secret: 's3cret', read: ['all'], write: ['all'] }],
    });
    const c = await login(churny);
    const removed = await c.until(() => c.events('ContactStatus').find((e) => e.fields.ContactStatus === 'Removed'), 'a removal', 20_000);
    const phone = removed.fields.EndpointName;
    expect(Number(phone)).toBeGreaterThanOrEqual(101);
    expect(Number(phone)).toBeLessThanOrEqual(116);
    const about = (e: Received) =>
      e.fields.EndpointName === phone || e.fields.Peer === `PJSIP/${phone}` || e.fields.Device === `PJSIP/${phone}`;
    const seq = () => c.events().filter(about);
    // 08 (204 unregistering): PeerStatus Unreachable, the device UNAVAILABLE, then ContactStatus Removed.
    expect(
      seq()
        .slice(0, 3)
        .map((e) => [e.fields.Event, e.fields.PeerStatus ?? e.fields.State ?? e.fields.ContactStatus]),
    ).toEqual([
      ['PeerStatus', 'Unreachable'],
      ['DeviceStateChange', 'UNAVAILABLE'],
      ['ContactStatus', 'Removed'],
    ]);
    const recordedShapes = (name: string) => t08.packets.filter((p) => p.fields.Event === name).map((p) => p.names.join(' '));
    for (const e of seq()) expect(recordedShapes(e.fields.Event)).toContain(e.names.join(' '));
    // Away: no contact, and the endpoint reads Unavailable (checked at once, while the phone cannot be back yet).
    const contacts = await c.list({ Action: 'PJSIPShowContacts' });
    const endpoints = await c.list({ Action: 'PJSIPShowEndpoints' });
    if (seq().length === 3) {
      expect(contacts.items.map((i) => i.fields.Endpoint)).not.toContain(phone);
      expect(byName(endpoints.items, phone).fields).toMatchObject({ DeviceState: 'Unavailable', Contacts: '' });
    }
    await c.until(() => seq().length >= 6, 'the phone registering again', 20_000);
    expect(
      seq()
        .slice(3, 6)
        .map((e) => [e.fields.Event, e.fields.PeerStatus ?? e.fields.State ?? e.fields.ContactStatus]),
    ).toEqual([
      ['PeerStatus', 'Reachable'],
      ['ContactStatus', 'NonQualified'],
      ['DeviceStateChange', 'NOT_INUSE'],
    ]);
    for (const e of seq()) expect(recordedShapes(e.fields.Event)).toContain(e.names.join(' '));
    // Some churn is an expiry rather than an unregistration: either way, every removal is followed by a return.
    await c.until(() => c.events('ContactStatus').filter((e) => e.fields.ContactStatus === 'Removed').length >= 3, 'more churn', 20_000);
  });

  it('a seed churns the same phones in the same order', async () => {
    const order = async () => {
      const p = await startDemoPbx({
        seed: 11,
        speed: 100,
        traffic: { enabled: false },
        registrations: { every: [3, 3], away: [1, 1] },
        users: [{ username: 'admin', secret: 's3cret', read: ['all'], write: ['all'] }],
      });
      const c = await login(p);
      const gone = await c.until(
        () => {
          const r = c.events('ContactStatus').filter((e) => e.fields.ContactStatus === 'Removed');
          return r.length >= 3 && r.slice(0, 3).map((e) => e.fields.EndpointName);
        },
        'three removals',
        20_000,
      );
      await p.close();
      return gone;
    };
    expect(await order()).toEqual(await order());
  });

  it("a phone's device state follows its calls", async () => {
    const c = await login();
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/103', Context: 'internal', Exten: '104', Async: 'true' });
    expect(r.fields.Response).toBe('Success');
    await c.until(
      () => c.events('DeviceStateChange').find((e) => e.fields.Device === 'PJSIP/104' && e.fields.State === 'RINGING'),
      '104 ringing',
    );
    await c.until(
      () => c.events('DeviceStateChange').find((e) => e.fields.Device === 'PJSIP/103' && e.fields.State === 'INUSE'),
      '103 in use',
    );
    // Its hint follows, in the shape 10 records for ExtensionStatus events.
    const hint = await c.until(
      () => c.events('ExtensionStatus').find((e) => e.fields.Exten === '104' && e.fields.StatusText === 'Ringing'),
      '104 hint',
    );
    const recorded = loadTranscripts()
      .get('10-sip-busy-hour')!
      .packets.find((p) => p.fields.Event === 'ExtensionStatus' && p.fields.Privilege)!;
    expect(hint.names).toEqual(recorded.names);
    expect(hint.fields).toMatchObject({ Context: 'internal', Hint: 'PJSIP/104', Status: '8' });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx, type DemoPbxOptions } from '../../server/demo-pbx/index';
import { TestAmi, readTranscript, transcriptsDir, type Received } from './ami-test-client';
import { callEvents, roleSequence, type Ev } from './normalise';

/**
 * The demo PBX against the recordings of a real Asterisk 22: the same events in
 * the same order per call (after the normalisation documented in normalise.ts),
 * and for every event type the same header names in the same order.
 */

type Transcript = ReturnType<typeof readTranscript>;
const transcripts = new Map<string, Transcript>();
/** Event name → every header-name list it was recorded with. */
const shapes = new Map<string, Set<string>>();

/** Event types the recordings never show; their shapes come from Asterisk's source instead. */
const NOT_RECORDED = new Set([
  'AgentRingNoAnswer',
  // res_parking builds these as ParkedCall (supervisor-calls.test.ts checks that they have its header names).
  'ParkedCallTimeOut',
  'ParkedCallGiveUp',
  'RequestNotAllowed',
  'ChannelHungup',
  'ChannelsHungupListComplete',
]);

beforeAll(() => {
  for (const file of readdirSync(transcriptsDir).filter((f) => f.endsWith('.ami'))) {
    const t = readTranscript(readFileSync(path.join(transcriptsDir, file), 'latin1'));
    transcripts.set(file.replace('.ami', ''), t);
    for (const p of t.packets) {
      const name = p.fields.Event;
      if (!name) continue;
      if (!shapes.has(name)) shapes.set(name, new Set());
      shapes.get(name)!.add(p.names.join(' '));
    }
  }
});

function recordedCalls(name: string): string[][] {
  const t = transcripts.get(name)!;
  const firsts = t.packets.filter((p) => p.fields.Event === 'Newchannel' && p.fields.Uniqueid === p.fields.Linkedid);
  return firsts.map((p) => roleSequence(callEvents(t.packets, p.fields.Linkedid)));
}

function expectRecordedShapes(events: Received[]): void {
  const unknown = new Set<string>();
  for (const e of events) {
    const name = e.fields.Event;
    const known = shapes.get(name);
    if (!known) {
      if (!NOT_RECORDED.has(name)) unknown.add(name);
      continue;
    }
    expect(known, `${name} headers`).toContain(e.names.join(' '));
  }
  expect([...unknown], 'event types neither recorded nor known to be unrecorded').toEqual([]);
}

/** A quiet PBX where the test scripts who answers and who hangs up, like the recording session did. */
const SCRIPTED: DemoPbxOptions = {
  seed: 42,
  speed: 10,
  traffic: { enabled: false },
  agents: [
    { exten: '201', name: 'Alice', queues: ['sales'] },
    { exten: '202', name: 'Bob', queues: ['sales'] },
    { exten: '203', name: 'Carol', queues: ['support'] },
    { exten: '204', name: 'Dave', queues: ['support'] },
    { exten: '205', name: 'Erin', queues: ['support'] },
  ],
  // Alice is rung first but Bob answers first, as in transcript 02; agents talk 2 s.
  timing: { answerAfter: [1, 1], answerAfterFor: { '201': [3, 3], '202': [1, 1] }, talk: [2, 2], noAnswer: 0 },
};

let pbx: DemoPbx | undefined;
let ami: TestAmi | undefined;
afterEach(async () => {
  ami?.close();
  await pbx?.close();
  pbx = ami = undefined;
});

async function start(options: DemoPbxOptions): Promise<TestAmi> {
  pbx = await startDemoPbx(options);
  const u = pbx.users[0];
  ami = await TestAmi.login(pbx.port, u.username, u.secret);
  return ami;
}

const firstChannelOf = (c: TestAmi, device: string) =>
  c.events('Newchannel').find((e) => e.fields.Channel.startsWith(`PJSIP/${device}-`))?.fields;

describe('demo PBX speaks the recorded dialect', () => {
  it('greets and logs in exactly as transcript 01', async () => {
    const c = await start(SCRIPTED);
    const t = transcripts.get('01-internal-call')!;
    expect(c.greeting).toBe(t.greeting);
    const [login, booted, auth] = c.packets;
    expect(login.names).toEqual(t.packets[0].names);
    expect(login.fields.Message).toBe('Authentication accepted');
    expect(booted.names).toEqual(t.packets[1].names);
    expect(booted.fields.Privilege).toBe('system,all');
    expect(auth.names).toEqual(t.packets[2].names);
    const lists = [{ Action: 'CoreShowChannels' }, { Action: 'QueueStatus' }, { Action: 'BridgeList' }];
    for (const [i, action] of lists.entries()) {
      const r = await c.list(action);
      // The recording ran the same three lists as ActionIDs ceo-2, ceo-3 and ceo-4.
      const recordedStart = t.packets.find((p) => p.fields.ActionID === `ceo-${i + 2}` && p.fields.Response)!;
      expect(r.start.names).toEqual(recordedStart.names);
      expect(r.start.fields.Message).toBe(recordedStart.fields.Message);
      expect(r.complete.names).toEqual(['Event', 'ActionID', 'EventList', 'ListItems']);
      expect(Number(r.complete.fields.ListItems)).toBe(r.items.length);
    }
    const queueItems = (await c.list({ Action: 'QueueStatus' })).items;
    expectRecordedShapes(queueItems);
  });

  it('an internal call follows transcript 01', async () => {
    const c = await start(SCRIPTED);
    const r = await c.send({
      Action: 'Originate',
      Channel: 'PJSIP/101',
      Context: 'internal',
      Exten: '102',
      Variable: 'TALK=2',
      Async: 'true',
    });
    expect(r.fields.Message).toBe('Originate successfully queued');
    await c.until(() => c.events('Hangup').length === 2, 'both hangups');
    const linkedid = firstChannelOf(c, '101')!.Uniqueid;
    expect(roleSequence(callEvents(c.events(), linkedid))).toEqual(recordedCalls('01-internal-call')[0]);
    expectRecordedShapes(c.events());
  });

  it('an answered and an abandoned queue call follow transcript 02', async () => {
    const c = await start(SCRIPTED);
    const [answered, abandoned] = recordedCalls('02-queue-answered-and-abandoned');
    for (const agent of ['203', '204', '205']) {
      const r = await c.send({ Action: 'QueuePause', Interface: `PJSIP/${agent}`, Paused: 'true', Reason: 'Break' });
      expect(r.fields.Message).toBe('Interface paused successfully');
    }
    await c.send({ Action: 'Originate', Channel: 'PJSIP/103', Context: 'internal', Exten: '520', Variable: 'TALK=30', Async: 'true' });
    await c.until(() => c.events('AgentComplete').length === 1 && c.events('Hangup').length === 3, 'the answered call to end');
    expect(roleSequence(callEvents(c.events(), firstChannelOf(c, '103')!.Uniqueid))).toEqual(answered);

    await c.send({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'internal', Exten: '560', Variable: 'TALK=60', Async: 'true' });
    const join = await c.until(() => c.events('QueueCallerJoin').find((e) => e.fields.Queue === 'support'), 'caller waiting in support');
    const hangup = await c.send({ Action: 'Hangup', Channel: join.fields.Channel });
    expect(hangup.fields.Message).toBe('Channel Hungup');
    await c.until(() => c.events('Hangup').some((e) => e.fields.Channel === join.fields.Channel), 'the abandoned caller to go');
    expect(roleSequence(callEvents(c.events(), join.fields.Linkedid))).toEqual(abandoned);
    expect(c.events('QueueCallerAbandon')[0].fields).toMatchObject({ Queue: 'support', Position: '1', OriginalPosition: '1' });
    expectRecordedShapes(c.events());
  });

  it('lively traffic uses only recorded event shapes', async () => {
    const c = await start({ seed: 7, speed: 40, traffic: { callsPerMinute: 120, maxConcurrentCalls: 20 } });
    for (let i = 0; i < 6; i++) pbx!.placeCall();
    await c.until(
      () => c.events('AgentComplete').length > 0 && c.events('BridgeDestroy').length > 2 && c.events('QueueMemberPause').length > 0,
      'a varied mix of calls',
      15_000,
    );
    const lists = [
      await c.list({ Action: 'CoreShowChannels' }),
      await c.list({ Action: 'QueueStatus' }),
      await c.list({ Action: 'BridgeList' }),
      await c.list({ Action: 'Status' }),
    ];
    expectRecordedShapes([...c.events(), ...lists.flatMap((l) => [...l.items, l.complete])]);
    const names = c.events('Newchannel').map((e) => e.fields.Channel);
    for (const n of names) expect(n).toMatch(/^PJSIP\/(\d{3}|carrier)-[0-9a-f]{8}$/);
    for (const e of c.events('Newchannel')) expect(e.fields.Uniqueid).toMatch(/^\d{10}\.\d+$/);
  });
});

export type { Ev };

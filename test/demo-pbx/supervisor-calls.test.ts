import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi, loadTranscripts, recordedResponse, type Received } from './ami-test-client';

/**
 * The call-handling supervisor tools against transcript 09, in its order: a
 * queue call answered by an agent, ChanSpy (listen, whisper, barge) on the
 * agent, Atxfer (accepted, nothing dialled), BlindTransfer of the agent's leg,
 * Park of the customer, ParkedCalls, a pick-up through `parkedcalls,801`, a
 * Redirect to an answered hold, and the errors. Then what 09 does not show but
 * res_parking does: the park timeout and the give-up.
 */
type Recorded = { names: string[]; fields: Record<string, string> };
let t09: { packets: Recorded[] };
let pbx: DemoPbx;
let c: TestAmi;

beforeAll(async () => {
  t09 = loadTranscripts().get('09-supervisor-tools')!;
  pbx = await startDemoPbx({
    seed: 21,
    speed: 10,
    traffic: { enabled: false },
    // Bob (202) answers the sales call first, as Jon Park (202) does in 09; nobody hangs up on their own.
    timing: {
      answerAfter: [1, 1],
      answerAfterFor: { '201': [4, 4], '203': [4, 4], '204': [4, 4], '208': [4, 4] },
      talk: [900, 900],
      noAnswer: 0,
    },
  });
  const u = pbx.users[0];
  c = await TestAmi.login(pbx.port, u.username, u.secret);
});

afterAll(async () => {
  c.close();
  await pbx.close();
});

const after = (r: Received) => c.packets.slice(c.packets.indexOf(r) + 1);
const rec = (actionId: string) => recordedResponse(t09 as never, actionId);
const recIndex = (actionId: string) => t09.packets.indexOf(rec(actionId));
const firstRecorded = (event: string) => t09.packets.find((p) => p.fields.Event === event)!;
const channelOf = (device: string) => c.events('Newchannel').findLast((e) => e.fields.Channel.startsWith(`${device}-`))?.fields;

/**
 * Events as `Name(role)`, for the events that matter to a flow: each channel
 * (or Spyer/Parkee/Transferer…) is named by its role, other channels are left out.
 */
function labels(events: Recorded[], roles: Record<string, string>, names: Set<string>): string[] {
  const out: string[] = [];
  for (const e of events) {
    const f = e.fields;
    if (!names.has(f.Event)) continue;
    if (f.Event === 'DeviceStateChange') {
      if (f.Device.startsWith('park:')) out.push(`DeviceStateChange(${f.Device.replace(/\d+@/, 'N@')}=${f.State})`);
      continue;
    }
    const who = [f.Channel, f.ParkeeChannel, f.TransfererChannel, f.SpyerChannel].find((x) => x !== undefined);
    const role = who === undefined ? '' : roles[who];
    if (who !== undefined && role === undefined) continue;
    out.push(`${f.Event}(${role})`);
  }
  return out;
}

let agent: string;
let customer: string;
let linkedid: string;

describe('supervisor tools on a call, as transcript 09', () => {
  it('a queue call answered by an agent', async () => {
    await c.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'internal', Exten: '520', Async: 'true' });
    const connect = await c.until(() => c.events('AgentConnect')[0], 'AgentConnect');
    agent = connect.fields.DestChannel;
    customer = connect.fields.Channel;
    linkedid = connect.fields.Linkedid;
    expect(agent).toMatch(/^PJSIP\/202-/);
    await c.until(() => c.events('BridgeEnter').filter((e) => e.fields.Linkedid === linkedid).length === 2, 'the bridge');
  });

  it('ChanSpy listen (qE): ChanSpyStart once answered, ChanSpyStop and Hangup (cause 0) when the spy is hung up', async () => {
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/206', Application: 'ChanSpy', Data: 'PJSIP/202,qE', Async: 'true' });
    expect(r.fields.Message).toBe(rec('ceo-12').fields.Message);
    const start = await c.until(() => after(r).find((e) => e.fields.Event === 'ChanSpyStart'), 'ChanSpyStart');
    expect(start.names).toEqual(firstRecorded('ChanSpyStart').names);
    expect(start.fields).toMatchObject({ SpyeeChannel: agent, SpyerChannelState: '6', SpyeeLinkedid: linkedid });
    const spyer = start.fields.SpyerChannel;
    const response = after(r).find((e) => e.fields.Event === 'OriginateResponse')!;
    expect(response.fields).toMatchObject({ Response: 'Success', Channel: spyer, Reason: '4' });
    // Application and Data instead of Context and Exten, as 09's OriginateResponse for ChanSpy.
    expect(response.names).toEqual(t09.packets.find((p) => p.fields.Event === 'OriginateResponse' && p.fields.Application)!.names);
    const channels = await c.list({ Action: 'CoreShowChannels' });
    expect(channels.items.find((i) => i.fields.Channel === spyer)?.fields).toMatchObject({
      Application: 'ChanSpy',
      ApplicationData: 'PJSIP/202,qE',
    });

    const h = await c.send({ Action: 'Hangup', Channel: spyer });
    expect(h.fields.Message).toBe(rec('ceo-13').fields.Message);
    const gone = await c.until(() => after(h).find((e) => e.fields.Event === 'Hangup' && e.fields.Channel === spyer), 'the spy to go');
    const stop = after(h).find((e) => e.fields.Event === 'ChanSpyStop')!;
    expect(stop.names).toEqual(firstRecorded('ChanSpyStop').names);
    expect(after(h).indexOf(stop)).toBeLessThan(after(h).indexOf(gone));
    const recordedSpyHangup = t09.packets.find(
      (p) => p.fields.Event === 'Hangup' && p.fields.Channel === firstRecorded('ChanSpyStart').fields.SpyerChannel,
    )!;
    expect(gone.fields['Cause-txt']).toBe(recordedSpyHangup.fields['Cause-txt']);
    expect(gone.fields.Cause).toBe(recordedSpyHangup.fields.Cause);
    expect(after(h).some((e) => e.fields.Event === 'SoftHangupRequest' && e.fields.Channel === spyer)).toBe(false);
  });

  it('whisper (qwE) and barge (qBE) spies start too', async () => {
    for (const data of ['PJSIP/202,qwE', 'PJSIP/202,qBE']) {
      const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/206', Application: 'ChanSpy', Data: data, Async: 'true' });
      const start = await c.until(() => after(r).find((e) => e.fields.Event === 'ChanSpyStart'), `ChanSpyStart for ${data}`);
      expect(start.fields.SpyeeChannel).toBe(agent);
    }
  });

  it('Atxfer is accepted and dials nothing, as on a stock Asterisk 22', async () => {
    const r = await c.send({ Action: 'Atxfer', Channel: agent, Exten: '105', Context: 'internal' });
    expect(r.names).toEqual(rec('ceo-18').names);
    expect(r.fields.Message).toBe(rec('ceo-18').fields.Message);
    // The demo acts inside the action and writes in order, so by the Pong anything it started would have shown.
    const pong = await c.send({ Action: 'Ping' });
    const between = c.packets.slice(c.packets.indexOf(r) + 1, c.packets.indexOf(pong));
    expect(between.filter((e) => ['Newchannel', 'DialBegin', 'BlindTransfer', 'BridgeLeave'].includes(e.fields.Event))).toEqual([]);
    expect(between.find((e) => e.fields.Event === 'VarSet')?.fields).toMatchObject({
      Channel: agent,
      Variable: 'TRANSFER_CONTEXT',
      Value: 'internal',
    });
  });

  it('BlindTransfer of the agent: the customer rings 105 in the same call, the spies stop with the agent', async () => {
    const r = await c.send({ Action: 'BlindTransfer', Channel: agent, Context: 'internal', Exten: '105' });
    expect(r.names).toEqual(rec('ceo-19').names);
    expect(r.fields.Message).toBe(rec('ceo-19').fields.Message);
    const bt = await c.until(() => after(r).find((e) => e.fields.Event === 'BlindTransfer'), 'BlindTransfer');
    expect(bt.names).toEqual(firstRecorded('BlindTransfer').names);
    expect(bt.fields).toMatchObject({
      Result: 'Success',
      TransfererChannel: agent,
      TransfereeChannel: customer,
      IsExternal: 'Yes',
      Context: 'internal',
      Extension: '105',
    });
    const answered = await c.until(
      () => after(r).find((e) => e.fields.Event === 'BridgeEnter' && e.fields.Channel === customer),
      'the customer bridged to 105',
    );
    const target = channelOf('PJSIP/105')!;
    expect(target.Linkedid).toBe(linkedid);
    const recTarget = t09.packets.find((p, i) => i > recIndex('ceo-19') && p.fields.Event === 'Newchannel')!.fields.Channel;
    const recRoles = { [rec19('TransfereeChannel')]: 'transferee', [rec19('TransfererChannel')]: 'transferer', [recTarget]: 'target' };
    const roles = { [customer]: 'transferee', [agent]: 'transferer', [target.Channel]: 'target' };
    const names = new Set(['BlindTransfer', 'AgentComplete', 'Newchannel', 'DialBegin', 'DialEnd', 'BridgeCreate', 'BridgeEnter']);
    const recWindow = t09.packets.slice(
      recIndex('ceo-19'),
      t09.packets.findIndex(
        (p, i) => i > recIndex('ceo-19') && p.fields.Event === 'BridgeEnter' && p.fields.Channel === rec19('TransfereeChannel'),
      ) + 1,
    );
    const window = c.packets.slice(c.packets.indexOf(r), c.packets.indexOf(answered) + 1);
    expect(labels(window, roles, names)).toEqual(labels(recWindow, recRoles, names));
    expect(c.events('AgentComplete').at(-1)?.fields).toMatchObject({ Channel: customer, DestChannel: agent, Reason: 'transfer' });
    // The transferee leaves the old bridge before it dials; the transferer, left alone, hangs up.
    const leave = window.findIndex((e) => e.fields.Event === 'BridgeLeave' && e.fields.Channel === customer);
    expect(leave).toBeGreaterThan(window.indexOf(bt));
    expect(leave).toBeLessThan(window.findIndex((e) => e.fields.Event === 'Newchannel'));
    const agentGone = c.events('Hangup').findIndex((e) => e.fields.Channel === agent);
    expect(agentGone).toBeGreaterThanOrEqual(0);
    // E: both remaining spies stop with the agent and leave.
    const stops = after(r).filter((e) => e.fields.Event === 'ChanSpyStop');
    expect(stops).toHaveLength(2);
    for (const s of stops) expect(c.events('Hangup').some((h) => h.fields.Channel === s.fields.SpyerChannel)).toBe(true);
  });

  it('Park of the customer, back to 105 on timeout: "Park successful\\n", ParkedCall, the parker leaves as in 09', async () => {
    const parker = channelOf('PJSIP/105')!.Channel;
    const r = await c.send({ Action: 'Park', Channel: customer, TimeoutChannel: parker });
    expect(r.names).toEqual(rec('ceo-20').names);
    // The parser drops the bare LF that ends this Message; the bytes keep it, as 09 does.
    expect(rec('ceo-20').fields.Message).toBe('Park successful\n');
    expect(r.fields.Message).toBe('Park successful');
    expect(c.raw).toContain(`ActionID: ${r.fields.ActionID}\r\nMessage: Park successful\n\r\n\r\n`);
    const parkerGone = await c.until(
      () => after(r).find((e) => e.fields.Event === 'Hangup' && e.fields.Channel === parker),
      'the parker to go',
    );
    const parked = after(r).find((e) => e.fields.Event === 'ParkedCall')!;
    expect(parked.names).toEqual(firstRecorded('ParkedCall').names);
    expect(parked.fields).toMatchObject({
      ParkeeChannel: customer,
      ParkerDialString: 'PJSIP/105',
      Parkinglot: 'default',
      ParkingSpace: '801',
      ParkingTimeout: '45',
      ParkingDuration: '0',
    });
    const bridge = after(r).find((e) => e.fields.Event === 'BridgeCreate')!;
    expect(bridge.fields).toMatchObject({
      BridgeType: 'parking',
      BridgeTechnology: 'holding_bridge',
      BridgeCreator: 'Parking',
      BridgeName: 'default',
    });
    const names = new Set(['BridgeCreate', 'BridgeLeave', 'BridgeEnter', 'DeviceStateChange', 'ParkedCall', 'BridgeDestroy', 'Hangup']);
    const recParker = rec19Target();
    const recWindow = t09.packets.slice(
      recIndex('ceo-20'),
      t09.packets.findIndex((p) => p.fields.Event === 'Hangup' && p.fields.Channel === recParker) + 1,
    );
    const window = c.packets.slice(c.packets.indexOf(r), c.packets.indexOf(parkerGone) + 1);
    expect(labels(window, { [customer]: 'parkee', [parker]: 'parker' }, names)).toEqual(
      labels(recWindow, { [rec19('TransfereeChannel')]: 'parkee', [recParker]: 'parker' }, names),
    );
  });

  it('ParkedCalls lists the parked call, then ParkedCallsComplete with Total', async () => {
    const list = await c.list({ Action: 'ParkedCalls' });
    expect(list.start.names).toEqual(rec('ceo-21').names);
    expect(list.start.fields.Message).toBe(rec('ceo-21').fields.Message);
    const recItems = t09.packets.filter((p) => p.fields.ActionID === 'ceo-21' && p.fields.Event);
    expect(list.items.map((i) => i.names)).toEqual([recItems[0].names]);
    expect(list.items[0].fields).toMatchObject({ ParkeeChannel: customer, ParkingSpace: '801', ActionID: list.start.fields.ActionID });
    expect(list.complete.names).toEqual(recItems[1].names);
    expect(list.complete.fields).toMatchObject({ ListItems: '1', Total: '1' });
  });

  it('a pick-up through parkedcalls,801 connects 103 to the parked call (UnParkedCall), in the same call', async () => {
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/103', Context: 'parkedcalls', Exten: '801', Async: 'true' });
    expect(r.fields.Message).toBe(rec('ceo-22').fields.Message);
    const unparked = await c.until(() => after(r).find((e) => e.fields.Event === 'UnParkedCall'), 'UnParkedCall');
    expect(unparked.names).toEqual(firstRecorded('UnParkedCall').names);
    const retriever = channelOf('PJSIP/103')!.Channel;
    expect(unparked.fields).toMatchObject({
      ParkeeChannel: customer,
      RetrieverChannel: retriever,
      RetrieverContext: 'parkedcalls',
      RetrieverExten: '801',
      ParkingSpace: '801',
    });
    const response = after(r).find((e) => e.fields.Event === 'OriginateResponse')!;
    expect(response.fields).toMatchObject({ Response: 'Success', Context: 'parkedcalls', Exten: '801' });
    expect(
      after(r).find((e) => e.fields.Event === 'Newexten' && e.fields.Channel === retriever && e.fields.Application === 'ParkedCall')?.fields
        .AppData,
    ).toBe('default,801');
    const recRetriever = t09.packets.find((p, i) => i > recIndex('ceo-22') && p.fields.Event === 'Newchannel')!.fields.Channel;
    const names = new Set(['BridgeCreate', 'BridgeLeave', 'BridgeEnter', 'DeviceStateChange', 'NewConnectedLine', 'UnParkedCall']);
    const recStart = t09.packets.findIndex((p) => p.fields.Event === 'OriginateResponse' && p.fields.ActionID === 'ceo-22');
    const recWindow = t09.packets.slice(recStart, t09.packets.indexOf(firstRecorded('UnParkedCall')) + 1);
    const window = c.packets.slice(c.packets.indexOf(response), c.packets.indexOf(unparked) + 1);
    expect(labels(window, { [customer]: 'parkee', [retriever]: 'retriever' }, names)).toEqual(
      labels(recWindow, { [rec19('TransfereeChannel')]: 'parkee', [recRetriever]: 'retriever' }, names),
    );
    // The retriever joins the parked call's Linkedid, as 09's later events of PJSIP/203 show.
    const enter = window.find((e) => e.fields.Event === 'BridgeEnter' && e.fields.Channel === retriever)!;
    expect(enter.fields.Linkedid).toBe(linkedid);
    expect((await c.list({ Action: 'ParkedCalls' })).complete.fields).toMatchObject({ ListItems: '0', Total: '0' });
  });

  it('Redirect of the customer to an answered hold (710): the retriever is asked to hang up, the customer holds', async () => {
    const retriever = channelOf('PJSIP/103')!.Channel;
    const r = await c.send({ Action: 'Redirect', Channel: customer, Context: 'internal', Exten: '710', Priority: '1' });
    expect(r.names).toEqual(rec('ceo-23').names);
    expect(r.fields.Message).toBe(rec('ceo-23').fields.Message);
    const gone = await c.until(
      () => after(r).find((e) => e.fields.Event === 'Hangup' && e.fields.Channel === retriever),
      'the retriever to go',
    );
    expect(after(r).find((e) => e.fields.Event === 'SoftHangupRequest')?.fields.Channel).toBe(retriever);
    const names = new Set(['BridgeLeave', 'BridgeDestroy', 'SoftHangupRequest', 'Hangup']);
    const recRetriever = t09.packets.find((p, i) => i > recIndex('ceo-22') && p.fields.Event === 'Newchannel')!.fields.Channel;
    const recWindow = t09.packets.slice(
      recIndex('ceo-23'),
      t09.packets.findIndex((p) => p.fields.Event === 'Hangup' && p.fields.Channel === recRetriever) + 1,
    );
    const window = c.packets.slice(c.packets.indexOf(r), c.packets.indexOf(gone) + 1);
    expect(labels(window, { [customer]: 'redirected', [retriever]: 'other' }, names)).toEqual(
      labels(recWindow, { [rec19('TransfereeChannel')]: 'redirected', [recRetriever]: 'other' }, names),
    );
    const channels = await c.list({ Action: 'CoreShowChannels' });
    expect(channels.items.find((i) => i.fields.Channel === customer)?.fields).toMatchObject({
      Application: 'MusicOnHold',
      Exten: '710',
      Linkedid: linkedid,
    });
  });

  it('errors for channels that do not exist, in Asterisk’s words', async () => {
    const redirect = await c.send({ Action: 'Redirect', Channel: 'PJSIP/999-00000000', Context: 'internal', Exten: '710', Priority: '1' });
    expect(redirect.fields).toEqual({ ...rec('ceo-24').fields, ActionID: redirect.fields.ActionID });
    const transfer = await c.send({ Action: 'BlindTransfer', Channel: 'PJSIP/999-00000000', Context: 'internal', Exten: '205' });
    expect(transfer.fields).toEqual({ ...rec('ceo-25').fields, ActionID: transfer.fields.ActionID });
    const park = await c.send({ Action: 'Park', Channel: 'PJSIP/999-00000000' });
    expect(park.fields.Message).toBe('Channel does not exist: PJSIP/999-00000000');
    expect((await c.send({ Action: 'Park' })).fields.Message).toBe('Channel not specified');
    expect((await c.send({ Action: 'Park', Channel: customer, Timeout: 'soon' })).fields.Message).toBe('Invalid Timeout value.');
    expect((await c.send({ Action: 'BlindTransfer', Channel: customer })).fields.Message).toBe('No extension specified');
    // The customer is on hold, in no bridge: ast_bridge_transfer_blind finds nothing to transfer.
    expect((await c.send({ Action: 'BlindTransfer', Channel: customer, Exten: '105' })).fields.Message).toBe('Transfer invalid');
    expect((await c.send({ Action: 'ParkedCalls', ParkingLot: 'nope' })).fields.Message).toBe('Requested parking lot could not be found.');
    expect((await c.send({ Action: 'Atxfer', Channel: 'PJSIP/999-00000000', Exten: '1' })).fields.Message).toBe(
      'Channel specified does not exist',
    );
  });

  it('a parked caller who hangs up gives up its space (ParkedCallGiveUp)', async () => {
    // The customer holds at 710, in no bridge: parked by itself, it would come back to its own device.
    const r = await c.send({ Action: 'Park', Channel: customer });
    expect(r.fields.Message).toBe('Park successful');
    const parked = await c.until(() => after(r).find((e) => e.fields.Event === 'ParkedCall'), 'ParkedCall');
    expect(parked.fields).toMatchObject({ ParkeeChannel: customer, ParkerDialString: 'PJSIP/101', ParkingSpace: '801' });
    const h = await c.send({ Action: 'Hangup', Channel: customer });
    const gone = await c.until(() => after(h).find((e) => e.fields.Event === 'Hangup' && e.fields.Channel === customer), 'the hangup');
    const giveUp = after(h).find((e) => e.fields.Event === 'ParkedCallGiveUp')!;
    expect(giveUp.names).toEqual(firstRecorded('ParkedCall').names);
    expect(after(h).indexOf(giveUp)).toBeLessThan(after(h).indexOf(gone));
    expect(after(h).find((e) => e.fields.Event === 'DeviceStateChange')?.fields).toMatchObject({
      Device: 'park:801@parkedcalls',
      State: 'NOT_INUSE',
    });
  });

  it('the park timeout returns the call to its parker, still one call (ParkedCallTimeOut)', async () => {
    await c.send({ Action: 'Originate', Channel: 'PJSIP/111', Context: 'internal', Exten: '112', Async: 'true' });
    const caller = await c.until(() => channelOf('PJSIP/111'), '111');
    await c.until(() => c.events('BridgeEnter').filter((e) => e.fields.Linkedid === caller.Linkedid).length === 2, 'the call');
    const parker = channelOf('PJSIP/112')!.Channel;
    const r = await c.send({ Action: 'Park', Channel: caller.Channel, TimeoutChannel: parker, Timeout: '3000' });
    expect((await c.until(() => after(r).find((e) => e.fields.Event === 'ParkedCall'), 'parked')).fields.ParkingTimeout).toBe('3');
    const timeout = await c.until(() => after(r).find((e) => e.fields.Event === 'ParkedCallTimeOut'), 'ParkedCallTimeOut');
    expect(timeout.names).toEqual(firstRecorded('ParkedCall').names);
    expect(timeout.fields).toMatchObject({ ParkeeChannel: caller.Channel, ParkerDialString: 'PJSIP/112', ParkingSpace: '801' });
    const back = await c.until(
      () => after(timeout).find((e) => e.fields.Event === 'BridgeEnter' && e.fields.Channel === caller.Channel),
      'the call back with 112',
    );
    const t = after(r);
    const dsc = t.findIndex(
      (e) => e.fields.Event === 'DeviceStateChange' && e.fields.State === 'NOT_INUSE' && e.fields.Device.startsWith('park:'),
    );
    const leave = t.findIndex((e, i) => i > t.indexOf(timeout) && e.fields.Event === 'BridgeLeave' && e.fields.Channel === caller.Channel);
    expect(dsc).toBeLessThan(t.indexOf(timeout));
    expect(leave).toBeGreaterThan(t.indexOf(timeout));
    const redial = t.find((e) => e.fields.Event === 'Newexten' && e.fields.Channel === caller.Channel && e.fields.Context === 'park-dial')!;
    expect(redial.fields).toMatchObject({ Exten: 'PJSIP_112', Application: 'Dial', AppData: 'PJSIP/112,30' });
    const ringBack = c.events('Newchannel').findLast((e) => e.fields.Channel.startsWith('PJSIP/112-'))!;
    expect(ringBack.fields.Channel).not.toBe(parker);
    expect(ringBack.fields.Linkedid).toBe(caller.Linkedid);
    expect(
      c
        .events('BridgeEnter')
        .some((e) => e.fields.Channel === ringBack.fields.Channel && e.fields.BridgeUniqueid === back.fields.BridgeUniqueid),
    ).toBe(true);
  });

  it('a pick-up of an empty space: the originate is answered, ParkedCall finds nothing, the channel hangs up', async () => {
    const r = await c.send({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'parkedcalls', Exten: '805', Async: 'true' });
    expect(r.fields.Message).toBe('Originate successfully queued');
    const ch = await c.until(() => after(r).find((e) => e.fields.Event === 'Newchannel'), 'the channel');
    await c.until(() => after(r).find((e) => e.fields.Event === 'Hangup' && e.fields.Channel === ch.fields.Channel), 'its hangup');
    expect(after(r).some((e) => e.fields.Event === 'UnParkedCall')).toBe(false);
    const outside = await c.send({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'parkedcalls', Exten: '899' });
    expect(outside.fields.Message).toBe('Extension does not exist.');
  });
});

function rec19(field: string): string {
  return firstRecorded('BlindTransfer').fields[field];
}

/** 09's 205: the channel the customer was transferred to, who parked it. */
function rec19Target(): string {
  return t09.packets.find((p, i) => i > recIndex('ceo-19') && p.fields.Event === 'Newchannel')!.fields.Channel;
}

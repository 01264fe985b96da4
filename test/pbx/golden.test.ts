/**
 * Golden tests: replaying a recorded session up to its final lists must give a
 * state equal to those lists, Asterisk's own view of the PBX at the end.
 */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { describeRefusal, type PbxState } from '../../lib/pbx';
import { callerId, memberId } from '../../lib/pbx/model';
import { phoneCounts } from '../../lib/ui/phones';
import { replay, segments, type ListAction } from './transcripts';

function expectChannels(state: PbxState, items: AmiPacket[]): void {
  const want = Object.fromEntries(
    items.map(({ fields: f }) => [
      f.Uniqueid,
      {
        name: f.Channel,
        state: Number(f.ChannelState),
        callerNum: f.CallerIDNum,
        callerName: f.CallerIDName,
        connectedNum: f.ConnectedLineNum,
        connectedName: f.ConnectedLineName,
        context: f.Context,
        exten: f.Exten,
        app: f.Application,
        appData: f.ApplicationData,
        bridgeId: f.BridgeId,
        linkedId: f.Linkedid,
      },
    ]),
  );
  const got = Object.fromEntries(
    Object.values(state.channels).map((c) => [
      c.id,
      {
        name: c.name,
        state: c.state,
        callerNum: c.callerNum,
        callerName: c.callerName,
        connectedNum: c.connectedNum,
        connectedName: c.connectedName,
        context: c.context,
        exten: c.exten,
        app: c.app,
        appData: c.appData,
        bridgeId: c.bridgeId,
        linkedId: c.linkedId,
      },
    ]),
  );
  expect(got).toEqual(want);
}

function expectQueues(state: PbxState, items: AmiPacket[]): void {
  const queues: Record<string, unknown> = {};
  const members: Record<string, unknown> = {};
  const callers: Record<string, unknown> = {};
  for (const { fields: f } of items) {
    if (f.Event === 'QueueParams') {
      queues[f.Queue] = {
        strategy: f.Strategy,
        max: Number(f.Max),
        calls: Number(f.Calls),
        holdtime: Number(f.Holdtime),
        talktime: Number(f.TalkTime),
        completed: Number(f.Completed),
        abandoned: Number(f.Abandoned),
        serviceLevel: Number(f.ServiceLevel),
        serviceLevelPerf: Number(f.ServicelevelPerf),
        serviceLevelPerf2: Number(f.ServicelevelPerf2),
        weight: Number(f.Weight),
      };
    } else if (f.Event === 'QueueMember') {
      members[memberId(f.Queue, f.Location)] = {
        name: f.Name,
        stateInterface: f.StateInterface,
        membership: f.Membership,
        penalty: Number(f.Penalty),
        callsTaken: Number(f.CallsTaken),
        lastCall: Number(f.LastCall),
        lastPause: Number(f.LastPause),
        loginTime: Number(f.LoginTime),
        inCall: f.InCall === '1',
        status: Number(f.Status),
        paused: f.Paused === '1',
        pausedReason: f.PausedReason,
        wrapuptime: Number(f.Wrapuptime),
      };
    } else if (f.Event === 'QueueEntry') {
      callers[callerId(f.Queue, f.Uniqueid)] = {
        position: Number(f.Position),
        channel: f.Channel,
        callerNum: f.CallerIDNum,
        callerName: f.CallerIDName,
        connectedNum: f.ConnectedLineNum,
        connectedName: f.ConnectedLineName,
      };
    }
  }
  const pick = <T extends object>(table: Record<string, T>, like: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(table).map(([id, e]) => {
        const shape = Object.values(like)[0] as Record<string, unknown> | undefined;
        const keys = shape ? Object.keys(shape) : [];
        return [id, Object.fromEntries(keys.map((k) => [k, (e as Record<string, unknown>)[k]]))];
      }),
    );
  expect(pick(state.queues, queues)).toEqual(queues);
  expect(pick(state.members, members)).toEqual(members);
  expect(pick(state.callers, callers)).toEqual(callers);
}

function expectBridges(state: PbxState, items: AmiPacket[], channelItems: AmiPacket[] | undefined): void {
  const want: Record<string, unknown> = {};
  for (const { fields: f } of items) {
    const members = (channelItems ?? []).filter((c) => c.fields.BridgeId === f.BridgeUniqueid).map((c) => c.fields.Uniqueid);
    want[f.BridgeUniqueid] = {
      type: f.BridgeType,
      technology: f.BridgeTechnology,
      creator: f.BridgeCreator,
      name: f.BridgeName,
      count: Number(f.BridgeNumChannels),
      ...(channelItems ? { channels: members.sort() } : {}),
    };
  }
  const got = Object.fromEntries(
    Object.values(state.bridges).map((b) => [
      b.id,
      {
        type: b.type,
        technology: b.technology,
        creator: b.creator,
        name: b.name,
        count: b.channels.length,
        ...(channelItems ? { channels: [...b.channels].sort() } : {}),
      },
    ]),
  );
  expect(got).toEqual(want);
}

/** Every call row must account for exactly the live channels, each once. */
function expectCallsCoverChannels(state: PbxState): void {
  const seen: string[] = [];
  for (const call of Object.values(state.calls)) {
    expect(call.channels.length).toBeGreaterThan(0);
    for (const uid of call.channels) {
      expect(state.channels[uid]?.linkedId).toBe(call.id);
      seen.push(uid);
    }
  }
  expect(seen.sort()).toEqual(Object.keys(state.channels).sort());
}

describe('golden: replay equals the final lists', () => {
  const names = [
    '01-internal-call',
    '02-queue-answered-and-abandoned',
    '03-dashboard-actions',
    '04-busy-hour',
    '05-join-midcall',
    // Real SIP phones, supervisor actions, CDR events, and the session after an Asterisk restart.
    '08-phones-and-system',
    '09-supervisor-tools',
    '10-sip-busy-hour',
    '11-restart-after',
  ];
  for (const name of names) {
    it(name, () => {
      const { state, mirror, final } = replay(name);
      expect(mirror).toEqual(state);
      expect(final.CoreShowChannels).toBeDefined();
      expectChannels(state, final.CoreShowChannels!);
      expectQueues(state, final.QueueStatus!);
      expectBridges(state, final.BridgeList!, final.CoreShowChannels);
      expectCallsCoverChannels(state);
    });
  }

  it('11-restart: the board that lived through the restart equals the lists after it, with no ghost', () => {
    const { state, mirror, final } = replay('11-restart-after', { after: '11-restart' });
    expect(mirror).toEqual(state);
    expectChannels(state, final.CoreShowChannels!);
    expectQueues(state, final.QueueStatus!);
    expectBridges(state, final.BridgeList!, final.CoreShowChannels);
    expectCallsCoverChannels(state);
  });

  it('09-supervisor-tools: at the end no call is parked and no spy is left', () => {
    const { state, final } = replay('09-supervisor-tools');
    expect(final.CoreShowChannels).toEqual([]);
    expect(state.parked).toEqual({});
    expect(state.spies).toEqual({});
  });

  it('09-supervisor-tools: the parked call the events built equals the ParkedCalls list, and the pick-up ends it', () => {
    const segs = segments('09-supervisor-tools');
    const at = segs.findIndex((s) => s.kind === 'list' && s.action === 'ParkedCalls');
    const list = segs[at];
    if (list.kind !== 'list') throw new Error('no ParkedCalls list');
    expect(list.items).toHaveLength(1);
    const want = Object.fromEntries(
      list.items.map(({ fields: f }) => [
        `${f.Parkinglot}|${f.ParkingSpace}`,
        {
          lot: f.Parkinglot,
          space: f.ParkingSpace,
          channel: f.ParkeeUniqueid,
          channelName: f.ParkeeChannel,
          callerNum: f.ParkeeCallerIDNum,
          callerName: f.ParkeeCallerIDName,
          linkedId: f.ParkeeLinkedid,
          parker: f.ParkerDialString,
          timeout: Number(f.ParkingTimeout) + Number(f.ParkingDuration),
        },
      ]),
    );
    expect(Object.keys(want)).toEqual(['default|801']);
    const shape = (state: PbxState) => Object.fromEntries(Object.values(state.parked).map(({ id, parkedAt: _at, ...rest }) => [id, rest]));
    // From the events alone, just before the list; then with the list applied, which must change nothing.
    const before = replay('09-supervisor-tools', { upTo: at });
    expect(shape(before.state)).toEqual(want);
    const parkedAt = before.state.parked['default|801'].parkedAt;
    const after = replay('09-supervisor-tools', { upTo: at + 1 });
    expect(after.mirror).toEqual(after.state);
    expect(shape(after.state)).toEqual(want);
    expect(after.state.parked['default|801'].parkedAt).toBe(parkedAt);

    const unparked = segs.findIndex((s) => s.kind === 'event' && s.packet.fields.Event === 'UnParkedCall');
    expect(replay('09-supervisor-tools', { upTo: unparked }).state.parked).not.toEqual({});
    const picked = replay('09-supervisor-tools', { upTo: unparked + 1 });
    expect(picked.state.parked).toEqual({});
    expect(picked.mirror).toEqual(picked.state);
  });

  it('05-join-midcall starts from lists that already hold calls', () => {
    const segs = segments('05-join-midcall');
    const first = segs.find((s) => s.kind === 'list' && s.action === 'CoreShowChannels');
    expect(first?.kind === 'list' && first.items.length).toBeGreaterThan(0);
  });

  it('06-permission-denied: CoreShowChannels refused, events still build the state', () => {
    const { state, final, resyncs, refusals } = replay('06-permission-denied', {
      refused: { 'ceo-2': 'CoreShowChannels', 'ceo-7': 'CoreShowChannels' },
    });
    expect(resyncs).toBeGreaterThan(0);
    // The warning is the server's (server/pbx/notices.ts) from describeRefusal: Asterisk's own message must name the permission.
    expect([...refusals].map(([action, message]) => describeRefusal(action, message))).toEqual([
      'CoreShowChannels refused (Permission denied): add "system" or "reporting" to this manager user\'s write= permissions in manager.conf',
    ]);
    expect(final.CoreShowChannels).toBeUndefined();
    // The call seen through events has ended: no ghost remains.
    expect(state.channels).toEqual({});
    expect(state.calls).toEqual({});
    expectQueues(state, final.QueueStatus!);
    expectBridges(state, final.BridgeList!, []);
  });

  it('07-status-list: channels kept from Status lists alone', () => {
    const { state, mirror, final, resyncs } = replay('07-status-list', { channelsFrom: 'Status' });
    expect(mirror).toEqual(state);
    expect(resyncs).toBeGreaterThanOrEqual(3);
    expectChannels(state, final.CoreShowChannels!);
    expectQueues(state, final.QueueStatus!);
    expectBridges(state, final.BridgeList!, final.CoreShowChannels);
    expectCallsCoverChannels(state);
  });
});

describe('golden: phones (08, 10)', () => {
  const lastList = (name: string, action: ListAction) => {
    const segs = segments(name);
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.kind === 'list' && s.action === action) return { at: i, items: s.items };
    }
    throw new Error(`no ${action} in ${name}`);
  };
  const dynamicContacts = (state: PbxState) =>
    Object.fromEntries(
      Object.values(state.contacts)
        .filter((c) => !c.static)
        .map(({ id, ...rest }) => [id, rest]),
    );
  const contactsOf = (items: AmiPacket[]) =>
    Object.fromEntries(
      items.map(({ fields: f }) => {
        const aor = f.ObjectName.slice(0, f.ObjectName.indexOf(';@'));
        return [
          `${aor}/${f.Uri}`,
          {
            aor,
            uri: f.Uri,
            endpoint: `PJSIP/${f.Endpoint}`,
            status: f.Status,
            userAgent: f.UserAgent,
            rttUsec: f.RoundtripUsec === 'N/A' ? -1 : Number(f.RoundtripUsec),
            expiresAt: Number(f.ExpirationTime) * 1000,
            viaAddr: `${f.ViaAddr}:${f.ViaPort}`,
            static: false,
          },
        ];
      }),
    );

  it('08: the contacts the events built equal the last PJSIPShowContacts, and the list changes nothing', () => {
    const { at, items } = lastList('08-phones-and-system', 'PJSIPShowContacts');
    expect(items).toHaveLength(4);
    const before = replay('08-phones-and-system', { upTo: at });
    // 204 and 205 unregistered (ContactStatus Removed) after the list before it: their contacts are gone.
    expect(dynamicContacts(before.state)).toEqual(contactsOf(items));
    const after = replay('08-phones-and-system', { upTo: at + 1 });
    expect(after.state).toEqual(before.state);
    expect(after.mirror).toEqual(after.state);
  });

  it('08: the device states the events built equal the last DeviceStateList, and each endpoint carries its own', () => {
    const { at, items } = lastList('08-phones-and-system', 'DeviceStateList');
    const want = Object.fromEntries(items.map(({ fields: f }) => [f.Device, f.State]));
    const devicesOf = (state: PbxState) =>
      Object.fromEntries(
        Object.values(state.devices)
          .filter((d) => d.kind === 'device')
          .map((d) => [d.id, d.state]),
      );
    const before = replay('08-phones-and-system', { upTo: at }).state;
    // The call's Local channel left a device state no event ever withdraws: Asterisk no longer caches it, and
    // only the list can say so (before this change devices were never removed).
    const { 'Local/28001@callers': transient, ...rest } = devicesOf(before);
    expect(transient).toBe('NOT_INUSE');
    expect(rest).toEqual(want);
    for (const e of Object.values(before.endpoints)) expect([e.id, e.deviceState]).toEqual([e.id, want[e.id]]);
    const after = replay('08-phones-and-system', { upTo: at + 1 });
    expect(devicesOf(after.state)).toEqual(want);
    expect(after.mirror).toEqual(after.state);
  });

  it('08: at the end the endpoints equal the last PJSIPShowEndpoints, with 209 static contact, and 4 of 7 phones registered', () => {
    const { items } = lastList('08-phones-and-system', 'PJSIPShowEndpoints');
    const { state, mirror } = replay('08-phones-and-system');
    expect(mirror).toEqual(state);
    expect(Object.keys(state.endpoints).sort()).toEqual(items.map((p) => `PJSIP/${p.fields.ObjectName}`).sort());
    for (const { fields: f } of items) {
      const e = state.endpoints[`PJSIP/${f.ObjectName}`];
      expect(e).toMatchObject({ technology: 'PJSIP', resource: f.ObjectName, aors: f.Aor });
      // Each endpoint's contacts are those it names.
      const named = f.Contacts.split(',').filter(Boolean).sort();
      expect(
        Object.values(state.contacts)
          .filter((c) => c.endpoint === e.id)
          .map((c) => c.id)
          .sort(),
      ).toEqual(named);
    }
    expect(state.contacts['209/sip:209@127.0.0.1:5099']).toMatchObject({ static: true, expiresAt: 0 });
    expect(phoneCounts(state)).toEqual({ total: 7, registered: 4, reachable: 4, unavailable: 3 });
    // The hints ExtensionStateList gave.
    expect(state.devices['2001@agents']).toMatchObject({ kind: 'extension', hint: 'Custom:2001', status: 0, state: 'Idle' });
  });

  it('10: the phone lists of the connect, then an hour of events, agree with the device states', () => {
    const { items } = lastList('10-sip-busy-hour', 'PJSIPShowEndpoints');
    const { state, mirror } = replay('10-sip-busy-hour');
    expect(mirror).toEqual(state);
    expect(Object.keys(state.endpoints).sort()).toEqual(items.map((p) => `PJSIP/${p.fields.ObjectName}`).sort());
    for (const e of Object.values(state.endpoints)) expect([e.id, e.deviceState]).toEqual([e.id, state.devices[e.id]?.state ?? '']);
  });
});

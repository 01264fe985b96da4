/** Endpoints and contacts: events, duplicates, late and missing ones, the lists, and expiry with injected time. */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { contactsDue, DriftRecorder, emptyState, expireContacts, resync, step, type PbxState } from '../../lib/pbx';
import { applyOps } from '../../lib/protocol';
import { phoneCounts } from '../../lib/ui/phones';
import { chanEv, ev, snapshot } from './events';

const NOW = 1_796_114_300_000;
const URI = 'sip:201@127.0.0.1:5070';
const ID = `201/${URI}`;

const contactStatus = (status: string, extra: Record<string, string> = {}) =>
  ev('ContactStatus', { URI, ContactStatus: status, AOR: '201', EndpointName: '201', RoundtripUsec: '0', ...extra });
const item = (event: string, fields: Record<string, string>): AmiPacket => ({ fields: { Event: event, ActionID: 'l-1', ...fields } });
const contactItem = (expiration: number, extra: Record<string, string> = {}) =>
  item('ContactList', {
    ObjectType: 'contact',
    ObjectName: '201;@b1c58173b6dd036b3381e4eacb1fc1e1',
    ViaAddr: '127.0.0.1',
    ViaPort: '5080',
    Endpoint: '201',
    Uri: URI,
    UserAgent: 'Grandstream GXP2170 1.0.11.23',
    ExpirationTime: String(expiration),
    Status: 'NonQualified',
    RoundtripUsec: 'N/A',
    ...extra,
  });
const endpointItem = (name: string, contacts: string, deviceState = 'Not in use') =>
  item('EndpointList', {
    ObjectType: 'endpoint',
    ObjectName: name,
    Aor: name,
    Contacts: contacts,
    DeviceState: deviceState,
    ActiveChannels: '0',
  });

function run(state: PbxState, events: AmiPacket[], mirror?: PbxState): void {
  for (const e of events) {
    const ops = step(state, e, NOW);
    if (mirror) applyOps(mirror, ops);
  }
}

describe('endpoints from events', () => {
  it('a registration makes the endpoint and its contact; a repeat emits nothing; Removed ends it once', () => {
    const state = emptyState();
    const mirror = emptyState();
    run(
      state,
      [ev('PeerStatus', { ChannelType: 'PJSIP', Peer: 'PJSIP/201', PeerStatus: 'Reachable' }), contactStatus('NonQualified')],
      mirror,
    );
    expect(state.endpoints['PJSIP/201']).toEqual({
      id: 'PJSIP/201',
      technology: 'PJSIP',
      resource: '201',
      aors: '',
      deviceState: '',
      name: '',
    });
    expect(state.contacts[ID]).toMatchObject({
      aor: '201',
      uri: URI,
      endpoint: 'PJSIP/201',
      status: 'NonQualified',
      rttUsec: -1,
      static: false,
    });
    expect(step(state, contactStatus('NonQualified'), NOW)).toEqual([]);
    expect(step(state, ev('PeerStatus', { ChannelType: 'PJSIP', Peer: 'PJSIP/201', PeerStatus: 'Reachable' }), NOW)).toEqual([]);
    run(state, [ev('DeviceStateChange', { Device: 'PJSIP/201', State: 'NOT_INUSE' })], mirror);
    expect(state.endpoints['PJSIP/201'].deviceState).toBe('NOT_INUSE');
    expect(phoneCounts(state)).toEqual({ total: 1, registered: 1, reachable: 1, unavailable: 0 });
    run(state, [contactStatus('Removed')], mirror);
    expect(state.contacts).toEqual({});
    expect(step(state, contactStatus('Removed'), NOW)).toEqual([]);
    expect(mirror).toEqual(state);
    expect(phoneCounts(state)).toEqual({ total: 1, registered: 0, reachable: 0, unavailable: 1 });
  });

  it('a qualify result carries the RTT; Unreachable makes the phone unavailable; Updated keeps the status', () => {
    const state = emptyState();
    run(state, [contactStatus('Reachable', { RoundtripUsec: '1840' })]);
    expect(state.contacts[ID]).toMatchObject({ status: 'Reachable', rttUsec: 1840 });
    run(state, [contactStatus('Updated')]);
    expect(state.contacts[ID]).toMatchObject({ status: 'Reachable', rttUsec: 1840 });
    run(state, [contactStatus('Unreachable')]);
    expect(state.contacts[ID]).toMatchObject({ status: 'Unreachable', rttUsec: -1 });
    expect(phoneCounts(state)).toEqual({ total: 1, registered: 1, reachable: 0, unavailable: 1 });
  });

  it('a flood of registrations stops at the bound, and says so', () => {
    const state = emptyState();
    const drops: string[] = [];
    const options = {
      limits: { maxEntities: { contacts: 2, endpoints: 2 } },
      onDrop: (d: { kind: string; id: string }) => drops.push(`${d.kind} ${d.id}`),
    };
    for (let i = 0; i < 4; i++) {
      step(
        state,
        ev('ContactStatus', { URI: `sip:${i}@x`, ContactStatus: 'NonQualified', AOR: `${i}`, EndpointName: `${i}`, RoundtripUsec: '0' }),
        NOW,
        options,
      );
    }
    expect(Object.keys(state.contacts)).toHaveLength(2);
    expect(Object.keys(state.endpoints)).toHaveLength(2);
    expect(drops).toEqual(['endpoints PJSIP/2', 'contacts 2/sip:2@x', 'endpoints PJSIP/3', 'contacts 3/sip:3@x']);
    // A contact whose endpoint was refused is not counted as a phone.
    expect(phoneCounts(state).total).toBe(2);
  });

  it('a device state of a device that is no endpoint changes no endpoint', () => {
    const state = emptyState();
    run(state, [ev('DeviceStateChange', { Device: 'PJSIP/trunk', State: 'INUSE' })]);
    expect(state.endpoints).toEqual({});
    expect(state.devices['PJSIP/trunk']).toMatchObject({ kind: 'device', state: 'INUSE', hint: '' });
  });
});

describe("an endpoint's name, learnt from its calls", () => {
  it('takes the caller ID name of a call the phone placed, not of one it was dialled for, and keeps it through a resync', () => {
    const state = emptyState();
    const mirror = emptyState();
    applyOps(mirror, resync(state, { endpoints: [endpointItem('201', ''), endpointItem('202', '')] }, NOW));
    run(
      state,
      [
        chanEv('Newchannel', { uid: '1.1', name: 'PJSIP/201-00000001', num: '201', cname: 'Alice Martin' }),
        // Asterisk dials 202 for a caller: the new leg carries the caller's identity.
        chanEv('Newchannel', { uid: '1.2', name: 'PJSIP/202-00000002', num: '28001', cname: 'S Novak', linkedid: '1.1' }),
        // No name configured: Asterisk says <unknown>.
        chanEv('Newchannel', { uid: '1.3', name: 'PJSIP/202-00000003', num: '202' }),
      ],
      mirror,
    );
    expect(state.endpoints['PJSIP/201'].name).toBe('Alice Martin');
    expect(state.endpoints['PJSIP/202'].name).toBe('');
    expect(mirror.endpoints).toEqual(state.endpoints);
    applyOps(mirror, resync(state, { endpoints: [endpointItem('201', ''), endpointItem('202', '')] }, NOW, { drift: new DriftRecorder() }));
    expect(state.endpoints['PJSIP/201'].name).toBe('Alice Martin');
    expect(mirror.endpoints).toEqual(state.endpoints);
  });
  it('from a caller ID that comes after the Newchannel; the first name stays', () => {
    const state = emptyState();
    resync(state, { endpoints: [endpointItem('201', '')] }, NOW);
    const leg = { uid: '3.1', name: 'PJSIP/201-00000009' };
    run(state, [chanEv('Newchannel', leg), chanEv('NewCallerid', { ...leg, num: '201', cname: 'Alice Martin' })]);
    expect(state.endpoints['PJSIP/201'].name).toBe('Alice Martin');
    // An Originate may give the phone's own number another name for one call: the name does not follow it.
    run(state, [chanEv('Newchannel', { uid: '3.2', name: 'PJSIP/201-0000000a', num: '201', cname: 'Front desk' })]);
    expect(state.endpoints['PJSIP/201'].name).toBe('Alice Martin');
  });

  it('on connect, from the calls already up: the channel list is read before the endpoint list', () => {
    const state = emptyState();
    const call = { uid: '2.1', name: 'PJSIP/201-00000007', num: '201', cname: 'Alice Martin' };
    resync(
      state,
      {
        channels: [
          item('CoreShowChannel', { ...snapshot(call), Application: 'Dial', ApplicationData: '', Duration: '00:00:12', BridgeId: '' }),
        ],
        endpoints: [endpointItem('201', '')],
      },
      NOW,
    );
    expect(state.endpoints['PJSIP/201'].name).toBe('Alice Martin');
  });
});

describe('endpoints from the lists', () => {
  it('fills expiry, user agent and address; a static contact named only by the endpoint list; ids from the wire stay data', () => {
    const state = emptyState();
    const ops = resync(
      state,
      {
        contacts: [contactItem(1_796_114_565)],
        endpoints: [
          endpointItem('201', `${ID},`),
          endpointItem('209', '209/sip:209@127.0.0.1:5099,', 'Unavailable'),
          endpointItem('__proto__', ''),
        ],
      },
      NOW,
    );
    const mirror = emptyState();
    applyOps(mirror, ops);
    expect(mirror).toEqual(state);
    expect(state.contacts[ID]).toMatchObject({
      userAgent: 'Grandstream GXP2170 1.0.11.23',
      expiresAt: 1_796_114_565_000,
      viaAddr: '127.0.0.1:5080',
      static: false,
    });
    expect(state.contacts['209/sip:209@127.0.0.1:5099']).toMatchObject({ endpoint: 'PJSIP/209', static: true, expiresAt: 0 });
    expect(state.endpoints['PJSIP/201'].deviceState).toBe('NOT_INUSE');
    expect(state.endpoints['PJSIP/209'].deviceState).toBe('UNAVAILABLE');
    expect(Object.keys(state.endpoints).sort()).toEqual(['PJSIP/201', 'PJSIP/209', 'PJSIP/__proto__']);
  });

  it('removes the endpoints, contacts, devices and hints Asterisk no longer reports', () => {
    const state = emptyState();
    run(state, [
      ev('PeerStatus', { ChannelType: 'IAX2', Peer: 'IAX2/branch', PeerStatus: 'Reachable' }),
      contactStatus('NonQualified'),
      ev('ContactStatus', { URI: 'sip:202@10.0.0.2', ContactStatus: 'NonQualified', AOR: '202', EndpointName: '202', RoundtripUsec: '0' }),
      ev('DeviceStateChange', { Device: 'PJSIP/202', State: 'NOT_INUSE' }),
      ev('ExtensionStatus', { Exten: '202', Context: 'hints', Hint: 'PJSIP/202', Status: '0', StatusText: 'Idle' }),
    ]);
    resync(
      state,
      {
        contacts: [contactItem(1_796_114_565)],
        endpoints: [endpointItem('201', `${ID},`)],
        devices: [item('DeviceStateChange', { Device: 'PJSIP/201', State: 'NOT_INUSE' })],
        hints: [item('ExtensionStatus', { Exten: '201', Context: 'hints', Hint: 'PJSIP/201', Status: '0', StatusText: 'Idle' })],
      },
      NOW,
    );
    // An IAX2 peer is no endpoint: nothing would ever remove it.
    expect(Object.keys(state.endpoints).sort()).toEqual(['PJSIP/201']);
    expect(Object.keys(state.contacts)).toEqual([ID]);
    expect(Object.keys(state.devices).sort()).toEqual(['201@hints', 'PJSIP/201']);
    expect(state.devices['201@hints']).toMatchObject({ kind: 'extension', hint: 'PJSIP/201', status: 0 });
  });

  it('a drift check does not count what only the list can say (a silent refresh), but does count a status the board missed', () => {
    const state = emptyState();
    run(state, [contactStatus('NonQualified')]);
    const quiet = new DriftRecorder();
    resync(state, { contacts: [contactItem(1_796_114_565)] }, NOW, { drift: quiet });
    expect(quiet.summary().total).toBe(0);
    const missed = new DriftRecorder();
    resync(state, { contacts: [contactItem(1_796_114_865, { Status: 'Unknown' })] }, NOW, { drift: missed });
    expect(missed.summary().total).toBe(1);
  });

  it('an empty PJSIPShowContacts ("No Contacts found") ends every registration but no static contact', () => {
    const state = emptyState();
    resync(
      state,
      { contacts: [contactItem(1_796_114_565)], endpoints: [endpointItem('201', `${ID},`), endpointItem('209', '209/sip:209@x,')] },
      NOW,
    );
    resync(state, { contacts: [] }, NOW);
    expect(Object.keys(state.contacts)).toEqual(['209/sip:209@x']);
  });
});

describe('contact expiry, with injected time', () => {
  const registered = () => {
    const state = emptyState();
    resync(
      state,
      { contacts: [contactItem(1_796_114_565)], endpoints: [endpointItem('201', `${ID},`), endpointItem('209', '209/sip:209@x,')] },
      NOW,
    );
    return state;
  };
  const expiry = 1_796_114_565_000;

  it('a registration past its expiry and the grace is removed, as one delete a mirror applies', () => {
    const state = registered();
    const mirror = structuredClone(state);
    expect(expireContacts(state, expiry - 1, 0)).toEqual([]);
    expect(expireContacts(state, expiry + 29_999, 30_000)).toEqual([]);
    const ops = expireContacts(state, expiry + 30_000, 30_000);
    expect(ops).toEqual([['d', 'contacts', ID]]);
    applyOps(mirror, ops);
    expect(mirror).toEqual(state);
    // The static contact never expires; a second pass finds nothing.
    expect(Object.keys(state.contacts)).toEqual(['209/sip:209@x']);
    expect(expireContacts(state, expiry + 10 ** 9, 0)).toEqual([]);
  });

  it('is due (the server reads the list again) when an expiry passed or a registration came without one', () => {
    const state = registered();
    expect(contactsDue(state, expiry - 1)).toBe(false);
    expect(contactsDue(state, expiry)).toBe(true);
    // Within the grace a read could remove nothing: not due yet.
    expect(contactsDue(state, expiry + 29_999, 30_000)).toBe(false);
    expect(contactsDue(state, expiry + 30_000, 30_000)).toBe(true);
    // A refresh that Asterisk did not announce: the list moves the expiry on, and nothing is removed.
    resync(state, { contacts: [contactItem(1_796_114_865)] }, expiry);
    expect(contactsDue(state, expiry)).toBe(false);
    expect(expireContacts(state, expiry + 60_000, 30_000)).toEqual([]);
    // A registration from an event alone has no expiry yet.
    run(state, [
      ev('ContactStatus', { URI: 'sip:202@x', ContactStatus: 'NonQualified', AOR: '202', EndpointName: '202', RoundtripUsec: '0' }),
    ]);
    expect(contactsDue(state, expiry)).toBe(true);
    expect(expireContacts(state, expiry + 10 ** 9, 0).map((op) => op[2])).toEqual([ID]);
  });
});

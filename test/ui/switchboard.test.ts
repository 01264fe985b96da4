/** The phones view's rows: presence from device state and contacts, DND from the hint, names, search and filters. */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { filterPhones, phonesOf, presenceCounts, presenceOf } from '../../lib/ui/switchboard';
import type { Contact } from '../../lib/pbx/model';
import { chanEv, ev } from '../pbx/events';
import { replay } from '../pbx/transcripts';

const NOW = 1_796_114_300_000;
const item = (event: string, fields: Record<string, string>): AmiPacket => ({ fields: { Event: event, ActionID: 'l-1', ...fields } });
const endpoint = (name: string, contacts = '', deviceState = 'Not in use') =>
  item('EndpointList', {
    ObjectType: 'endpoint',
    ObjectName: name,
    Aor: name,
    Contacts: contacts,
    DeviceState: deviceState,
    ActiveChannels: '0',
  });
const contact = (name: string, extra: Record<string, string> = {}) =>
  item('ContactList', {
    ObjectType: 'contact',
    ObjectName: `${name};@0123456789abcdef0123456789abcdef`,
    ViaAddr: `10.0.1.${name.slice(-1)}`,
    ViaPort: '5060',
    Endpoint: name,
    Uri: `sip:${name}@10.0.1.${name.slice(-1)}:5060`,
    UserAgent: 'Yealink T54W',
    ExpirationTime: String(NOW / 1000 + 300),
    Status: 'Reachable',
    RoundtripUsec: '2400',
    ...extra,
  });
const hint = (exten: string, devices: string) =>
  item('ExtensionStatus', { Exten: exten, Context: 'ext-local', Hint: devices, Status: '0', StatusText: 'Idle' });

function board(): PbxState {
  const state = emptyState();
  resync(
    state,
    {
      contacts: [contact('201'), contact('202'), contact('203', { Status: 'Unreachable', RoundtripUsec: 'N/A' })],
      endpoints: [endpoint('201'), endpoint('202', '', 'In use'), endpoint('203', '', 'Unavailable'), endpoint('204', '', 'Unavailable')],
      devices: [item('DeviceStateChange', { Device: 'Custom:DND201', State: 'BUSY' })],
      hints: [hint('1201', 'PJSIP/201&Custom:DND201'), hint('202', 'PJSIP/202')],
    },
    NOW,
  );
  return state;
}

describe('phonesOf', () => {
  it('reads presence, registration, number and DND from the tables', () => {
    const phones = phonesOf(board());
    expect(phones.map((p) => [p.id, p.number, p.presence])).toEqual([
      ['PJSIP/202', '202', 'in-use'],
      ['PJSIP/203', '203', 'unavailable'],
      ['PJSIP/204', '204', 'unregistered'],
      // Its hint's extension is its number; the Custom:DND device in that hint is set.
      ['PJSIP/201', '1201', 'dnd'],
    ]);
    expect(phones[0].registration).toEqual({
      userAgent: 'Yealink T54W',
      address: '10.0.1.2:5060',
      rttMs: 2.4,
      status: 'Reachable',
      contacts: 1,
      expiresAt: NOW + 300_000,
    });
    expect(phones[1].registration).toMatchObject({ status: 'Unreachable', rttMs: -1 });
    expect(phones[2].registration).toBeNull();
  });

  it('a call on the device outranks what the contacts said; ringing and hold have their own colours', () => {
    const usable = [{ status: 'NonQualified' } as Contact];
    expect(presenceOf('RINGING', [], false)).toBe('ringing');
    expect(presenceOf('RINGINUSE', usable, true)).toBe('ringing');
    expect(presenceOf('ONHOLD', usable, false)).toBe('hold');
    expect(presenceOf('BUSY', usable, false)).toBe('in-use');
    expect(presenceOf('NOT_INUSE', usable, false)).toBe('free');
    expect(presenceOf('UNAVAILABLE', usable, false)).toBe('unavailable');
    expect(presenceOf('', [], false)).toBe('unregistered');
  });

  it('names a phone by its queue membership first, else by the caller ID its own calls carry; shows who it talks to', () => {
    const state = board();
    for (const e of [
      ev('QueueMemberAdded', {
        Queue: 'sales',
        MemberName: 'Bea Ortiz',
        Interface: 'PJSIP/202',
        StateInterface: 'PJSIP/202',
        Membership: 'dynamic',
        Penalty: '0',
        CallsTaken: '0',
        LastCall: '0',
        LastPause: '0',
        LoginTime: '0',
        InCall: '0',
        Status: '2',
        Paused: '0',
        PausedReason: '',
        Ringinuse: '0',
        Wrapuptime: '0',
      }),
      chanEv('Newchannel', { uid: '9.1', name: 'PJSIP/201-00000001', num: '201', cname: 'Ann Lee', exten: '202' }),
      chanEv('Newchannel', { uid: '9.2', name: 'PJSIP/202-00000002', num: '201', cname: 'Ann Lee', linkedid: '9.1' }),
    ])
      step(state, e, NOW);
    const byId = new Map(phonesOf(state).map((p) => [p.id, p]));
    expect(byId.get('PJSIP/201')?.name).toBe('Ann Lee');
    expect(byId.get('PJSIP/202')?.name).toBe('Bea Ortiz');
    expect(byId.get('PJSIP/202')?.call?.call.id).toBe('9.1');
  });

  it('searches every word across name, number and registration (accents folded); filters by presence', () => {
    const phones = phonesOf(board());
    expect(filterPhones(phones, 'yealink 10.0.1.3', 'all').map((p) => p.id)).toEqual(['PJSIP/203']);
    expect(filterPhones(phones, '', 'busy').map((p) => p.id)).toEqual(['PJSIP/202']);
    expect(filterPhones(phones, '120', 'all').map((p) => p.id)).toEqual(['PJSIP/201']);
    expect(presenceCounts(phones)).toEqual({ free: 0, ringing: 0, 'in-use': 1, hold: 0, dnd: 1, unavailable: 1, unregistered: 1 });
  });

  it('08: after the unregistrations, 204 and 205 are not registered, the lobby phone is unavailable, the others free', () => {
    const { state } = replay('08-phones-and-system');
    const presence = Object.fromEntries(phonesOf(state).map((p) => [p.number, p.presence]));
    expect(presence).toMatchObject({
      '201': 'free',
      '202': 'free',
      '203': 'free',
      '204': 'unregistered',
      '205': 'unregistered',
      '206': 'free',
    });
    expect(presence['209']).toBe('unavailable');
  });
});

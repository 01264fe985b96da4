/** Spies from app_chanspy's ChanSpyStart/ChanSpyStop, the spyer's options, hangups and resync. */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { spyMode } from '../../lib/pbx/spies';
import { chanEv, ev, hangup, spyEv, type Chan } from './events';
import { clockAfter, segments } from './transcripts';

const NOW = 1_795_000_000_000;
const spyer: Chan = { uid: '1.44', name: 'PJSIP/206-00000016', num: '206', cname: 'Supervisor', context: 'internal' };
const agent: Chan = { uid: '1.43', name: 'PJSIP/202-00000015', num: '202', cname: 'Jon Park', linkedid: '1.41', exten: '601' };
const other: Chan = { uid: '1.50', name: 'PJSIP/201-00000020', num: '201', cname: 'Ivy Stone' };

const run = (state: PbxState, ...events: AmiPacket[]) => events.flatMap((e) => step(state, e, NOW));
const at = (e: AmiPacket) => Math.round(Number(e.fields.Timestamp) * 1000);
/** The spyer runs ChanSpy with `data`, as an answered Originate to the application says (09). */
const originated = (c: Chan, data: string) =>
  ev('OriginateResponse', {
    ActionID: 'x-1',
    Response: 'Success',
    Channel: c.name,
    Application: 'ChanSpy',
    Data: data,
    Reason: '4',
    Uniqueid: c.uid,
  });
const listed = (c: Chan, app: string, data: string): AmiPacket => ({
  fields: {
    Event: 'CoreShowChannel',
    ActionID: 'cb-2',
    Channel: c.name,
    Uniqueid: c.uid,
    Linkedid: c.linkedid ?? c.uid,
    ChannelState: '6',
    ChannelStateDesc: 'Up',
    CallerIDNum: c.num ?? '',
    CallerIDName: c.cname ?? '',
    ConnectedLineNum: '',
    ConnectedLineName: '',
    Context: c.context ?? 'default',
    Exten: c.exten ?? 's',
    Priority: '1',
    Application: app,
    ApplicationData: data,
    Duration: '00:00:10',
    BridgeId: '',
  },
});

function spying(data = 'PJSIP/202,qE'): PbxState {
  const state = emptyState();
  run(state, chanEv('Newchannel', agent), chanEv('Newchannel', spyer), originated(spyer, data), spyEv('ChanSpyStart', spyer, agent));
  return state;
}

describe('spyMode: the mode in ChanSpy options', () => {
  it.each([
    ['PJSIP/202,qE', 'listen'],
    ['PJSIP/202,qwE', 'whisper'],
    ['PJSIP/202,qWE', 'whisper'],
    ['PJSIP/202,qBE', 'barge'],
    ['PJSIP/202,wB', 'barge'],
    ['PJSIP/202', 'listen'],
    ['', 'listen'],
    // Option arguments are not options.
    ['PJSIP/202,g(Bw)qr(wB)', 'listen'],
    ['PJSIP/202,qe(2:3)w', 'whisper'],
  ])('%s → %s', (data, mode) => expect(spyMode(data)).toBe(mode));
});

describe('spies from events', () => {
  it('ChanSpyStart: who spies on whom, in the call of the spyee, since the event', () => {
    const state = emptyState();
    const start = spyEv('ChanSpyStart', spyer, agent);
    run(state, chanEv('Newchannel', agent), chanEv('Newchannel', spyer), originated(spyer, 'PJSIP/202,qwE'), start);
    expect(state.spies['1.44']).toEqual({
      id: '1.44',
      spyerChannel: 'PJSIP/206-00000016',
      spyerNum: '206',
      spyerName: 'Supervisor',
      spyee: '1.43',
      spyeeChannel: 'PJSIP/202-00000015',
      linkedId: '1.41',
      mode: 'whisper',
      since: at(start),
    });
  });

  it('a repeated ChanSpyStart changes nothing, not even the start', () => {
    const state = spying();
    expect(run(state, spyEv('ChanSpyStart', spyer, agent))).toEqual([]);
  });

  it('a ChanSpyStart on another spyee starts afresh, and the late stop of the old one is ignored', () => {
    const state = spying();
    const next = spyEv('ChanSpyStart', spyer, other);
    run(state, next, spyEv('ChanSpyStop', spyer, agent));
    expect(state.spies['1.44']).toMatchObject({ spyee: '1.50', since: at(next) });
  });

  it('ChanSpyStop ends it; a stop without a start changes nothing', () => {
    const state = spying();
    run(state, spyEv('ChanSpyStop', spyer, agent));
    expect(state.spies).toEqual({});
    expect(run(state, spyEv('ChanSpyStop', spyer, agent))).toEqual([]);
    expect(run(emptyState(), spyEv('ChanSpyStop', spyer, agent))).toEqual([]);
  });

  it('a hangup of the spyer ends it, and the stop after it changes nothing', () => {
    const state = spying();
    run(state, hangup(spyer));
    expect(state.spies).toEqual({});
    expect(run(state, spyEv('ChanSpyStop', spyer, agent))).toEqual([]);
  });

  it('a hangup of the spyee ends it', () => {
    const state = spying();
    run(state, hangup(agent));
    expect(state.spies).toEqual({});
  });

  it('a spyer whose ChanSpy runs from the dialplan gets its mode from the Newexten, also when that comes late', () => {
    const state = emptyState();
    run(state, chanEv('Newchannel', agent), chanEv('Newchannel', spyer), spyEv('ChanSpyStart', spyer, agent));
    expect(state.spies['1.44'].mode).toBe('listen');
    run(state, chanEv('Newexten', { ...spyer, exten: '555' }, { Extension: '555', Application: 'ChanSpy', AppData: 'PJSIP/202,qB' }));
    expect(state.spies['1.44'].mode).toBe('barge');
  });

  it('a failed Originate says nothing about the channel', () => {
    const state = emptyState();
    run(state, chanEv('Newchannel', spyer));
    const failed = originated(spyer, 'PJSIP/202,qB');
    failed.fields.Response = 'Failure';
    expect(run(state, failed)).toEqual([]);
  });
});

describe('spies on resync (no AMI list of spies: the channel list decides)', () => {
  it('keeps a spy whose spyer is still listed in ChanSpy, with the mode its listed options say', () => {
    const state = spying('PJSIP/202,qE');
    const ops = resync(state, { channels: [listed(spyer, 'ChanSpy', 'PJSIP/202,qBE'), listed(agent, 'AppQueue', '(Outgoing Line)')] }, NOW);
    expect(state.spies['1.44'].mode).toBe('barge');
    expect(ops).toContainEqual(['u', 'spies', '1.44', { mode: 'barge' }]);
  });

  it('drops a spy whose spyer is listed in another application, is not listed, or whose spyee is gone', () => {
    let state = spying();
    resync(state, { channels: [listed(spyer, 'Playback', 'beep'), listed(agent, 'AppQueue', '')] }, NOW);
    expect(state.spies).toEqual({});
    state = spying();
    resync(state, { channels: [listed(agent, 'AppQueue', '')] }, NOW);
    expect(state.spies).toEqual({});
    state = spying();
    resync(state, { channels: [listed(spyer, 'ChanSpy', 'PJSIP/202,q')] }, NOW);
    expect(state.spies).toEqual({});
  });

  it('a resync without a channel list leaves the spies alone', () => {
    const state = spying();
    resync(state, { queues: [] }, NOW);
    expect(Object.keys(state.spies)).toEqual(['1.44']);
  });
});

describe('09-supervisor-tools: listen, whisper and barge from 206 on the agent 202', () => {
  it('each ChanSpyStart shows its mode, and every spy is over with its channel', () => {
    const segs = segments('09-supervisor-tools');
    const state = emptyState();
    const modes: string[] = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s.kind !== 'event') continue;
      step(state, s.packet, clockAfter(segs, i, 1));
      if (s.packet.fields.Event === 'ChanSpyStart') {
        const spy = state.spies[s.packet.fields.SpyerUniqueid];
        expect(spy).toMatchObject({ spyee: '1796114697.43', spyeeChannel: 'PJSIP/202-00000015', linkedId: '1796114697.41' });
        modes.push(spy.mode);
      }
      if (s.packet.fields.Event === 'ChanSpyStop') expect(state.spies[s.packet.fields.SpyerUniqueid]).toBeUndefined();
    }
    expect(modes).toEqual(['listen', 'whisper', 'barge']);
    expect(state.spies).toEqual({});
  });
});

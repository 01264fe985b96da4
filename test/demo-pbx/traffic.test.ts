import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi } from './ami-test-client';

const pbxs: DemoPbx[] = [];
const clients: TestAmi[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of pbxs.splice(0)) await p.close();
});

async function started(options: Parameters<typeof startDemoPbx>[0]): Promise<{ pbx: DemoPbx; ami: TestAmi }> {
  const pbx = await startDemoPbx(options);
  pbxs.push(pbx);
  const u = pbx.users[0];
  const ami = await TestAmi.login(pbx.port, u.username, u.secret);
  clients.push(ami);
  return { pbx, ami };
}

/** The calls a PBX started, in order: who called where. */
const callStarts = (c: TestAmi) =>
  c
    .events('Newchannel')
    .filter((e) => e.fields.Uniqueid === e.fields.Linkedid)
    .map((e) => `${e.fields.Channel} ${e.fields.CallerIDNum} ${e.fields.Exten}`);

describe('traffic', () => {
  it('the same seed gives the same calls; another seed does not', async () => {
    const options = { seed: 1234, speed: 30, traffic: { callsPerMinute: 60 } };
    const [a, b, other] = await Promise.all([started(options), started(options), started({ ...options, seed: 99 })]);
    await Promise.all([a, b, other].map(({ ami }) => ami.until(() => callStarts(ami).length >= 14, '14 calls')));
    // Traffic starts with the PBX, so on a loaded machine a client may log in after the first call or two began:
    // the same seed means the same sequence, seen from at most two calls later.
    const sameSequence = (x: string[], y: string[]) =>
      [0, 1, 2].some(
        (k) => x.slice(k, k + 10).join('\n') === y.slice(0, 10).join('\n') || y.slice(k, k + 10).join('\n') === x.slice(0, 10).join('\n'),
      );
    expect(sameSequence(callStarts(a.ami), callStarts(b.ami))).toBe(true);
    expect(sameSequence(callStarts(a.ami), callStarts(other.ami))).toBe(false);
  });

  it('is lively: internal, trunk, queue, outbound calls, transfers and pauses', async () => {
    const { pbx, ami } = await started({ seed: 5, speed: 60, traffic: { callsPerMinute: 30, maxConcurrentCalls: 14 } });
    await ami.until(
      () =>
        ami.events('AgentConnect').length > 0 &&
        ami.events('QueueMemberPause').some((e) => e.fields.Paused === '1' && e.fields.PausedReason !== '') &&
        ami.events('DialBegin').some((e) => e.fields.DialString?.endsWith('@carrier')) &&
        ami
          .events('DialBegin')
          .some((e) => /^PJSIP\/1\d\d-/.test(e.fields.DestChannel ?? '') && /^PJSIP\/1\d\d-/.test(e.fields.Channel ?? '')) &&
        ami.events('Newchannel').some((e) => e.fields.Channel.startsWith('PJSIP/carrier-') && e.fields.Context === 'from-trunk') &&
        // A blind transfer: a channel leaves its bridge alive and dials someone else.
        ami.events('DialBegin').some((d) => ami.events('BridgeLeave').some((l) => l.fields.Channel === d.fields.Channel)),
      'every kind of traffic',
      20_000,
    );
    const s = pbx.snapshot();
    expect(s.calls).toBeGreaterThan(0);
    expect(s.calls).toBeLessThanOrEqual(14 + 2);
    // Linkedid propagation: every leg of a call carries its first channel's Uniqueid.
    const firsts = new Set(ami.events('Newchannel').map((e) => e.fields.Uniqueid));
    for (const e of ami.events('Newchannel')) expect(firsts.has(e.fields.Linkedid) || e.fields.Linkedid === e.fields.Uniqueid).toBe(true);
  });

  it('shows a first-time user the supervisor features: breaks that end, blind transfers, parks picked up or timing out', async () => {
    const { ami } = await started({ seed: 6, speed: 100, traffic: { callsPerMinute: 30, maxConcurrentCalls: 14 } });
    const reasons = new Set(['Break', 'Lunch', 'Coaching', 'Meeting', 'Training', 'After-call work']);
    await ami.until(
      () => {
        const pauses = ami.events('QueueMemberPause');
        const onBreak = pauses.filter((e) => e.fields.Paused === '1' && reasons.has(e.fields.PausedReason));
        // A break that ended: the same member later unpaused, its reason emptied.
        const ended = onBreak.some((p) =>
          pauses.some((u) => pauses.indexOf(u) > pauses.indexOf(p) && u.fields.Interface === p.fields.Interface && u.fields.Paused === '0'),
        );
        return (
          ended &&
          ami.events('BlindTransfer').length > 0 &&
          ami.events('ParkedCall').length > 0 &&
          ami.events('UnParkedCall').length > 0 &&
          ami.events('ParkedCallTimeOut').length + ami.events('ParkedCallGiveUp').length > 0
        );
      },
      'breaks, transfers and parks',
      30_000,
    );
    for (const e of ami.events('QueueMemberPause').filter((x) => x.fields.Paused === '0')) expect(e.fields.PausedReason).toBe('');
    // Each pause device goes INUSE and back with its member.
    expect(ami.events('DeviceStateChange').some((e) => /^Queue:\w+_pause_PJSIP\/\d+$/.test(e.fields.Device))).toBe(true);
  });

  it('never resumes an agent a supervisor paused, even one it had paused itself', async () => {
    const { pbx, ami } = await started({ seed: 4, speed: 400, traffic: { callsPerMinute: 3, maxConcurrentCalls: 14 } });
    const first = await ami.until(() => ami.events('QueueMemberPause').find((e) => e.fields.Paused === '1'), 'a break');
    const iface = first.fields.Interface;
    const r = await ami.send({ Action: 'QueuePause', Interface: iface, Paused: 'true', Reason: 'Held by the supervisor' });
    expect(r.fields.Message).toBe('Interface paused successfully');
    // 3 calls a minute: 30 more calls is some 10 simulated minutes, twice the longest break (5 minutes).
    const calls = () => ami.events('Newchannel').filter((e) => e.fields.Uniqueid === e.fields.Linkedid).length;
    const target = calls() + 30;
    await ami.until(() => calls() >= target, 'thirty more calls', 30_000);
    const resumed = ami
      .events('QueueMemberPause')
      .filter((e) => e.fields.Interface === iface && ami.packets.indexOf(e) > ami.packets.indexOf(r));
    expect(resumed.filter((e) => e.fields.Paused === '0')).toEqual([]);
    // Other breaks did come and go meanwhile.
    expect(ami.events('QueueMemberPause').some((e) => e.fields.Interface !== iface && e.fields.Paused === '0')).toBe(true);
    pbx.setTraffic({ enabled: false });
  });

  it('pauses and resumes at runtime for quiet points', async () => {
    const { pbx, ami } = await started({ seed: 8, speed: 60, traffic: { callsPerMinute: 120, maxConcurrentCalls: 10 } });
    await ami.until(() => pbx.snapshot().calls > 0, 'calls');
    pbx.setTraffic({ enabled: false });
    await ami.until(() => pbx.snapshot().channels === 0, 'all calls to end', 20_000);
    const n = ami.events('Newchannel').length;
    pbx.setTraffic({ enabled: true });
    await ami.until(() => ami.events('Newchannel').length > n, 'traffic again');
  });
});

describe('configuration', () => {
  it('runs custom queues and agents: 5XX and the trunk DIDs reach them', async () => {
    const { ami } = await started({
      seed: 3,
      speed: 20,
      traffic: { enabled: false },
      queues: [{ name: 'billing', strategy: 'rrmemory', timeout: 60, memberTimeout: 10, serviceLevel: 20 }],
      agents: [{ exten: '201', name: 'Zoe', queues: ['billing'] }],
      timing: { answerAfter: [1, 1], talk: [30, 30], noAnswer: 0 },
    });
    const status = await ami.list({ Action: 'QueueStatus' });
    expect(status.items.map((i) => [i.fields.Event, i.fields.Queue, i.fields.Name ?? ''])).toEqual([
      ['QueueParams', 'billing', ''],
      ['QueueMember', 'billing', 'Zoe'],
    ]);
    await ami.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'internal', Exten: '501', Async: 'true' });
    const connect = await ami.until(() => ami.events('AgentConnect')[0], 'Zoe answers');
    expect(connect.fields).toMatchObject({ Queue: 'billing', MemberName: 'Zoe', Interface: 'PJSIP/201' });
  });
});

describe('options', () => {
  it('refuses nonsense with a clear message', async () => {
    await expect(startDemoPbx({ speed: 0 })).rejects.toThrow(/speed/);
    await expect(startDemoPbx({ port: 70000 })).rejects.toThrow(/port/);
    await expect(startDemoPbx({ timing: { talk: [10, 5] } })).rejects.toThrow(/min must not exceed max/);
    await expect(startDemoPbx({ users: [{ username: 'a\r\nAction: x', secret: 's', read: [], write: [] }] })).rejects.toThrow(/username/);
  });
});

describe('load mode', () => {
  it('holds thousands of channels and paces the event rate', async () => {
    const { pbx, ami } = await started({ seed: 2, load: { channels: 4000, eventsPerSec: 2000 } });
    expect(pbx.snapshot().channels).toBeGreaterThanOrEqual(3990);
    const list = await ami.list({ Action: 'CoreShowChannels' });
    expect(list.items.length).toBeGreaterThanOrEqual(3990);
    // Rate by the PBX's own Timestamps, so a backlog read late by this client does not skew it.
    const from = ami.events().length;
    const stamps = () =>
      ami
        .events()
        .slice(from)
        .map((e) => Number(e.fields.Timestamp))
        .filter((t) => t > 0);
    await ami.until(() => {
      const t = stamps();
      return t.length > 1 && t[t.length - 1] - t[0] >= 1.5;
    }, '1.5 s of load');
    const t = stamps();
    const rate = (t.length - 1) / (t[t.length - 1] - t[0]);
    expect(rate).toBeGreaterThan(1500);
    expect(rate).toBeLessThan(2500);
    const kinds = new Set(
      ami
        .events()
        .slice(from)
        .map((e) => e.fields.Event),
    );
    for (const k of ['Newchannel', 'Newstate', 'NewCallerid', 'Newexten', 'DialBegin', 'Hangup', 'BridgeEnter']) expect(kinds).toContain(k);
  });
});

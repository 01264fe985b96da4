import { afterEach, describe, expect, it } from 'vitest';
import { PbxCore } from '../../server/demo-pbx/core';
import { DEFAULT_AGENTS, DEFAULT_QUEUES } from '../../server/demo-pbx/directory';
import { Dialplan } from '../../server/demo-pbx/dialplan';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { Traffic } from '../../server/demo-pbx/traffic';
import { TestAmi } from './ami-test-client';

let pbx: DemoPbx | undefined;
let ami: TestAmi | undefined;
afterEach(async () => {
  ami?.close();
  await pbx?.close();
  pbx = ami = undefined;
});

/** The warm-up alone, on a fixed wall clock: every event it would have sent, and the queues it leaves. */
function warmUp(seed: number, minutes: number) {
  const events: string[] = [];
  const core = new PbxCore({
    seed,
    queues: DEFAULT_QUEUES,
    agents: DEFAULT_AGENTS,
    emit: (e) => events.push(e.text),
    now: () => 1_790_000_000_000,
    warmupSec: minutes * 60,
  });
  new Traffic(core, new Dialplan(core));
  core.warmUp();
  core.stopTimers();
  const queues = [...core.queues.values()].map((q) => ({
    name: q.def.name,
    completed: q.completed,
    abandoned: q.abandoned,
    holdtime: q.holdtime,
    talktime: q.talktime,
    members: q.members.map((m) => [m.name, m.callsTaken, m.lastCall, m.lastPause, m.status, m.paused]),
  }));
  return { events, queues, channels: [...core.channels.keys()] };
}

describe('demo PBX warm start', () => {
  it('reports traffic already handled in QueueStatus right after login', async () => {
    const started = Date.now();
    pbx = await startDemoPbx({ seed: 3, warmup: { minutes: 45 } });
    const u = pbx.users[0];
    ami = await TestAmi.login(pbx.port, u.username, u.secret);
    const items = (await ami.list({ Action: 'QueueStatus' })).items.map((i) => i.fields);
    const params = items.filter((f) => f.Event === 'QueueParams');
    const members = items.filter((f) => f.Event === 'QueueMember');
    expect(params.length).toBeGreaterThan(0);
    expect(params.reduce((n, f) => n + Number(f.Completed), 0)).toBeGreaterThan(10);
    expect(params.some((f) => Number(f.Holdtime) > 0 && Number(f.TalkTime) > 0)).toBe(true);
    expect(params.some((f) => Number(f.ServicelevelPerf) > 0)).toBe(true);
    expect(members.reduce((n, f) => n + Number(f.CallsTaken), 0)).toBeGreaterThan(10);
    // LastCall and LastPause are moments of the warm-up: within its 45 minutes, none in the future.
    const lastCalls = members.map((f) => Number(f.LastCall)).filter((t) => t > 0);
    expect(lastCalls.length).toBeGreaterThan(0);
    for (const t of lastCalls) {
      expect(t).toBeGreaterThanOrEqual(Math.floor(started / 1000) - 45 * 60 - 1);
      expect(t).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    }
    expect(members.some((f) => Number(f.LastPause) > 0)).toBe(true);
    // The PBX booted 45 simulated minutes ago and the calls of that time are still up.
    expect(pbx.snapshot().uptimeSec).toBeGreaterThanOrEqual(45 * 60);
    expect(pbx.snapshot().channels).toBeGreaterThan(0);
    const core = (await ami.send({ Action: 'CoreStatus' })).fields;
    expect(Date.parse(`${core.CoreStartupDate}T${core.CoreStartupTime}Z`)).toBeLessThan(started - 40 * 60_000);
  });

  it('replays the same warm-up for the same seed, and a different one for another seed', () => {
    const a = warmUp(7, 45);
    const b = warmUp(7, 45);
    expect(a.events.length).toBeGreaterThan(1000);
    expect(b.events).toEqual(a.events);
    expect(b.queues).toEqual(a.queues);
    expect(b.channels).toEqual(a.channels);
    expect(warmUp(8, 45).events).not.toEqual(a.events);
  });

  it('starts cold by default and stays fast with a warm-up', async () => {
    pbx = await startDemoPbx({ seed: 3 });
    expect(pbx.snapshot()).toMatchObject({ channels: 0, events: 0, uptimeSec: 0 });
    await pbx.close();
    const t = performance.now();
    pbx = await startDemoPbx({ seed: 3, warmup: { minutes: 45 } });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(pbx.snapshot().events).toBeGreaterThan(1000);
  });

  it('rejects a bad warm-up with a clear error', async () => {
    await expect(startDemoPbx({ warmup: { minutes: -1 } })).rejects.toThrow(/warmup/);
    await expect(startDemoPbx({ warmup: { minutes: 10 }, load: { channels: 10, eventsPerSec: 10 } })).rejects.toThrow(/load mode/);
  });
});

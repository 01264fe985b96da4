import { afterEach, describe, expect, it } from 'vitest';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi } from './ami-test-client';

/**
 * Invariant 1 with the demo PBX as Asterisk: our state engine, fed the demo's
 * event stream, equals the demo's own CoreShowChannels / QueueStatus / BridgeList
 * at quiet moments, so a resync there finds nothing to change.
 */
let pbx: DemoPbx | undefined;
let ami: TestAmi | undefined;
afterEach(async () => {
  ami?.close();
  await pbx?.close();
  pbx = ami = undefined;
});

async function lists(c: TestAmi) {
  const [channels, queues, bridges, parked] = [
    await c.list({ Action: 'CoreShowChannels' }),
    await c.list({ Action: 'QueueStatus' }),
    await c.list({ Action: 'BridgeList' }),
    await c.list({ Action: 'ParkedCalls' }),
  ];
  return {
    channels: channels.items.map((i) => i.packet),
    queues: queues.items.map((i) => i.packet),
    bridges: bridges.items.map((i) => i.packet),
    parked: parked.items.map((i) => i.packet),
    /** The demo's own lot, space → parkee Uniqueid, to check the events against without lib/pbx in between. */
    spaces: new Map(parked.items.map((i) => [i.fields.ParkingSpace, i.fields.ParkeeUniqueid])),
  };
}

/**
 * Steps every event not yet fed to the engine; list items are skipped by `step` itself.
 * Parked calls are followed at the AMI level only (space → parkee Uniqueid), from
 * ParkedCall to whichever event ends the parking, to be checked against the demo's
 * own ParkedCalls list.
 */
function feed(c: TestAmi, state: PbxState, from: number, parked: Map<string, string>): number {
  for (let i = from; i < c.packets.length; i++) {
    const p = c.packets[i];
    if (p.fields.Event === undefined || p.fields.ActionID !== undefined) continue;
    step(state, p.packet, Date.now());
    const f = p.fields;
    if (f.Event === 'ParkedCall') parked.set(f.ParkingSpace, f.ParkeeUniqueid);
    else if (['UnParkedCall', 'ParkedCallTimeOut', 'ParkedCallGiveUp'].includes(f.Event)) parked.delete(f.ParkingSpace);
  }
  return c.packets.length;
}

/**
 * Takes the lists until no event shares their moment: none arrived between
 * the first list's action and a Ping answered after the last, and the demo
 * writes events and answers on one ordered stream, so anything it did while
 * the lists were taken would have arrived by the Pong. Those lists are a quiet
 * point, found without guessing how long the PBX needs to go quiet.
 */
async function quietLists(c: TestAmi) {
  const unsolicited = () => c.events().filter((e) => e.fields.ActionID === undefined).length;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const before = unsolicited();
    const l = await lists(c);
    await c.send({ Action: 'Ping' });
    if (unsolicited() === before) return l;
  }
  throw new Error('the PBX never went quiet');
}

const CASES = [
  // Long conversations: quiet points still hold live calls, bridges and waiting callers.
  { seed: 11, talk: [400, 600] as [number, number], noAnswer: 0, live: true },
  { seed: 12, talk: [400, 600] as [number, number], noAnswer: 0, live: true },
  // Short ones, with unanswered rings: queue statistics (completed, abandoned, averages) must agree too.
  { seed: 13, talk: [3, 12] as [number, number], noAnswer: 0.2, live: false },
  // A warm start: the first lists already carry queue statistics, members' calls and live calls from the warm-up.
  { seed: 14, talk: [60, 200] as [number, number], noAnswer: 0.2, live: true, warmupMinutes: 30 },
  // Until the traffic has blind-transferred, parked and picked up: Linkedids carried on, the lot's bridge kept empty.
  { seed: 15, talk: [300, 500] as [number, number], noAnswer: 0, live: true, supervisor: true },
];

describe('lib/pbx fed by the demo PBX agrees with its lists', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}${c.warmupMinutes ? ', warm' : ''}: at quiet points, resync finds nothing to change`, async () => {
      const warm = c.warmupMinutes !== undefined;
      pbx = await startDemoPbx({
        seed: c.seed,
        speed: 20,
        traffic: { enabled: warm, callsPerMinute: 90, maxConcurrentCalls: 14 },
        timing: { answerAfter: [1, 3], talk: c.talk, noAnswer: c.noAnswer },
        ...(warm ? { warmup: { minutes: c.warmupMinutes } } : {}),
      });
      const u = pbx.users[0];
      ami = await TestAmi.login(pbx.port, u.username, u.secret);
      // The warm-up's calls carry on, so the first lists wait for a quiet point too.
      if (warm) pbx.setTraffic({ enabled: false });
      const first = warm ? await quietLists(ami) : await lists(ami);
      if (warm) {
        expect(first.channels.length).toBeGreaterThan(0);
        expect(first.queues.some((p) => p.fields.Event === 'QueueParams' && Number(p.fields.Completed) > 0)).toBe(true);
        expect(first.queues.some((p) => p.fields.Event === 'QueueMember' && Number(p.fields.CallsTaken) > 0)).toBe(true);
      }
      const state = emptyState();
      resync(state, first, Date.now());
      const parked = new Map(first.spaces);
      let fed = feed(ami, state, ami.packets.length, parked);
      pbx.setTraffic({ enabled: true });
      for (let round = 0; round < 3; round++) {
        const target = pbx.snapshot().events + 300;
        // Until enough happened, or the concurrency cap holds traffic back.
        const seen = (name: string) => ami!.events(name).length > 0;
        await ami.until(
          () =>
            (pbx!.snapshot().events >= target || pbx!.snapshot().calls >= 12) &&
            pbx!.snapshot().calls >= 3 &&
            (!c.supervisor || round > 0 || (seen('BlindTransfer') && seen('ParkedCall') && seen('UnParkedCall'))),
          'traffic to build up',
          c.supervisor ? 30_000 : 15_000,
        );
        pbx.setTraffic({ enabled: false });
        const l = await quietLists(ami);
        feed(ami, state, fed, parked);
        expect(parked).toEqual(l.spaces);
        // And the engine, from the same events, holds exactly the lot's calls.
        expect(new Map(Object.values(state.parked).map((p) => [p.space, p.channel]))).toEqual(l.spaces);
        expect(Object.keys(state.channels).length).toBe(l.channels.length);
        if (c.live) expect(l.channels.length).toBeGreaterThan(0);
        expect(resync(state, l, Date.now())).toEqual([]);
        fed = ami.packets.length;
        pbx.setTraffic({ enabled: true });
      }
      if (!c.live) expect(Object.values(state.queues).some((q) => q.completed > 0)).toBe(true);
    });
  }
});

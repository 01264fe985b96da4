import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx } from '../../server/demo-pbx/index';
import { TestAmi } from './ami-test-client';

/** The fault hooks other tests use to exercise reconnects, resyncs and timeouts. */
let pbx: DemoPbx;
const clients: TestAmi[] = [];

async function login(): Promise<TestAmi> {
  const u = pbx.users[0];
  const c = await TestAmi.login(pbx.port, u.username, u.secret);
  clients.push(c);
  return c;
}

/** Resolves false if nothing matching arrived within `ms` (for asserting silence). */
async function arrives(c: TestAmi, cond: () => unknown, ms: number): Promise<boolean> {
  try {
    await c.until(() => cond(), 'silence check', ms);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await pbx.close();
});

describe('fault hooks', () => {
  it('dropAll disconnects every client; the PBX keeps its calls and accepts new logins', async () => {
    pbx = await startDemoPbx({
      seed: 1,
      speed: 20,
      traffic: { enabled: false },
      timing: { answerAfter: [1, 1], talk: [600, 600], noAnswer: 0 },
    });
    const a = await login();
    const b = await login();
    await a.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'internal', Exten: '102', Async: 'true' });
    await a.until(() => a.events('BridgeEnter').length === 2, 'bridged');
    pbx.faults.dropAll();
    await a.until(() => a.closed, 'a closed');
    await b.until(() => b.closed, 'b closed');
    const c = await login();
    expect((await c.list({ Action: 'CoreShowChannels' })).items).toHaveLength(2);
  });

  it('restart drops clients and comes back empty, with a new uptime and FullyBooted', async () => {
    pbx = await startDemoPbx({
      seed: 1,
      speed: 20,
      traffic: { enabled: false },
      timing: { answerAfter: [1, 1], talk: [600, 600], noAnswer: 0 },
    });
    const a = await login();
    await a.send({ Action: 'Originate', Channel: 'PJSIP/101', Context: 'internal', Exten: '102', Async: 'true' });
    await a.until(() => a.events('BridgeEnter').length === 2, 'bridged');
    const before = pbx.snapshot();
    expect(before.channels).toBe(2);
    pbx.faults.restart();
    await a.until(() => a.closed, 'closed by restart');
    expect(a.events('Shutdown')[0]?.fields).toMatchObject({ Shutdown: 'Cleanly', Restart: 'True' });
    const b = await login();
    const booted = b.events('FullyBooted')[0];
    expect(booted.fields.Uptime).toBe('0');
    expect((await b.list({ Action: 'CoreShowChannels' })).items).toHaveLength(0);
    expect((await b.list({ Action: 'BridgeList' })).items).toHaveLength(0);
    expect(pbx.snapshot()).toMatchObject({ channels: 0, calls: 0, bridges: 0 });
    // The new PBX still works.
    await b.send({ Action: 'Originate', Channel: 'PJSIP/103', Context: 'internal', Exten: '104', Async: 'true' });
    await b.until(() => b.events('BridgeEnter').length === 2, 'bridged after restart');
  });

  it('stall stops all writing, Ping answers included, and resumes where it stopped', async () => {
    pbx = await startDemoPbx({ seed: 1, traffic: { enabled: false } });
    const c = await login();
    pbx.faults.stall(true);
    const id = c.nextId();
    c.writeRaw(`Action: Ping\r\nActionID: ${id}\r\n\r\n`);
    const answered = () => c.packets.find((p) => p.fields.ActionID === id);
    expect(await arrives(c, answered, 300)).toBe(false);
    expect(c.closed).toBe(false);
    pbx.faults.stall(false);
    expect((await c.until(answered, 'pong after the stall')).fields.Ping).toBe('Pong');
  });

  it('slowWrites delays every write until switched off', async () => {
    pbx = await startDemoPbx({ seed: 1, traffic: { enabled: false } });
    const c = await login();
    pbx.faults.slowWrites(400);
    let t0 = performance.now();
    await c.send({ Action: 'Ping' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    pbx.faults.slowWrites(0);
    t0 = performance.now();
    await c.send({ Action: 'Ping' });
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it('cutMidPacket leaves a half packet on the wire, then closes', async () => {
    pbx = await startDemoPbx({ seed: 1, traffic: { enabled: false } });
    const c = await login();
    const whole = c.raw.length;
    expect(c.raw.endsWith('\r\n\r\n')).toBe(true);
    pbx.faults.cutMidPacket();
    await c.until(() => c.closed, 'closed');
    expect(c.raw.length).toBeGreaterThan(whole);
    expect(c.raw.endsWith('\r\n\r\n')).toBe(false);
    const again = await login();
    expect((await again.send({ Action: 'Ping' })).fields.Ping).toBe('Pong');
  });
});

/**
 * PbxSession against the demo PBX with restricted manager users: the list
 * fallback, the warnings that name the missing permission, and a quiet
 * steady state.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import { PbxSession } from '@/server/pbx-session';
import { waitFor } from './mirror';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sessionAs(read: string[], write: string[]) {
  const pbx = await startDemoPbx({ port: 0, seed: 3, speed: 10, traffic: { callsPerMinute: 300 }, users: [{ username: 'cb', secret: 'pw-Secret-1', read, write }] });
  const session = new PbxSession({ ami: { host: pbx.host, port: pbx.port, username: 'cb', secret: 'pw-Secret-1', tls: false }, log: createLogger('silent'), label: 'test', demo: true });
  session.start();
  cleanups.push(() => pbx.close(), () => session.stop());
  await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');
  return { pbx, session };
}

describe('PbxSession', () => {
  it('falls back to Status when CoreShowChannels is refused, and says which permission is missing', async () => {
    const { pbx, session } = await sessionAs(['call', 'agent', 'system', 'dialplan'], ['call']);
    expect(pbx.received()).toMatch(/Action: CoreShowChannels[\s\S]*Action: Status\r\n/);
    expect(session.state.pbx.warnings.join('\n')).toMatch(/CoreShowChannels.*"system" or "reporting"/);
    await waitFor(() => Object.keys(session.state.channels).length > 0, 'channels listed by Status or seen in events');
  });

  it('keeps going read-only when no list is allowed, with a warning for each', async () => {
    const { session } = await sessionAs(['call', 'agent'], []);
    const warnings = session.state.pbx.warnings.join('\n');
    expect(warnings).toMatch(/CoreShowChannels refused/);
    expect(warnings).toMatch(/Status refused/);
    // Events still stream in.
    await waitFor(() => Object.keys(session.state.channels).length > 0, 'channels from events');
  });

  it('sends nothing but Ping in steady state', async () => {
    const { pbx, session } = await sessionAs(['all'], ['all']);
    const after = pbx.received().length;
    let ops = 0;
    session.onOps((o) => (ops += o.length));
    await new Promise((r) => setTimeout(r, 1500));
    expect(ops).toBeGreaterThan(0); // the PBX was busy meanwhile
    expect(pbx.received().slice(after).replace(/Action: Ping\r\nActionID: [^\r\n]*\r\n\r\n/g, '')).toBe('');
  });

  it('subscribes with the narrow event mask the state engine needs', async () => {
    const { pbx, session } = await sessionAs(['all'], ['all']);
    await waitFor(() => /^\d+\.\d+/.test(session.state.pbx.version), "Asterisk's version from CoreSettings");
    expect(pbx.received()).toMatch(/Action: Login\r\n(?:[^\r\n]+\r\n)*Events: call,agent,system,dialplan\r\n/);
    expect(pbx.received()).not.toContain('pw-Secret-1');
  });
});

const resyncLogs: { held: number }[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.includes('resync done')) resyncLogs.push(JSON.parse(line));
    done();
  },
});

describe('PbxSession truth', () => {
  it('loses no event that arrives during a resync: at a quiet point a fresh resync finds nothing to change', async () => {
    const pbx = await startDemoPbx({
      port: 0,
      seed: 11,
      speed: 10,
      // Long calls that every agent answers: once traffic stops, the PBX holds still with calls up.
      timing: { talk: [600, 600], noAnswer: 0 },
      traffic: { callsPerMinute: 600, maxConcurrentCalls: 30 },
    });
    const session = new PbxSession({
      ami: { host: pbx.host, port: pbx.port, username: pbx.users[0].username, secret: pbx.users[0].secret, tls: false },
      log: createLogger('info', { stream: logSink, pretty: false }),
      label: 'test',
      demo: true,
      client: { backoff: { initialMs: 20, maxMs: 100 } },
    });
    session.start();
    cleanups.push(() => pbx.close(), () => session.stop());
    await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');

    // Slow writes stretch every resync, so live events pile up behind the lists.
    pbx.faults.slowWrites(5);
    for (let i = 0; i < 3; i++) {
      const before = session.state.pbx.lastResync;
      pbx.faults.dropAll();
      await waitFor(() => session.state.pbx.lastResync > before, `resync ${i + 1}`, 15_000);
    }
    pbx.faults.slowWrites(0);
    pbx.setTraffic({ enabled: false });
    const held = resyncLogs.map((l) => l.held);
    expect(Math.max(...held), `events held per resync: ${held}`).toBeGreaterThan(0);

    // Quiet: no ops for a while.
    let lastOpAt = Date.now();
    session.onOps(() => (lastOpAt = Date.now()));
    await waitFor(() => Date.now() - lastOpAt > 1000, 'a quiet PBX', 20_000);
    expect(Object.keys(session.state.channels).length).toBeGreaterThan(5);
    expect(Object.keys(session.state.channels).length).toBe(pbx.snapshot().channels);

    const changes: unknown[] = [];
    session.onOps((ops) => changes.push(...ops.filter((op) => op[0] !== 's')));
    await session.resync();
    expect(changes).toEqual([]);
  }, 40_000);
});

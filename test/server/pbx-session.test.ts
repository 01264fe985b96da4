/**
 * PbxSession against the demo PBX with restricted manager users: the list
 * fallback, the warnings that name the missing permission, and a quiet
 * steady state.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPbx, type DemoPbx, type DemoPbxOptions } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import { PbxSession } from '@/server/pbx-session';
import { waitFor } from './mirror';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sessionAs(read: string[], write: string[]) {
  const pbx = await startDemoPbx({
    port: 0,
    seed: 3,
    speed: 10,
    traffic: { callsPerMinute: 300 },
    users: [{ username: 'cb', secret: 'pw-Secret-1', read, write }],
  });
  const session = new PbxSession({
    ami: { host: pbx.host, port: pbx.port, username: 'cb', secret: 'pw-Secret-1', tls: false },
    log: createLogger('silent'),
    label: 'test',
    demo: true,
  });
  session.start();
  cleanups.push(
    () => pbx.close(),
    () => session.stop(),
  );
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

  it('ends a resync in one status op: the stamp and the warnings it changed, together', async () => {
    const pbx = await startDemoPbx({
      port: 0,
      seed: 3,
      users: [{ username: 'cb', secret: 'pw-Secret-1', read: ['all'], write: ['call'] }],
    });
    const session = new PbxSession({
      ami: { host: pbx.host, port: pbx.port, username: 'cb', secret: 'pw-Secret-1', tls: false },
      log: createLogger('silent'),
      label: 'test',
      demo: true,
    });
    const statuses: Record<string, unknown>[] = [];
    session.onOps((ops) => {
      for (const op of ops)
        if (op[0] === 's' && ('lastResync' in op[1] || 'warnings' in op[1] || 'phoneNotices' in op[1])) statuses.push(op[1]);
    });
    session.start();
    cleanups.push(
      () => pbx.close(),
      () => session.stop(),
    );
    await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');
    // A board that showed the refusal before the stamp would say "live" one op late, and a mirror would see two changes for one.
    // A write=call user may not read CoreShowChannels, nor the PJSIP lists (write=system, res/res_pjsip).
    expect(statuses).toEqual([
      {
        warnings: [expect.stringMatching(/^CoreShowChannels refused/)],
        // The phone lists' refusals are said on the phones and system pages, not in a banner on every page.
        phoneNotices: [
          expect.stringMatching(/^PJSIPShowContacts refused \(Permission denied\): add "system"/),
          expect.stringMatching(/^PJSIPShowEndpoints refused \(Permission denied\): add "system"/),
        ],
        lastResync: session.state.pbx.lastResync,
      },
    ]);
  });

  it('keeps going read-only when no list is allowed, with a warning for each', async () => {
    const { session } = await sessionAs(['call', 'agent'], []);
    const warnings = session.state.pbx.warnings.join('\n');
    expect(warnings).toMatch(/CoreShowChannels refused/);
    expect(warnings).toMatch(/Status refused/);
    // No parking either, and it says which permission would give it; the board is live all the same.
    expect(warnings).toMatch(/ParkedCalls refused \(Permission denied\): add "call"/);
    expect(session.state.pbx.lastResync).toBeGreaterThan(0);
    // Events still stream in.
    await waitFor(() => Object.keys(session.state.channels).length > 0, 'channels from events');
  });

  it('sends nothing but Ping in steady state', async () => {
    const { pbx, session } = await sessionAs(['all'], ['all']);
    const after = pbx.received().length;
    let ops = 0;
    session.onOps((o) => (ops += o.length));
    // Measured in what the board went through, not in milliseconds: a steady state with work to do.
    await waitFor(() => ops >= 100, 'a busy PBX changing the board');
    expect(
      pbx
        .received()
        .slice(after)
        .replace(/Action: Ping\r\nActionID: [^\r\n]*\r\n\r\n/g, ''),
    ).toBe('');
  });

  it('subscribes with the narrow event mask the state engine needs', async () => {
    const { pbx, session } = await sessionAs(['all'], ['all']);
    await waitFor(() => /^\d+\.\d+/.test(session.state.pbx.version), "Asterisk's version from CoreSettings");
    expect(pbx.received()).toMatch(/Action: Login\r\n(?:[^\r\n]+\r\n)*Events: call,agent,system,dialplan\r\n/);
    expect(pbx.received()).not.toContain('pw-Secret-1');
  });
});

describe('PbxSession staleness', () => {
  it('dates a silent link from its last byte, a quiet PBX being live while it answers Ping', async () => {
    const pbx = await startDemoPbx({ port: 0, seed: 5, traffic: { enabled: false } });
    const session = new PbxSession({
      ami: { host: pbx.host, port: pbx.port, username: pbx.users[0].username, secret: pbx.users[0].secret, tls: false },
      log: createLogger('silent'),
      label: 'test',
      demo: true,
      client: { pingIntervalMs: 100, deadAfterMs: 400, backoff: { initialMs: 50, maxMs: 100 } },
    });
    session.start();
    cleanups.push(
      () => pbx.close(),
      () => session.stop(),
    );
    await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');
    const connectedSince = session.state.pbx.linkSince;
    const resyncedAt = Date.now();
    // No events for a while, only Pongs: still live, on the same link. Counted in Pings the PBX
    // answered rather than in milliseconds, so a loaded machine can't make the wait too short.
    const pings = () => pbx.received().split('Action: Ping\r\n').length - 1;
    const before = pings();
    await waitFor(() => pings() >= before + 5, 'five Pings answered');
    expect(session.state.pbx.link).toBe('connected');
    expect(session.state.pbx.linkSince).toBe(connectedSince);
    const stalledAt = Date.now();
    pbx.faults.stall(true);
    await waitFor(() => session.state.pbx.link !== 'connected', 'silence noticed');
    const { lastLiveAt, linkSince } = session.state.pbx;
    // Dated from the last byte heard (a Pong after the resync, none sent after the stall; one already on its way
    // may still be read after it, later on a loaded machine, but never more than a ping interval later) …
    expect(lastLiveAt).toBeGreaterThan(resyncedAt);
    expect(lastLiveAt).toBeLessThanOrEqual(stalledAt + 100);
    // … not from the moment the silence was noticed, at least deadAfterMs later.
    expect(linkSince - lastLiveAt).toBeGreaterThanOrEqual(400);
    pbx.faults.stall(false);
  });
});

const resyncLogs: { events: number }[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.includes('resync done')) resyncLogs.push(JSON.parse(line));
    done();
  },
});

/**
 * A session on a busy demo PBX whose writes are slowed: every resync then
 * runs while events pile up, and a list's Complete shares its TCP chunk with
 * the events that follow it.
 */
async function busySession(timing: DemoPbxOptions['timing']) {
  const pbx = await startDemoPbx({ port: 0, seed: 11, speed: 10, timing, traffic: { callsPerMinute: 600, maxConcurrentCalls: 30 } });
  const session = new PbxSession({
    ami: { host: pbx.host, port: pbx.port, username: pbx.users[0].username, secret: pbx.users[0].secret, tls: false },
    log: createLogger('info', { stream: logSink, pretty: false }),
    label: 'test',
    demo: true,
    client: { backoff: { initialMs: 20, maxMs: 100 } },
  });
  session.start();
  cleanups.push(
    () => pbx.close(),
    () => session.stop(),
  );
  await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');
  return { pbx, session };
}

/**
 * Reconnects `times` times. Each time the PBX stalls the moment the link is
 * up, so the lists wait while traffic goes on: every event of the stall
 * reaches us before the lists' answers, as events Asterisk queued before it
 * read an action do. Slow writes then put a list's Complete and the events
 * after it in one chunk.
 */
async function resyncUnderTraffic(pbx: DemoPbx, session: PbxSession, times: number): Promise<void> {
  resyncLogs.length = 0;
  pbx.faults.slowWrites(20);
  for (let i = 0; i < times; i++) {
    const before = session.state.pbx.lastResync;
    let eventsAtStall: number | undefined;
    const off = session.onOps((ops) => {
      if (eventsAtStall === undefined && ops.some((op) => op[0] === 's' && op[1].link === 'connected')) {
        pbx.faults.stall(true);
        eventsAtStall = pbx.snapshot().events;
      }
    });
    pbx.faults.dropAll();
    // Counted in events the PBX made while stalled, so that a slow machine cannot make the pile too small.
    await waitFor(() => eventsAtStall !== undefined && pbx.snapshot().events >= eventsAtStall + 30, `link up and a stall ${i + 1}`);
    off();
    pbx.faults.stall(false);
    await waitFor(() => session.state.pbx.lastResync > before, `resync ${i + 1}`, 15_000);
  }
  pbx.faults.slowWrites(0);
  pbx.setTraffic({ enabled: false });
  const events = resyncLogs.map((l) => l.events);
  expect(Math.min(...events), `events applied during each resync: ${events}`).toBeGreaterThan(0);
}

async function quiet(session: PbxSession, ms: number): Promise<void> {
  let lastOpAt = Date.now();
  const off = session.onOps(() => (lastOpAt = Date.now()));
  await waitFor(() => Date.now() - lastOpAt > ms, 'a quiet PBX', 20_000);
  off();
}

/** What a fresh resync at a quiet moment changes: nothing, when the state was the truth. */
async function freshResyncChanges(session: PbxSession): Promise<unknown[]> {
  const changes: unknown[] = [];
  const off = session.onOps((ops) => changes.push(...ops.filter((op) => op[0] !== 's')));
  await session.resync();
  off();
  return changes;
}

describe('PbxSession truth', () => {
  it('loses no event and keeps no ghost across resyncs under traffic: at a quiet point a fresh resync finds nothing to change', async () => {
    // Long calls that every agent answers: once traffic stops, the PBX holds still with calls up.
    const { pbx, session } = await busySession({ talk: [600, 600], noAnswer: 0 });
    await resyncUnderTraffic(pbx, session, 3);
    await quiet(session, 1000);
    expect(Object.keys(session.state.channels).length).toBeGreaterThan(5);
    expect(Object.keys(session.state.channels).length).toBe(pbx.snapshot().channels);
    expect(await freshResyncChanges(session)).toEqual([]);
  }, 40_000);

  it('keeps queue counters exact: events a list already counted are not counted again', async () => {
    // Short calls: agents connect and complete all the time, callers abandon, and the PBX empties once traffic stops.
    const { pbx, session } = await busySession({ talk: [3, 8], answerAfter: [1, 3], noAnswer: 0.2 });
    await resyncUnderTraffic(pbx, session, 4);
    await waitFor(() => pbx.snapshot().channels === 0, 'every call over', 20_000);
    await quiet(session, 500);
    const queues = Object.values(session.state.queues);
    expect(queues.reduce((n, q) => n + q.completed, 0)).toBeGreaterThan(3);
    expect(Object.keys(session.state.channels)).toEqual([]);
    expect(Object.keys(session.state.callers)).toEqual([]);
    expect(await freshResyncChanges(session)).toEqual([]);
  }, 40_000);
});

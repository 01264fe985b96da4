/**
 * PbxSession against a scripted Asterisk over real TCP: a list that times
 * out, the client's warnings, the engine failing on an event, the bounds on
 * hostile volume, and the drift check's count.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isPbxLive } from '@/lib/pbx/model';
import { createLogger } from '@/server/log';
import { PbxSession, type PbxSessionOptions } from '@/server/pbx-session';
import { waitFor } from './mirror';
import { hangup, newchannel, startFakeAsterisk, type FakeAsterisk } from './pbx-fake-asterisk';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

async function setup(opts: Partial<PbxSessionOptions> = {}, script: (fake: FakeAsterisk) => void = () => {}) {
  const fake = await startFakeAsterisk();
  script(fake);
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port: fake.port, username: 'dashboard', secret: 's3cret', tls: false },
    log: createLogger('info', { stream: sink, pretty: false }),
    label: 'test',
    demo: false,
    listTimeoutMs: 300,
    listRetry: { initialMs: 100, maxMs: 200 },
    ...opts,
  });
  // A browser's copy, through the ops the session sends: it must always equal the session's state.
  const mirror = structuredClone(session.state);
  const { applyOps } = await import('@/lib/protocol');
  session.onOps((ops) => applyOps(mirror, ops));
  session.start();
  cleanups.push(
    () => fake.close(),
    () => session.stop(),
  );
  return { fake, session, logs, mirror };
}

const wire = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('a failed list', () => {
  it('keeps the data from counting as live, says so, and is retried until it succeeds', async () => {
    const { fake, session } = await setup({}, (f) => {
      f.channels.set('1.1', { uid: '1.1' });
      f.holdChannelList = (nth) => nth === 0; // the first CoreShowChannels times out
    });
    await waitFor(() => session.state.pbx.warnings.some((w) => w.startsWith('CoreShowChannels failed')), 'the failure shown');
    expect(session.state.pbx.link).toBe('connected');
    expect(isPbxLive(session.state.pbx)).toBe(false);
    expect(session.state.pbx.lastResync).toBe(0);
    expect(session.health().complete).toBe(false);
    await waitFor(() => isPbxLive(session.state.pbx), 'live after the retry', 5_000);
    expect(fake.channelLists).toBe(2);
    expect(session.state.channels['1.1']).toBeDefined();
    expect(session.state.pbx.warnings).toEqual([]);
    expect(session.health()).toMatchObject({ complete: true, warnings: { listFailures: 1 } });
  });

  it('a list longer than CALLBOARD_MAX_LIST_ITEMS is not applied (part of a list would remove the rest) and is said', async () => {
    const { session } = await setup({ limits: { maxListItems: 2 }, listRetry: { initialMs: 60_000, maxMs: 60_000 } }, (f) => {
      for (const uid of ['1.1', '1.2', '1.3']) f.channels.set(uid, { uid });
    });
    await waitFor(() => session.state.pbx.warnings.some((w) => w.includes('CALLBOARD_MAX_LIST_ITEMS')), 'the bound shown');
    expect(isPbxLive(session.state.pbx)).toBe(false);
    expect(Object.keys(session.state.channels)).toEqual([]);
    expect(session.health().warnings).toMatchObject({ listFailures: 1, listItemsDropped: 1 });
  });
});

describe("the AMI client's warnings", () => {
  it('an oversized packet is skipped, logged and counted in health', async () => {
    const { fake, session, logs } = await setup({ client: { maxPacketBytes: 4096 } });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    await fake.write(newchannel({ uid: '2.1', callerName: 'x'.repeat(10_000) }) + newchannel({ uid: '2.2' }));
    await waitFor(() => session.state.channels['2.2'] !== undefined, 'the next event');
    expect(session.state.channels['2.1']).toBeUndefined();
    expect(session.health().warnings.oversizedPackets).toBe(1);
    expect(logs.some((l) => l.level === 40 && /skipped an AMI packet of \d+ bytes/.test(l.msg))).toBe(true);
  });

  it('the log stays bounded when a PBX floods oversized packets', async () => {
    const { fake, session, logs } = await setup({ client: { maxPacketBytes: 256 } });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    await fake.write(Array.from({ length: 200 }, (_, i) => newchannel({ uid: `3.${i}` })).join(''));
    await waitFor(() => session.health().warnings.oversizedPackets === 200, 'all counted');
    expect(logs.filter((l) => l.kind === 'oversized-packet').length).toBeLessThanOrEqual(10);
  });
});

describe('an event the state engine fails on', () => {
  it('is logged with the event, counted, its partial ops still go out, and a drift check repairs the board', async () => {
    let fail = true;
    const { fake, session, logs, mirror } = await setup({
      // A trunk predicate that throws once: the engine fails after it stored the channel, before the call row.
      isTrunk: (name) => {
        if (fail && name.includes('boom')) {
          fail = false;
          throw new Error('predicate bug');
        }
        return false;
      },
      driftCheckMs: 0,
    });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    fake.channels.set('5.1', { uid: '5.1', name: 'PJSIP/boom-1' });
    await fake.write(newchannel({ uid: '5.1', name: 'PJSIP/boom-1' }));
    await waitFor(() => session.health().warnings.reducerErrors === 1, 'the error counted');
    const line = logs.find((l) => l.kind === 'reducer-error')!;
    expect(line.level).toBe(50);
    expect(line.event).toMatchObject({ Event: 'Newchannel', Uniqueid: '5.1' });
    // What the engine applied before it threw went out: the copy is equal.
    expect(wire(mirror)).toEqual(wire(session.state));
    expect(session.state.calls['5.1']).toBeUndefined();
    await waitFor(() => session.health().drift.lastReason === 'reducer-error', 'the drift check after the error', 5_000);
    expect(session.state.calls['5.1']).toBeDefined();
    expect(session.health().drift.lastDifferences).toBeGreaterThan(0);
    expect(session.health().drift.lastByKind.calls).toMatchObject({ added: 1 });
    expect(wire(mirror)).toEqual(wire(session.state));
  });
});

describe('bounds on hostile volume', () => {
  it('channels past CALLBOARD_MAX_CHANNELS are not stored, and the board says it is incomplete', async () => {
    const { fake, session, mirror } = await setup({ limits: { maxChannels: 5 } });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    await fake.write(Array.from({ length: 12 }, (_, i) => newchannel({ uid: `6.${i}` })).join(''));
    await waitFor(() => session.health().warnings.entitiesDropped.channels === 7, 'seven dropped');
    expect(Object.keys(session.state.channels)).toHaveLength(5);
    expect(Object.keys(session.state.calls)).toHaveLength(5);
    expect(session.state.pbx.warnings.join('\n')).toMatch(
      /Board incomplete: Asterisk has more channels than the 5 Callboard keeps \(CALLBOARD_MAX_CHANNELS\)/,
    );
    expect(session.health().complete).toBe(false);
    expect(wire(mirror)).toEqual(wire(session.state));
    // They hang up; once a resync finds everything within the bound, the warning goes.
    await fake.write(Array.from({ length: 12 }, (_, i) => hangup({ uid: `6.${i}` })).join(''));
    await waitFor(() => Object.keys(session.state.channels).length === 0, 'all gone');
    await session.resync();
    expect(session.state.pbx.warnings).toEqual([]);
    expect(session.health().complete).toBe(true);
  });

  it('a 900 KB caller name is cut to CALLBOARD_MAX_FIELD_LENGTH, and that is said', async () => {
    const { fake, session } = await setup({ limits: { maxFieldLength: 256 } });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    await fake.write(newchannel({ uid: '7.1', callerName: 'n'.repeat(900 * 1024) }));
    await waitFor(() => session.state.channels['7.1'] !== undefined, 'the channel');
    expect(session.state.channels['7.1'].callerName).toHaveLength(256);
    expect(session.state.channels['7.1'].callerName.endsWith('…')).toBe(true);
    expect(session.state.calls['7.1'].from.name).toHaveLength(256);
    expect(JSON.stringify(session.state).length).toBeLessThan(10_000);
    expect(session.health().warnings.fieldsCut).toBeGreaterThan(0);
    expect(session.state.pbx.warnings.join('\n')).toMatch(/longer than 256 characters \(CALLBOARD_MAX_FIELD_LENGTH\)/);
  });
});

describe('the drift check', () => {
  it('counts what differed from the lists, per kind, logs each difference, and shows the count', async () => {
    const { fake, session, logs, mirror } = await setup({ driftCheckMs: 400 });
    fake.channels.set('8.1', { uid: '8.1' });
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    // A Hangup Asterisk never sent, and a channel it never announced.
    fake.channels.delete('8.1');
    fake.channels.set('8.2', { uid: '8.2' });
    await waitFor(() => session.health().drift.checks >= 1, 'a check on the interval', 5_000);
    const drift = session.health().drift;
    expect(drift).toMatchObject({
      lastReason: 'interval',
      lastDifferences: 4,
      lastByKind: { channels: { added: 1, removed: 1, changed: 0 }, calls: { added: 1, removed: 1, changed: 0 } },
    });
    expect(session.state.pbx).toMatchObject({ driftDifferences: 4 });
    expect(session.state.pbx.driftCheckedAt).toBeGreaterThan(0);
    const lines = logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('drift: '));
    expect(lines.map((l) => `${l.kind} ${l.id} ${l.change}`).sort()).toEqual([
      'calls 8.1 removed',
      'calls 8.2 added',
      'channels 8.1 removed',
      'channels 8.2 added',
    ]);
    // In sync again: the next check finds nothing.
    await waitFor(() => session.health().drift.checks >= 2, 'the next check', 5_000);
    expect(session.health().drift.lastDifferences).toBe(0);
    expect(session.state.pbx.driftDifferences).toBe(0);
    expect(wire(mirror)).toEqual(wire(session.state));
  });

  it('a resync after a connect is not drift', async () => {
    const { session } = await setup({}, (f) => f.channels.set('9.1', { uid: '9.1' }));
    await waitFor(() => isPbxLive(session.state.pbx), 'live');
    expect(session.state.channels['9.1']).toBeDefined();
    expect(session.health().drift.checks).toBe(0);
  });
});

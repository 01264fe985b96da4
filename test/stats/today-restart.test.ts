/**
 * Today's figures in the running server, on the demo PBX's busy traffic:
 * they come back the same after a restart of Callboard (read from its own
 * history, not from Asterisk), and a restart of Asterisk, which zeroes its
 * queue counters, leaves them standing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallboard, type Callboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import { HistoryStore } from '@/server/history/store';
import { recordsOfDay, spansOfDay } from '@/server/stats/day-source';
import { dayAt } from '@/lib/stats/day';
import { DayTally } from '@/lib/stats/tally';
import type { PbxState } from '@/lib/pbx/model';
import { waitFor } from '../support/wait-for';
import { TestAmi } from '../demo-pbx/ami-test-client';

type DemoPbx = Awaited<ReturnType<typeof startDemoPbx>>;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One manager account for every PBX started here, so a restarted one takes the same login. */
const USERS = [{ username: 'callboard', secret: 'today-restart-test', read: ['all'], write: ['all'] }];
const demo = (port = 0, seed = 7) =>
  startDemoPbx({ port, seed, speed: 20, users: USERS, traffic: { callsPerMinute: 600, maxConcurrentCalls: 24 } });

async function callboard(dataDir: string, pbx: DemoPbx): Promise<Callboard> {
  const config = loadConfig({ CALLBOARD_DATA: dataDir, CALLBOARD_BATCH_MS: '20', CALLBOARD_TIME_ZONE: 'UTC' });
  const account = pbx.users[0];
  const app = await createCallboard(config, {
    log: createLogger(process.env.TEST_LOG ?? 'silent'),
    ami: { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false },
    demo: true,
    amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

const sum = (state: PbxState, f: 'answered' | 'offered') => Object.values(state.queueDays).reduce((n, q) => n + q[f], 0);

describe("today's figures across restarts", () => {
  it("after a restart of Callboard, the board's figures are exactly a fresh count of its history", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-today-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pbx = await demo();
    let pbxOpen = true;
    cleanups.push(() => (pbxOpen ? pbx.close() : undefined));
    const first = await callboard(dataDir, pbx);
    await waitFor(() => sum(first.session.state, 'answered') >= 3, 'three answered queue calls counted', 40_000);
    const before = sum(first.session.state, 'answered');
    await first.close();
    // No PBX for the second start: nothing can add to the day, so what it shows came from the database alone.
    await pbx.close();
    pbxOpen = false;

    const store = await HistoryStore.open({ dataDir });
    const day = dayAt(Date.now(), { timeZone: 'UTC', startMinutes: 0 });
    const expected = new DayTally(day);
    try {
      for await (const page of recordsOfDay(store, 'demo', day)) for (const r of page) expected.addRecord(r);
      for (const s of await spansOfDay(store, 'demo', day))
        if (s.kind === 'pause') expected.addPause(s.queue, s.interface, s.reason, s.startedAt, s.endedAt);
        else expected.addLogin(s.queue, s.interface, s.startedAt, s.endedAt);
    } finally {
      await store.close();
    }

    const second = await callboard(dataDir, await demo(0, 99).then((p) => (cleanups.push(() => p.close()), p)));
    cleanups.push(() => second.close());
    const state = second.session.state;
    await waitFor(() => Object.keys(state.queueDays).length >= expected.queues.size, "the day's figures read back", 20_000);
    for (const [id, q] of expected.queues) expect(state.queueDays[id]).toMatchObject({ ...q, callbacksOwed: expect.any(Number) });
    for (const [id, m] of expected.members) expect([id, state.memberDays[id]?.handled]).toEqual([id, m.handled]);
    expect(sum(state, 'answered')).toBeGreaterThanOrEqual(before);
  }, 90_000);

  it("a restart of Asterisk zeroes its queue counters, and today's figures stay", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-today-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pbx = await demo();
    const app = await callboard(dataDir, pbx);
    cleanups.push(() => app.close());
    const state = app.session.state;
    const completed = () => Object.values(state.queues).reduce((n, q) => n + q.completed, 0);
    await waitFor(() => sum(state, 'answered') >= 3 && completed() >= 3, 'answered calls on both counts', 40_000);
    const ours = sum(state, 'answered');
    const theirs = completed();
    const port = pbx.port;
    const resyncs = state.pbx.lastResync;
    await pbx.close();
    const restarted = await demo(port, 8);
    cleanups.push(() => restarted.close());
    await waitFor(() => state.pbx.link === 'connected' && state.pbx.lastResync > resyncs, 'the resync after the restart', 20_000);
    expect(completed()).toBeLessThan(theirs);
    expect(sum(state, 'answered')).toBeGreaterThanOrEqual(ours);
  }, 90_000);

  it("an Asterisk Reload (app_queue keeps its counters on a reload in 22) leaves today's figures exact too", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-today-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pbx = await demo();
    cleanups.push(() => pbx.close());
    const app = await callboard(dataDir, pbx);
    cleanups.push(() => app.close());
    const state = app.session.state;
    await waitFor(() => sum(state, 'answered') >= 2, 'answered calls counted', 40_000);
    const ours = sum(state, 'answered');
    const resyncs = state.pbx.lastResync;
    const ami = await TestAmi.login(pbx.port, USERS[0].username, USERS[0].secret);
    cleanups.push(() => ami.close());
    expect((await ami.send({ Action: 'Reload' })).fields.Response).toBe('Success');
    // The board reads the lists again after a Reload; today's figures are not among what they can change.
    await waitFor(() => state.pbx.lastResync > resyncs, 'the resync after the Reload', 20_000);
    expect(sum(state, 'answered')).toBeGreaterThanOrEqual(ours);
  }, 90_000);
});

/**
 * Prototype-named ids end to end: a whole Callboard (HTTP, socket.io) on a
 * scripted Asterisk over real TCP whose channels are called `constructor`,
 * `__proto__`… (`Originate … ChannelId: constructor` makes exactly that).
 * Health stays live, a forced resync answers 200, nothing is left behind,
 * and a browser-like mirror equals the server throughout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';
import { json, login, MirrorClient, stateAtSameSeq, waitFor } from './harness';
import { hangup, newchannel, startFakeAsterisk } from './pbx-fake-asterisk';

const IDS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('prototype-named ids on a whole Callboard', () => {
  it('leave /api/health live, /api/resync OK, no ghost, and every client equal to the server', async () => {
    const fake = await startFakeAsterisk();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-proto-'));
    const app = await createCallboard(loadConfig({ CALLBOARD_DATA: dataDir, CALLBOARD_BATCH_MS: '20' }), {
      log: createLogger('silent'),
      ami: { host: '127.0.0.1', port: fake.port, username: 'dashboard', secret: 's3cret', tls: false },
      demo: true,
    });
    cleanups.push(
      () => fs.rmSync(dataDir, { recursive: true, force: true }),
      () => fake.close(),
      () => app.close(),
    );
    const url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
    await waitFor(() => app.session.state.pbx.lastResync > 0, 'first resync');
    const admin = await login(url, 'admin', 'admin');
    const mirror = new MirrorClient(url, { cookie: admin });
    cleanups.push(() => mirror.close());
    await mirror.connected();
    await waitFor(() => mirror.state !== null, 'snapshot');

    // Two legs per conversation: `constructor` calls `constructor.2`, and so on.
    for (const id of IDS) {
      fake.channels.set(id, { uid: id });
      fake.channels.set(`${id}.2`, { uid: `${id}.2`, linkedid: id });
    }
    await fake.write(IDS.map((id) => newchannel({ uid: id }) + newchannel({ uid: `${id}.2`, linkedid: id })).join(''));
    await waitFor(() => Object.keys(app.session.state.channels).length === 10, 'ten channels');
    expect(Object.keys(app.session.state.calls).sort()).toEqual([...IDS].sort());
    for (const id of IDS) expect(app.session.state.calls[id].channels).toEqual([id, `${id}.2`]);

    const health = await json(await fetch(`${url}/api/health`));
    expect(health).toMatchObject({ live: true, complete: true, warnings: { reducerErrors: 0, listenerErrors: 0 } });
    let { server, client } = await stateAtSameSeq(app, mirror);
    expect(client).toEqual(server);

    const post = () =>
      fetch(`${url}/api/resync`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: '{}' });
    const res = await post();
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true });
    // The lists say what the events said.
    expect(app.session.health().drift).toMatchObject({ lastReason: 'manual', lastDifferences: 0 });

    await fake.write(IDS.map((id) => hangup({ uid: `${id}.2`, linkedid: id }) + hangup({ uid: id })).join(''));
    fake.channels.clear();
    await waitFor(() => Object.keys(app.session.state.channels).length === 0, 'all hung up');
    expect((await post()).status).toBe(200);
    for (const kind of ['channels', 'calls', 'bridges'] as const) expect(Object.keys(app.session.state[kind])).toEqual([]);
    expect(app.session.health().drift.lastDifferences).toBe(0);
    ({ server, client } = await stateAtSameSeq(app, mirror));
    expect(client).toEqual(server);
    expect(await json(await fetch(`${url}/api/health`))).toMatchObject({ live: true, warnings: { reducerErrors: 0, listenerErrors: 0 } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_KINDS, ROLE_ACTIONS } from '@/lib/grants';
import { UserStore } from '@/server/auth/user-store';
import { json, login, MirrorClient, startStack, waitFor, type Stack, socketAnswer } from './harness';

let demo: Stack;
let real: Stack;
let firstAdmin: { user: string; password: string } | null = null;
beforeAll(async () => {
  [demo, real] = await Promise.all([
    startStack({ app: { loginLimits: { freeFailures: 2, addressFreeFailures: 100 } } }),
    startStack({ demo: false, app: { onFirstAdmin: (a) => (firstAdmin = a), recheckMs: 100 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([demo?.close(), real?.close()]);
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('login endpoints', () => {
  it('logs in with a signed HttpOnly SameSite=Strict cookie, and /api/me knows who it is', async () => {
    const res = await post(`${demo.url}/api/login`, { username: 'supervisor', password: 'supervisor' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ user: 'supervisor', role: 'supervisor' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cb_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    const cookie = setCookie.split(';')[0];
    expect(await json(await fetch(`${demo.url}/api/me`, { headers: { cookie } }))).toEqual({
      user: 'supervisor',
      role: 'supervisor',
      demo: true,
      actions: [...ROLE_ACTIONS.supervisor],
      queues: null,
      // The demo supervisor's own phone, which listen and pick-up ring.
      extension: '116',
    });
    expect((await fetch(`${demo.url}/api/me`, { headers: { cookie: `${cookie}x` } })).status).toBe(401);
    const out = await post(`${demo.url}/api/logout`, {}, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^cb_session=; .*Max-Age=0/);
  });

  it('answers wrong passwords, malformed and oversized bodies with clear JSON errors', async () => {
    const wrong = await post(`${demo.url}/api/login`, { username: 'viewer', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toEqual({ error: 'Wrong username or password', code: 'unauthenticated' });
    const bad = await post(`${demo.url}/api/login`, '{"username": ');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/JSON/);
    expect((await post(`${demo.url}/api/login`, { username: 'viewer' })).status).toBe(400);
    const big = await post(`${demo.url}/api/login`, { username: 'viewer', password: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect((await json(big)).error).toMatch(/larger than/);
    const unknown = await fetch(`${demo.url}/api/nothing`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatch(/No such API endpoint/);
  });

  it('throttles repeated failures of one user name from one address with 429 and a retry time', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(`${demo.url}/api/login`, { username: 'admin', password: `guess${i}` })).status).toBe(401);
    const limited = await post(`${demo.url}/api/login`, { username: 'admin', password: 'admin' });
    expect(limited.status).toBe(429);
    expect((await json(limited)).error).toMatch(/^Too many login attempts\. Try again in \d+ s\.$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other users are not locked out.
    expect((await post(`${demo.url}/api/login`, { username: 'viewer', password: 'viewer' })).status).toBe(200);
  });

  it('shows demo accounts only in demo mode; outside it they do not exist and a first admin is created', async () => {
    expect(await json(await fetch(`${demo.url}/api/login-info`))).toEqual({
      demo: true,
      insecure: false,
      accounts: [
        { username: 'admin', password: 'admin', role: 'admin' },
        { username: 'supervisor', password: 'supervisor', role: 'supervisor' },
        { username: 'viewer', password: 'viewer', role: 'viewer' },
      ],
    });
    expect(await json(await fetch(`${real.url}/api/login-info`))).toEqual({ demo: false, insecure: false });
    expect((await post(`${real.url}/api/login`, { username: 'viewer', password: 'viewer' })).status).toBe(401);
    expect(firstAdmin?.user).toBe('admin');
    const cookie = await login(real.url, 'admin', firstAdmin!.password);
    expect(await json(await fetch(`${real.url}/api/me`, { headers: { cookie } }))).toEqual({
      user: 'admin',
      role: 'admin',
      demo: false,
      actions: [...ACTION_KINDS],
      queues: null,
      extension: '',
    });
  });
});

describe('health, snapshot and tokens', () => {
  it('serves health publicly with nothing sensitive: live, or stale since when', async () => {
    const body = await json(await fetch(`${demo.url}/api/health`));
    expect(body).toEqual({
      ok: true,
      link: 'connected',
      since: expect.any(Number),
      live: true,
      lastResync: expect.any(Number),
      complete: true,
      warnings: expect.objectContaining({ oversizedPackets: 0, reducerErrors: 0, listFailures: 0, entitiesDropped: {} }),
      drift: expect.objectContaining({ checks: expect.any(Number), lastDifferences: 0 }),
      // Optional lists this PBX does not know (the demo PBX is learning the phone lists): action names, nothing of the PBX's.
      absentLists: expect.any(Array),
      allLive: true,
      pbxs: [expect.objectContaining({ id: 'demo', link: 'connected', live: true, complete: true })],
      alerts: { active: 0, dropped: 0, sinkErrors: 0 },
      webhooks: { queued: 0, inFlight: 0, sent: 0, retried: 0, failed: 0, dropped: 0 },
    });
    expect(JSON.stringify(body)).not.toContain('Demo PBX'); // labels may be host names: not public
    // Held down: a stalled PBX never greets the reconnecting client.
    const before = demo.app.session.state.pbx.lastResync;
    demo.pbx.faults.stall(true);
    demo.pbx.faults.dropAll();
    try {
      await waitFor(() => demo.app.session.state.pbx.link !== 'connected', 'link down');
      const down = await json(await fetch(`${demo.url}/api/health`));
      expect(down).toMatchObject({ ok: true, live: false, staleSince: demo.app.session.state.pbx.lastLiveAt, lastResync: before });
      expect(down.staleSince).toBeGreaterThan(0);
    } finally {
      demo.pbx.faults.stall(false);
    }
    await waitFor(() => demo.app.session.state.pbx.lastResync > before, 'link back and resynced');
    expect(await json(await fetch(`${demo.url}/api/health`))).toMatchObject({ link: 'connected', live: true });
  });

  it('serves the snapshot to a session or a Bearer token, not to strangers or revoked tokens', async () => {
    expect((await fetch(`${demo.url}/api/snapshot`)).status).toBe(401);
    const { id, token } = demo.app.auth.store.createToken('api', 'viewer');
    const res = await fetch(`${demo.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const snap = await json(res);
    expect(snap).toMatchObject({ seq: expect.any(Number), serverTime: expect.any(Number) });
    expect(Object.keys((snap.state as { queues: object }).queues).length).toBeGreaterThan(0);
    demo.app.auth.store.revokeToken(id);
    expect((await fetch(`${demo.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});

describe('page gate', () => {
  it('sends strangers to /login, wallboards without access to the page that says why, and lets sessions and wallboard cookies through', async () => {
    const noFollow = { redirect: 'manual' } as const;
    const home = await fetch(`${demo.url}/`, noFollow);
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/login');
    // Any other page comes back after the login, with its query.
    const phones = await fetch(`${demo.url}/phones?pbx=demo`, noFollow);
    expect([phones.status, phones.headers.get('location')]).toEqual([302, '/login?next=%2Fphones%3Fpbx%3Ddemo']);
    const bare = await fetch(`${demo.url}/wallboard`, noFollow);
    expect([bare.status, bare.headers.get('location')]).toEqual([303, '/wallboard/unavailable?reason=missing']);
    const wrong = await fetch(`${demo.url}/wallboard?token=cbt_nope.nope`, noFollow);
    expect([wrong.status, wrong.headers.get('location')]).toEqual([303, '/wallboard/unavailable?reason=invalid']);
    // Open paths reach Next (absent in tests: 404).
    for (const open of ['/login', '/wallboard/unavailable', '/_next/static/x.js', '/favicon.ico'])
      expect((await fetch(`${demo.url}${open}`, noFollow)).status).toBe(404);
    const cookie = await login(demo.url, 'viewer', 'viewer');
    expect((await fetch(`${demo.url}/`, { ...noFollow, headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${demo.url}/wallboard`, { ...noFollow, headers: { cookie } })).status).toBe(404);
    const { token } = demo.app.auth.store.createToken('tv', 'wallboard');
    const exchanged = await fetch(`${demo.url}/wallboard?token=${token}`, noFollow);
    expect(exchanged.status).toBe(303);
    const wall = exchanged.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${demo.url}/wallboard`, { ...noFollow, headers: { cookie: wall } })).status).toBe(404);
    expect((await fetch(`${demo.url}/?token=${token}`, noFollow)).status).toBe(302);
    expect((await fetch(`${demo.url}/`, { ...noFollow, headers: { cookie: wall } })).status).toBe(302);
  });
});

describe('socket admission', () => {
  it('refuses sockets without credentials or from a foreign origin', async () => {
    expect(await socketAnswer(demo.url, {})).toBe('unauthorized');
    expect(await socketAnswer(demo.url, { token: 'cbt_0000000000.forged' })).toBe('unauthorized');
    const cookie = await login(demo.url, 'viewer', 'viewer');
    expect(await socketAnswer(demo.url, { cookie, origin: 'https://evil.example' })).toBe('forbidden origin');
    expect(await socketAnswer(demo.url, { cookie, origin: demo.url })).toBe('connected');
    const { token } = demo.app.auth.store.createToken('wall', 'wallboard');
    expect(await socketAnswer(demo.url, { token })).toBe('connected');
  });

  it('closes open sockets whose token is revoked or whose user is deleted', async () => {
    const { id, token } = real.app.auth.store.createToken('tv', 'wallboard');
    await real.app.auth.store.addUser('temp', 'viewer', 'temporary-pass');
    const wall = new MirrorClient(real.url, { token });
    const user = new MirrorClient(real.url, { cookie: await login(real.url, 'temp', 'temporary-pass') });
    await Promise.all([wall.connected(), user.connected()]);
    const closed = (c: MirrorClient) => new Promise<string>((resolve) => c.socket.on('disconnect', (reason) => resolve(reason)));
    const wallClosed = closed(wall);
    real.app.auth.store.revokeToken(id);
    expect(await wallClosed).toBe('io server disconnect');
    expect(user.socket.connected).toBe(true);
    const userClosed = closed(user);
    real.app.auth.store.deleteUser('temp');
    expect(await userClosed).toBe('io server disconnect');
  });

  it("refuses an action once the user's session is no longer valid, and audits it", async () => {
    await demo.app.auth.store.addUser('sam', 'supervisor', 'sam-the-supervisor');
    const c = new MirrorClient(demo.url, { cookie: await login(demo.url, 'sam', 'sam-the-supervisor') });
    await c.connected();
    // As the CLI would, from another process: a change this process writes closes the socket at once instead.
    await new UserStore(demo.dataDir).setPassword('sam', 'a-new-password');
    const result = await c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx: 'demo', channel: 'PJSIP/101-00000001' });
    expect(result).toEqual({ ok: false, code: 'unauthenticated', message: 'Your session has ended; log in again' });
    const entries = (await demo.app.audit.tail(5)).filter((e) => e.who === 'sam');
    expect(entries.at(-1)).toMatchObject({ result: 'unauthenticated', action: 'hangup' });
    c.close();
  });

  it('refuses cross-origin POSTs', async () => {
    const cookie = await login(demo.url, 'supervisor', 'supervisor');
    const res = await post(`${demo.url}/api/originate`, { from: '101', to: '102' }, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('audits REST actions refused before they reach the runner: no login, foreign origin, unreadable body', async () => {
    const cookie = await login(demo.url, 'supervisor', 'supervisor');
    expect((await post(`${demo.url}/api/calls/1795664596.106/hangup`, {})).status).toBe(401);
    expect((await post(`${demo.url}/api/channels/PJSIP%2F101-0001/hangup`, {}, { cookie, origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await post(`${demo.url}/api/originate`, '{"from": "101",', { cookie })).status).toBe(400);
    const entries = (await demo.app.audit.tail(3)).map(({ who, action, params, result, address }) => ({
      who,
      action,
      params,
      result,
      address,
    }));
    expect(entries).toEqual([
      {
        who: '(not logged in)',
        action: 'hangup',
        params: { type: 'hangup', pbx: 'demo', call: '1795664596.106' },
        result: 'unauthenticated',
        address: expect.any(String),
      },
      {
        who: 'supervisor',
        action: 'hangup',
        params: { type: 'hangup', pbx: 'demo', channel: 'PJSIP/101-0001' },
        result: 'forbidden',
        address: expect.any(String),
      },
      {
        who: 'supervisor',
        action: 'originate',
        params: { type: 'originate', pbx: 'demo' },
        result: 'invalid',
        address: expect.any(String),
      },
    ]);
  });

  it('ends the session on logout: the cookie stops working, and its open socket is closed', async () => {
    const cookie = await login(real.url, 'admin', firstAdmin!.password);
    const c = new MirrorClient(real.url, { cookie });
    await c.connected();
    const closed = new Promise<string>((resolve) => c.socket.on('disconnect', (reason) => resolve(reason)));
    const out = await fetch(`${real.url}/api/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^cb_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/);
    expect((await fetch(`${real.url}/api/me`, { headers: { cookie } })).status).toBe(401);
    expect(await closed).toBe('io server disconnect');
    expect(await socketAnswer(real.url, { cookie })).toBe('unauthorized');
  });
});

describe('on-demand resync', () => {
  it('runs the lists for an admin, refuses anyone else, and audits both', async () => {
    const viewer = await login(demo.url, 'viewer', 'viewer');
    expect((await post(`${demo.url}/api/resync`, {}, { cookie: viewer })).status).toBe(403);
    expect((await demo.app.audit.tail(1)).map(({ who, action, result }) => ({ who, action, result }))).toEqual([
      { who: 'viewer', action: 'resync', result: 'forbidden' },
    ]);

    const admin = await login(real.url, 'admin', firstAdmin!.password);
    const before = real.app.session.state.pbx.lastResync;
    await waitFor(() => Date.now() > before, 'the clock to move on');
    const res = await post(`${real.url}/api/resync`, {}, { cookie: admin });
    const body = (await json(res)) as { ok?: boolean; lastResync?: number; error?: string };
    expect(res.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.lastResync).toBeGreaterThan(before);
    expect((await real.app.audit.tail(1)).map(({ who, action, result }) => ({ who, action, result }))).toEqual([
      { who: 'admin', action: 'resync', result: 'ok' },
    ]);
  });
});

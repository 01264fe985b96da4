import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, ActionResult } from '@/lib/protocol';
import type { AuditEntry } from '@/server/actions/audit';
import { clientPool, json, login, MirrorClient, startStack, waitFor, type Stack } from './harness';

let stack: Stack;
let supervisor: MirrorClient;
let supervisorCookie: string;
let adminCookie: string;

/** How far the server's clock is ahead of the wall clock: time passes for the server without the test sleeping. */
let clockAhead = 0;
beforeAll(async () => {
  stack = await startStack({ app: { actionRateLimit: { limit: 1000, windowMs: 60_000 }, now: () => Date.now() + clockAhead } });
  supervisorCookie = await login(stack.url, 'supervisor', 'supervisor');
  adminCookie = await login(stack.url, 'admin', 'admin');
  supervisor = client({ cookie: supervisorCookie });
  await supervisor.connected();
});
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
});

const pool = clientPool(() => stack.url);
const client = pool.open;

function act(c: MirrorClient, request: unknown): Promise<ActionResult> {
  return c.socket.timeout(20_000).emitWithAck('action', request as ActionRequest);
}

async function audit(): Promise<AuditEntry[]> {
  const body = await json(await fetch(`${stack.url}/api/audit?limit=1000`, { headers: { cookie: adminCookie } }));
  return body.entries as AuditEntry[];
}

/** A channel that has been up for a moment (not about to vanish by itself). */
async function someChannel(): Promise<{ id: string; name: string }> {
  await waitFor(() => Object.values(stack.app.session.state.channels).some((c) => c.state === 6), 'an answered channel', 20_000);
  const ch = Object.values(stack.app.session.state.channels).find((c) => c.state === 6)!;
  return { id: ch.id, name: ch.name };
}

describe('actions', () => {
  it("refuses a viewer's and a wallboard's hangup, and audits both", async () => {
    const viewer = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    const { token } = stack.app.auth.store.createToken('lobby', 'wallboard');
    const wall = client({ token });
    await Promise.all([viewer.connected(), wall.connected()]);
    const ch = await someChannel();
    const sentBefore = stack.pbx.received().length;
    expect(await act(viewer, { type: 'hangup', pbx: 'demo', channel: ch.id })).toEqual({
      ok: false,
      code: 'forbidden',
      message: 'Role viewer may not hangup',
    });
    expect(await act(wall, { type: 'hangup', pbx: 'demo', channel: ch.id })).toMatchObject({ ok: false, code: 'forbidden' });
    const rest = await fetch(`${stack.url}/api/channels/${encodeURIComponent(ch.id)}/hangup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rest.status).toBe(403);
    expect(stack.pbx.received().slice(sentBefore)).not.toMatch(/Action: Hangup/);
    const entries = await audit();
    expect(entries).toContainEqual(
      expect.objectContaining({
        who: 'viewer',
        role: 'viewer',
        action: 'hangup',
        result: 'forbidden',
        params: { type: 'hangup', pbx: 'demo', channel: ch.id },
      }),
    );
    expect(entries.filter((e) => e.who === 'token:lobby' && e.result === 'forbidden')).toHaveLength(2);
    for (const e of entries)
      expect(e).toMatchObject({ time: expect.any(String), address: expect.any(String), message: expect.any(String) });
  });

  it("hangs up a channel for a supervisor with Asterisk's answer, and the channel leaves the state", async () => {
    const ch = await someChannel();
    const result = await act(supervisor, { type: 'hangup', pbx: 'demo', channel: ch.id });
    expect(result).toEqual({ ok: true, message: 'Channel Hungup' });
    expect(stack.pbx.received()).toContain(`Action: Hangup\r\nChannel: ${ch.name}\r\n`);
    await waitFor(() => !stack.app.session.state.channels[ch.id], 'channel gone');
    expect((await audit()).at(-1)).toMatchObject({ who: 'supervisor', action: 'hangup', result: 'ok', message: 'Channel Hungup' });
  });

  it('hangs up a whole call over REST', async () => {
    await waitFor(() => Object.values(stack.app.session.state.calls).some((c) => c.state === 'talking'), 'a call in progress', 20_000);
    const call = Object.values(stack.app.session.state.calls).find((c) => c.state === 'talking')!;
    const res = await fetch(`${stack.url}/api/calls/${encodeURIComponent(call.id)}/hangup`, {
      method: 'POST',
      headers: { cookie: supervisorCookie },
    });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ ok: true, message: expect.stringMatching(/^Channel Hungup( \(\d+ channels\))?$/) });
    await waitFor(() => !stack.app.session.state.calls[call.id], 'call gone');
  });

  it('refuses unknown channels and calls without asking Asterisk', async () => {
    const sentBefore = stack.pbx.received().length;
    expect(await act(supervisor, { type: 'hangup', pbx: 'demo', channel: '1.2' })).toMatchObject({ ok: false, code: 'invalid' });
    const res = await fetch(`${stack.url}/api/calls/nope/hangup`, { method: 'POST', headers: { cookie: supervisorCookie } });
    expect(res.status).toBe(400);
    // Names of Object.prototype's members are not channels or calls of the state.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(await act(supervisor, { type: 'hangup', pbx: 'demo', channel: name })).toMatchObject({ ok: false, code: 'invalid' });
      expect(await act(supervisor, { type: 'hangup', pbx: 'demo', call: name })).toMatchObject({ ok: false, code: 'invalid' });
    }
    expect(stack.pbx.received().slice(sentBefore)).not.toMatch(/Hangup/);
  });

  it('writes a flood of refusals as a bounded number of entries, counting the rest', async () => {
    const viewer = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await viewer.connected();
    const mine = async () => (await audit()).filter((e) => e.who === 'viewer');
    const before = (await mine()).length;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => act(viewer, { type: 'hangup', pbx: 'demo', channel: 'PJSIP/101-00000001' })),
    );
    expect(results.every((r) => !r.ok && r.code === 'forbidden')).toBe(true);
    const written = (await mine()).length - before;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(20);
    // The audit writes a refusal again once its bucket refilled, one per second of the server's clock.
    clockAhead += 1_100;
    await act(viewer, { type: 'hangup', pbx: 'demo', channel: 'PJSIP/101-00000001' });
    expect((await mine()).at(-1)).toMatchObject({ result: 'forbidden', unwritten: 100 - written });
  });

  it('audits an action sent without an acknowledgement, and does not run it', async () => {
    const ch = await someChannel();
    const sentBefore = stack.pbx.received().length;
    supervisor.socket.emit('action', { type: 'hangup', pbx: 'demo', channel: ch.id } as ActionRequest, undefined as never);
    await expect
      .poll(async () => (await audit()).at(-1))
      .toMatchObject({ who: 'supervisor', result: 'invalid', params: { channel: ch.id } });
    expect(stack.pbx.received().slice(sentBefore)).not.toMatch(/Hangup/);
  });

  it("originates, acknowledging only when Asterisk's OriginateResponse arrives", async () => {
    const ok = await act(supervisor, { type: 'originate', pbx: 'demo', from: '101', to: '102', callerId: 'Front Desk <101>' });
    expect(ok, JSON.stringify(ok)).toMatchObject({ ok: true });
    const sent = stack.pbx.received();
    expect(sent).toMatch(
      /Action: Originate\r\nChannel: PJSIP\/101\r\nContext: internal\r\nExten: 102\r\nPriority: 1\r\nCallerID: Front Desk <101>\r\n/,
    );
    expect(sent).toMatch(/Async: true/);
    // An endpoint that does not exist: Asterisk queues it, then reports the failure.
    const failed = await act(supervisor, { type: 'originate', pbx: 'demo', from: '999', to: '102' });
    expect(failed).toMatchObject({ ok: false, code: 'ami' });
    expect((failed as { message: string }).message.length).toBeGreaterThan(0);
  }, 30_000);

  it('originates over REST with JSON errors for bad input', async () => {
    const bad = await fetch(`${stack.url}/api/originate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: supervisorCookie },
      body: JSON.stringify({ from: '101', to: '102\r\nAction: Command' }),
    });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({ error: 'To: A number is 1 to 32 digits, *, # or +', code: 'invalid' });
  });

  it('rate-limits actions per user', async () => {
    const limited = await startStack({ app: { actionRateLimit: { limit: 3, windowMs: 60_000 } } });
    try {
      const c = new MirrorClient(limited.url, { cookie: await login(limited.url, 'supervisor', 'supervisor') });
      await c.connected();
      const results: ActionResult[] = [];
      for (let i = 0; i < 4; i++)
        results.push(await c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx: 'demo', channel: `PJSIP/none-${i}` }));
      expect(results.slice(0, 3).map((r) => !r.ok && r.code)).toEqual(['invalid', 'invalid', 'invalid']);
      expect(results[3]).toMatchObject({ ok: false, code: 'rate-limited', message: expect.stringMatching(/^Too many actions/) });
      c.close();
    } finally {
      await limited.close();
    }
  });

  it('reports link-down when the link drops while an action is in flight, and never retries it', async () => {
    const ch = await someChannel();
    stack.pbx.faults.stall(true);
    const pending = act(supervisor, { type: 'hangup', pbx: 'demo', channel: ch.id });
    await waitFor(() => stack.pbx.received().includes(`Action: Hangup\r\nChannel: ${ch.name}\r\n`), 'hangup on the wire');
    const sentBefore = stack.pbx.received().length;
    stack.pbx.faults.dropAll();
    expect(await pending).toMatchObject({ ok: false, code: 'link-down', message: expect.stringMatching(/may or may not have happened/) });
    stack.pbx.faults.stall(false);
    await waitFor(() => stack.app.session.connected && stack.app.session.state.pbx.lastResync > 0, 'link back');
    expect(stack.pbx.received().slice(sentBefore)).not.toMatch(/Action: Hangup/);
  });

  it('refuses at once with link-down while the link is down, sending nothing', async () => {
    await someChannel();
    // No list of a resync still on its way to the PBX.
    await stack.app.session.resync();
    stack.app.session.stop();
    try {
      await waitFor(() => !stack.app.session.connected, 'link down');
      // The state holds still while the link is down, so this channel stays in it.
      const ch = Object.values(stack.app.session.state.channels)[0];
      expect(ch).toBeDefined();
      const sentBefore = stack.pbx.received().length;
      expect(await act(supervisor, { type: 'hangup', pbx: 'demo', channel: ch.id })).toMatchObject({ ok: false, code: 'link-down' });
      expect(await act(supervisor, { type: 'originate', pbx: 'demo', from: '101', to: '102' })).toMatchObject({
        ok: false,
        code: 'link-down',
      });
      expect(stack.pbx.received().length).toBe(sentBefore);
    } finally {
      stack.app.session.start();
    }
    await waitFor(() => stack.app.session.connected, 'link back');
  });

  it('only lets admins read the audit log', async () => {
    expect((await fetch(`${stack.url}/api/audit`, { headers: { cookie: supervisorCookie } })).status).toBe(403);
    expect((await fetch(`${stack.url}/api/audit`)).status).toBe(401);
  });
});

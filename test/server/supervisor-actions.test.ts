/**
 * Every supervisor action against the demo PBX, which answers in the words
 * of transcript 09: from the socket and from REST, what Asterisk says, what
 * the board then shows, and each refusal, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, ActionResult } from '@/lib/protocol';
import type { Call } from '@/lib/pbx/model';
import type { AuditEntry } from '@/server/actions/audit';
import { json, login, MirrorClient, startStack, waitFor, type Stack } from './harness';

let stack: Stack;
let supervisor: MirrorClient;
let cookie: string;
let adminCookie: string;

beforeAll(async () => {
  stack = await startStack({ app: { actionRateLimit: { limit: 1000, windowMs: 60_000 } } });
  cookie = await login(stack.url, 'supervisor', 'supervisor');
  adminCookie = await login(stack.url, 'admin', 'admin');
  supervisor = new MirrorClient(stack.url, { cookie });
  await supervisor.connected();
});
afterAll(async () => {
  supervisor?.close();
  await stack?.close();
});

const state = () => stack.app.session.state;
const act = (request: unknown): Promise<ActionResult> => supervisor.socket.timeout(15_000).emitWithAck('action', request as ActionRequest);

async function post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}/api/pbx/demo${path}`, {
    method: 'POST',
    headers: { cookie, origin: stack.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

async function audited(action: string): Promise<AuditEntry[]> {
  const body = await json(await fetch(`${stack.url}/api/audit?limit=1000&action=${action}`, { headers: { cookie: adminCookie } }));
  return body.entries as AuditEntry[];
}

/**
 * A queue call whose caller is bridged to an agent, answered in the last
 * second: at the test's tenfold speed an older call may end before a spy or
 * a pick-up rings through.
 */
async function answeredQueueCall(): Promise<Call> {
  let found: Call | undefined;
  await waitFor(() => {
    found = Object.values(state().calls).find(
      (c) =>
        c.queue &&
        c.state === 'talking' &&
        c.answeredAt > Date.now() - 1_000 &&
        c.to.channel &&
        state().channels[c.from.channel]?.bridgeId &&
        !Object.values(state().spies).some((s) => s.linkedId === c.id),
    );
    return found !== undefined;
  }, 'a freshly answered queue call');
  return found!;
}

describe('grants and queue scopes', () => {
  it('a team lead may pause and listen in sales only; other actions and queues are refused, and audited', async () => {
    await stack.app.auth.store.addUser('lead', 'supervisor', 'lead-password');
    stack.app.auth.store.updateUser('lead', { queues: ['sales'], actions: ['pause', 'listen'], extension: '206' });
    const lead = new MirrorClient(stack.url, { cookie: await login(stack.url, 'lead', 'lead-password') });
    try {
      await lead.connected();
      const leadAct = (r: unknown) => lead.socket.timeout(15_000).emitWithAck('action', r as ActionRequest);
      const support = Object.values(state().members).find((m) => m.queue === 'support' && !state().members[`sales|${m.interface}`])!;
      expect(await leadAct({ type: 'pause', pbx: 'demo', interface: support.interface, queue: 'support', paused: true })).toEqual({
        ok: false,
        code: 'forbidden',
        message: 'You may act on sales only',
      });
      // Without a queue, a scoped pause means the lead's queues, where this member is not.
      expect(await leadAct({ type: 'pause', pbx: 'demo', interface: support.interface, paused: true })).toEqual({
        ok: false,
        code: 'invalid',
        message: `${support.interface} is not a member of any queue`,
      });
      expect(await leadAct({ type: 'queue-add', pbx: 'demo', queue: 'sales', interface: 'PJSIP/112' })).toEqual({
        ok: false,
        code: 'forbidden',
        message: 'Your account may not queue-add',
      });
      let other: Call | undefined;
      await waitFor(
        () => (other = Object.values(state().calls).find((c) => c.queue === 'support' && c.answeredAt > 0)) !== undefined,
        'a support call',
      );
      // A call outside the scope is answered as if it did not exist.
      expect(await leadAct({ type: 'listen', pbx: 'demo', call: other!.id })).toEqual({
        ok: false,
        code: 'invalid',
        message: `No call ${other!.id} in the current state`,
      });
      const entries = (await audited('queue-add')).filter((e) => e.who === 'lead');
      expect(entries.map((e) => e.result)).toEqual(['forbidden']);
    } finally {
      lead.close();
    }
  });

  it('refuses listen and pick-up to a user with no phone, before anything is sent', async () => {
    await stack.app.auth.store.addUser('nophone', 'supervisor', 'nophone-password');
    const res = await fetch(`${stack.url}/api/pbx/demo/actions`, {
      method: 'POST',
      headers: {
        cookie: await login(stack.url, 'nophone', 'nophone-password'),
        origin: stack.url,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ type: 'listen', call: (await answeredQueueCall()).id }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Your account has no phone (extension) set; an admin can set one', code: 'invalid' });
  });
});

describe('socket and REST', () => {
  it('every action answers the same over the socket and over its REST route', async () => {
    const cases: [request: Record<string, unknown>, path: string, body: Record<string, unknown> | undefined][] = [
      [{ type: 'queue-add', queue: 'nosuch', interface: 'PJSIP/110' }, '/queues/nosuch/members', { interface: 'PJSIP/110' }],
      [
        { type: 'queue-remove', queue: 'sales', interface: 'PJSIP/199' },
        `/queues/sales/members/${encodeURIComponent('PJSIP/199')}/remove`,
        undefined,
      ],
      [{ type: 'queue-penalty', interface: 'PJSIP/199', penalty: 1 }, '/penalty', { interface: 'PJSIP/199', penalty: 1 }],
      [{ type: 'pause', interface: 'PJSIP/199', paused: true }, '/pause', { interface: 'PJSIP/199', paused: true }],
      [{ type: 'transfer', call: '9.9', to: '101' }, '/calls/9.9/transfer', { to: '101' }],
      [{ type: 'redirect', call: '9.9', to: '700' }, '/calls/9.9/redirect', { to: '700' }],
      [{ type: 'park', call: '9.9' }, '/calls/9.9/park', undefined],
      [{ type: 'listen', call: '9.9' }, '/calls/9.9/listen', undefined],
      [{ type: 'whisper', call: '9.9' }, '/calls/9.9/whisper', undefined],
      [{ type: 'barge', call: '9.9' }, '/calls/9.9/barge', undefined],
      [{ type: 'pickup', parked: 'default|820' }, `/parked/${encodeURIComponent('default|820')}/pickup`, undefined],
      [{ type: 'hangup', call: '9.9' }, '/calls/9.9/hangup', undefined],
    ];
    for (const [request, path, body] of cases) {
      const overSocket = await act({ ...request, pbx: 'demo' });
      const overRest = await post(path, body);
      expect(overSocket.ok, path).toBe(false);
      if (overSocket.ok) continue;
      expect(overRest, path).toEqual({
        status: overSocket.code === 'ami' ? 409 : 400,
        body: { error: overSocket.message, code: overSocket.code },
      });
    }
  });
});

describe('queue membership', () => {
  it('adds, re-adds, changes the penalty of and removes a member, in Asterisk words', async () => {
    const add = { type: 'queue-add', pbx: 'demo', queue: 'sales', interface: 'PJSIP/110', name: 'Kai Muller', penalty: 1 };
    expect(await act(add)).toEqual({ ok: true, message: 'Added interface to queue' });
    await waitFor(() => state().members['sales|PJSIP/110']?.membership === 'dynamic', 'the new member');
    expect(state().members['sales|PJSIP/110']).toMatchObject({ name: 'Kai Muller', penalty: 1, paused: false });
    expect(await act(add)).toEqual({ ok: false, code: 'ami', message: 'Unable to add interface: Already there' });

    const penalty = await post('/penalty', { interface: 'PJSIP/110', queue: 'sales', penalty: 3 });
    expect(penalty).toEqual({ status: 200, body: { ok: true, message: 'Interface penalty set successfully' } });
    await waitFor(() => state().members['sales|PJSIP/110']?.penalty === 3, 'the new penalty');

    const removed = await post(`/queues/sales/members/${encodeURIComponent('PJSIP/110')}/remove`);
    expect(removed).toEqual({ status: 200, body: { ok: true, message: 'Removed interface from queue' } });
    await waitFor(() => state().members['sales|PJSIP/110'] === undefined, 'the member gone');
    // The mirror a browser holds lost it too.
    await waitFor(() => supervisor.state?.members['sales|PJSIP/110'] === undefined, 'mirror');
    expect(await act({ type: 'queue-remove', pbx: 'demo', queue: 'sales', interface: 'PJSIP/110' })).toEqual({
      ok: false,
      code: 'ami',
      message: 'Unable to remove interface: Not there',
    });
    const missing = await post('/queues/nosuch/members', { interface: 'PJSIP/110' });
    expect(missing).toEqual({ status: 409, body: { error: 'Unable to add interface to queue: No such queue', code: 'ami' } });

    // This test's three, after any earlier test's.
    const entries = (await audited('queue-add'))
      .filter((e) => e.who === 'supervisor')
      .slice(-3)
      .map((e) => [e.result, e.message]);
    expect(entries).toEqual([
      ['ok', 'Added interface to queue'],
      ['ami', 'Unable to add interface: Already there'],
      ['ami', 'Unable to add interface to queue: No such queue'],
    ]);
  });

  it('starts a member paused when asked', async () => {
    expect(await act({ type: 'queue-add', pbx: 'demo', queue: 'support', interface: 'PJSIP/111', paused: true })).toMatchObject({
      ok: true,
    });
    await waitFor(() => state().members['support|PJSIP/111']?.paused === true, 'paused on entry');
    expect(await act({ type: 'queue-remove', pbx: 'demo', queue: 'support', interface: 'PJSIP/111' })).toMatchObject({ ok: true });
  });
});

describe('call actions', () => {
  it('blind-transfers the agent out: one call, same id, queue and DID, and a new party', async () => {
    const call = await answeredQueueCall();
    const agent = call.to.num;
    const result = await post(`/calls/${encodeURIComponent(call.id)}/transfer`, { to: '112' });
    expect(result).toEqual({ status: 200, body: { ok: true, message: 'Transfer succeeded' } });
    await waitFor(() => state().calls[call.id]?.to.num === '112', 'the new party on the same call');
    const after = state().calls[call.id];
    expect(after).toMatchObject({ id: call.id, queue: call.queue, did: call.did, from: { num: call.from.num } });
    expect(after.to.num).not.toBe(agent);
    // Nothing else took the caller: no second row for it.
    expect(Object.values(state().calls).filter((c) => c.channels.includes(call.from.channel))).toHaveLength(1);
  });

  it('redirects the caller to an extension of the dialplan', async () => {
    const call = await answeredQueueCall();
    expect(await act({ type: 'redirect', pbx: 'demo', call: call.id, to: '700' })).toEqual({ ok: true, message: 'Redirect successful' });
  });

  it('parks the caller, lists it in ParkedCalls, and keeps it through a resync', async () => {
    const call = await answeredQueueCall();
    expect(await act({ type: 'park', pbx: 'demo', call: call.id })).toEqual({ ok: true, message: 'Park successful' });
    await waitFor(() => Object.values(state().parked).some((p) => p.linkedId === call.id), 'the parked call');
    const parked = Object.values(state().parked).find((p) => p.linkedId === call.id)!;
    expect(parked).toMatchObject({ lot: 'default', channel: call.from.channel });
    expect(Number(parked.space)).toBeGreaterThanOrEqual(801);
    await waitFor(() => supervisor.state?.parked[parked.id] !== undefined, 'mirror');
    const resync = await fetch(`${stack.url}/api/pbx/demo/resync`, { method: 'POST', headers: { cookie: adminCookie, origin: stack.url } });
    expect(resync.status).toBe(200);
    expect(state().parked[parked.id]?.channel).toBe(call.from.channel);
  });

  it('listens from the supervisor’s own phone: ChanSpy on the agent, and the spy on the board', async () => {
    const call = await answeredQueueCall();
    const result = await act({ type: 'listen', pbx: 'demo', call: call.id });
    expect(result).toMatchObject({ ok: true });
    expect(result.message).toMatch(/^Listening to PJSIP\/2\d\d-[0-9a-f]{8} from your phone 116$/);
    await waitFor(() => Object.values(state().spies).some((s) => s.linkedId === call.id), 'the spy on the call');
    const spy = Object.values(state().spies).find((s) => s.linkedId === call.id)!;
    expect(spy).toMatchObject({ mode: 'listen', spyerNum: '116' });
    await waitFor(() => supervisor.state?.spies[spy.id] !== undefined, 'mirror');
  });

  it('whispers and barges with their own ChanSpy options', async () => {
    for (const mode of ['whisper', 'barge'] as const) {
      const call = await answeredQueueCall();
      expect(await post(`/calls/${encodeURIComponent(call.id)}/${mode}`)).toMatchObject({ status: 200, body: { ok: true } });
      await waitFor(() => Object.values(state().spies).some((s) => s.linkedId === call.id && s.mode === mode), `a ${mode} spy`);
    }
  });

  it('picks a parked call up at the supervisor’s phone', async () => {
    const call = await answeredQueueCall();
    expect(await act({ type: 'park', pbx: 'demo', call: call.id })).toMatchObject({ ok: true });
    await waitFor(() => Object.values(state().parked).some((p) => p.linkedId === call.id), 'parked');
    const parked = Object.values(state().parked).find((p) => p.linkedId === call.id)!;
    const result = await post(`/parked/${encodeURIComponent(parked.id)}/pickup`);
    expect(result).toEqual({ status: 200, body: { ok: true, message: 'Picked up at your phone 116' } });
    await waitFor(() => state().parked[parked.id]?.channel !== parked.channel, 'the slot freed');
  });

  it('refuses what it cannot do, in words, and sends nothing', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'transfer', pbx: 'demo', call: '1.1', to: '101' }, 'No call 1.1 in the current state'],
      [{ type: 'park', pbx: 'demo', call: 'constructor' }, 'No call constructor in the current state'],
      [{ type: 'pickup', pbx: 'demo', parked: 'default|899' }, 'No call is parked at default 899'],
      [{ type: 'listen', pbx: 'demo', call: '__proto__' }, 'No call __proto__ in the current state'],
    ];
    for (const [request, message] of cases)
      expect(await act(request), JSON.stringify(request)).toEqual({ ok: false, code: 'invalid', message });
  });
});

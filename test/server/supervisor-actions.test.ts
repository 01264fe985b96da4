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

/** A queue call whose caller is bridged to an agent, with a while left to talk. */
async function answeredQueueCall(): Promise<Call> {
  let found: Call | undefined;
  await waitFor(() => {
    found = Object.values(state().calls).find(
      (c) => c.queue && c.state === 'talking' && c.answeredAt > 0 && c.to.channel && state().channels[c.from.channel]?.bridgeId,
    );
    return found !== undefined;
  }, 'an answered queue call');
  return found!;
}

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

    const entries = (await audited('queue-add')).map((e) => [e.result, e.message]);
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

/**
 * Queue scopes, read from the bytes a scoped client's socket and REST
 * snapshot receive: never another queue's name, member or call, while an
 * unscoped client sees everything. A scope is filtered once per batch
 * however many clients share it, and a scoped client mirrors the server's
 * state as its scope sees it, calls that come into scope included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsFor } from '@/lib/grants';
import { UserStore } from '@/server/auth/user-store';
import { applyOps, upsert, type Op } from '@/lib/protocol';
import { emptyState, type PbxState } from '@/lib/pbx/model';
import { scopeOf, ScopeTracker, stateInScope, visibleIn } from '@/server/realtime/scopes';
import { withTimeout } from '../support/wait-for';
import {
  clientPool,
  json,
  login,
  MirrorClient,
  startMultiStack,
  startStack,
  stateAtSameSeq,
  waitFor,
  wireCopy,
  type Stack,
} from './harness';

let stack: Stack;
const PASSWORD = 'lead-password';
/** One login each: parallel logins of one user are throttled. */
const cookies = { lead: '', admin: '' };
beforeAll(async () => {
  stack = await startStack({ app: { recheckMs: 100 } });
  await stack.app.auth.store.addUser('lead', 'supervisor', PASSWORD);
  stack.app.auth.store.updateUser('lead', { queues: ['sales'], actions: ['pause', 'listen'], extension: '206' });
  await stack.app.auth.store.addUser('mover', 'viewer', PASSWORD);
  stack.app.auth.store.updateUser('mover', { queues: ['sales'] });
  cookies.lead = await login(stack.url, 'lead', PASSWORD);
  cookies.admin = await login(stack.url, 'admin', 'admin');
});
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
});

const pool = clientPool(() => stack.url);
const sales = scopeOf(['sales'])!;

/** The server's state as the sales scope sees it, through JSON as a client gets it. */
const scoped = (state: PbxState) => wireCopy(stateInScope(state, visibleIn(state, sales)));

/** What a scoped client may never see, gathered from the server's state while it listens. */
function outOfScope() {
  const seen = { queues: new Set<string>(), interfaces: new Set<string>(), calls: new Set<string>(), inScopeCalls: new Set<string>() };
  const note = () => {
    const s = stack.app.session.state;
    const salesIfaces = new Set(
      Object.values(s.members)
        .filter((m) => m.queue === 'sales')
        .map((m) => m.interface),
    );
    for (const q of Object.keys(s.queues)) if (q !== 'sales') seen.queues.add(q);
    for (const m of Object.values(s.members)) if (!salesIfaces.has(m.interface)) seen.interfaces.add(m.interface);
    for (const c of Object.values(s.calls)) (c.queue === 'sales' ? seen.inScopeCalls : seen.calls).add(c.id);
  };
  note();
  const off = stack.app.session.onOps(note);
  return {
    stop() {
      off();
      // A call that was not yet in a queue when first seen may have joined sales later: it was rightly sent.
      return { ...seen, calls: [...seen.calls].filter((id) => !seen.inScopeCalls.has(id)) };
    },
  };
}

const quoted = (text: string, values: Iterable<string>) => [...values].filter((v) => text.includes(JSON.stringify(v)));

/** A scoped client and the server's scoped state at the same seq. */
async function scopedAtSameSeq(client: MirrorClient): Promise<{ server: unknown; client: unknown }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    stack.app.fanout.flush();
    const seq = stack.app.fanout.currentSeq;
    const server = scoped(stack.app.session.state);
    const held = await withTimeout(client.stateAt(seq), 5_000, `the client to reach seq ${seq}`);
    if (held) return { server, client: held };
  }
  throw new Error('client kept skipping the compared seq');
}

describe('the scope filter', () => {
  it('sends a call that comes into scope whole, with its channels, and deletes what leaves', () => {
    const state = emptyState();
    const ch = (id: string) => upsert('channels', id, { name: `PJSIP/201-${id}`, linkedId: 'c1', bridgeId: '' });
    applyOps(state, [
      upsert('queues', 'sales', { strategy: 'ringall' }),
      upsert('queues', 'support', { strategy: 'ringall' }),
      ch('u1'),
      ch('u2'),
      upsert('calls', 'c1', { queue: '', channels: ['u1', 'u2'], state: 'dialing' }),
    ]);
    const tracker = new ScopeTracker(sales, state);
    expect(Object.keys(tracker.state(state).calls)).toEqual([]);
    expect(Object.keys(tracker.state(state).queues)).toEqual(['sales']);

    const batch: Op[] = [upsert('calls', 'c1', { queue: 'sales', state: 'queued' }), upsert('channels', 'u1', { queue: 'sales' })];
    applyOps(state, batch);
    const out = tracker.update(batch, state);
    // Whole entities from the state after the batch, not the partial ops.
    expect(out).toContainEqual(['u', 'calls', 'c1', state.calls.c1]);
    expect(out).toContainEqual(['u', 'channels', 'u1', state.channels.u1]);
    expect(out).toContainEqual(['u', 'channels', 'u2', state.channels.u2]);
    expect(out).toHaveLength(3);

    const leave: Op[] = [upsert('calls', 'c1', { queue: 'support' })];
    applyOps(state, leave);
    expect(tracker.update(leave, state)).toEqual([
      ['d', 'channels', 'u1'],
      ['d', 'channels', 'u2'],
      ['d', 'calls', 'c1'],
    ]);
    // An op of an entity in scope before and after passes as it is; another queue's never.
    const stay: Op[] = [upsert('queues', 'sales', { calls: 3 }), upsert('queues', 'support', { calls: 4 })];
    applyOps(state, stay);
    expect(tracker.update(stay, state)).toEqual([stay[0]]);
  });

  it('follows parked calls and spies by linkedId, bridges by channel, devices by stateInterface', () => {
    const state = emptyState();
    applyOps(state, [
      upsert('queues', 'sales', {}),
      upsert('members', 'sales|PJSIP/201', { queue: 'sales', interface: 'PJSIP/201', stateInterface: 'PJSIP/201' }),
      upsert('members', 'support|PJSIP/205', { queue: 'support', interface: 'PJSIP/205', stateInterface: 'PJSIP/205' }),
      upsert('devices', 'PJSIP/201', { kind: 'device' }),
      upsert('devices', 'PJSIP/205', { kind: 'device' }),
      upsert('channels', 'u1', { linkedId: 'c1', bridgeId: 'b1' }),
      upsert('bridges', 'b1', { channels: ['u1'] }),
      upsert('bridges', 'b2', { channels: ['u9'] }),
      upsert('calls', 'c1', { queue: 'sales', channels: ['u1'] }),
      upsert('calls', 'c2', { queue: 'support', channels: ['u9'] }),
      upsert('parked', '700|701', { linkedId: 'c1' }),
      upsert('parked', '700|702', { linkedId: 'c2' }),
      upsert('spies', 's1', { linkedId: 'c1' }),
      upsert('spies', 's2', { linkedId: 'c2' }),
    ]);
    const seen = stateInScope(state, visibleIn(state, sales));
    expect(Object.keys(seen.members)).toEqual(['sales|PJSIP/201']);
    expect(Object.keys(seen.devices)).toEqual(['PJSIP/201']);
    expect(Object.keys(seen.bridges)).toEqual(['b1']);
    expect(Object.keys(seen.calls)).toEqual(['c1']);
    expect(Object.keys(seen.parked)).toEqual(['700|701']);
    expect(Object.keys(seen.spies)).toEqual(['s1']);
  });

  it("lists a bridge's channels that the scope sees only, and follows a channel coming into scope", () => {
    const state = emptyState();
    applyOps(state, [
      upsert('queues', 'sales', {}),
      upsert('channels', 'u1', { linkedId: 'c1', bridgeId: 'b1' }),
      upsert('channels', 'u9', { linkedId: 'c2', bridgeId: 'b1' }),
      // A conference of a sales call with a support call: the support leg's id is not the sales scope's.
      upsert('bridges', 'b1', { channels: ['u1', 'u9'] }),
      upsert('calls', 'c1', { queue: 'sales', channels: ['u1'] }),
      upsert('calls', 'c2', { queue: 'support', channels: ['u9'] }),
    ]);
    const tracker = new ScopeTracker(sales, state);
    const client = wireCopy(tracker.state(state));
    expect(client.bridges.b1.channels).toEqual(['u1']);
    expect(state.bridges.b1.channels).toEqual(['u1', 'u9']);

    const enter: Op[] = [
      upsert('channels', 'u7', { linkedId: 'c3', bridgeId: 'b1' }),
      upsert('bridges', 'b1', { channels: ['u1', 'u9', 'u7'] }),
    ];
    applyOps(state, enter);
    const entered = tracker.update(enter, state);
    expect(entered).toEqual([upsert('bridges', 'b1', { channels: ['u1'] })]);
    applyOps(client, entered);

    // The support call moves to sales: its leg comes into scope, and the bridge's list with it, without a bridge op.
    const move: Op[] = [upsert('calls', 'c2', { queue: 'sales' })];
    applyOps(state, move);
    const out = tracker.update(move, state);
    expect(out).toContainEqual(['u', 'channels', 'u9', state.channels.u9]);
    expect(out).toContainEqual(upsert('bridges', 'b1', { channels: ['u1', 'u9'] }));
    applyOps(client, out);
    // The scoped client's copy is the scope's view of the server's state.
    expect(client).toEqual(wireCopy(tracker.state(state)));
    expect(client.bridges.b1.channels).toEqual(['u1', 'u9']);
  });

  it("sees the endpoints that are an in-scope member's interface or stateInterface, and their contacts only", () => {
    const state = emptyState();
    applyOps(state, [
      upsert('queues', 'sales', {}),
      upsert('members', 'sales|PJSIP/201', { queue: 'sales', interface: 'PJSIP/201', stateInterface: 'PJSIP/201' }),
      upsert('members', 'sales|Local/2002@agents/n', { queue: 'sales', interface: 'Local/2002@agents/n', stateInterface: 'PJSIP/202' }),
      upsert('members', 'support|PJSIP/205', { queue: 'support', interface: 'PJSIP/205', stateInterface: 'PJSIP/205' }),
      upsert('endpoints', 'PJSIP/201', { technology: 'PJSIP', resource: '201' }),
      upsert('endpoints', 'PJSIP/202', { technology: 'PJSIP', resource: '202' }),
      upsert('endpoints', 'PJSIP/205', { technology: 'PJSIP', resource: '205' }),
      upsert('endpoints', 'PJSIP/209', { technology: 'PJSIP', resource: '209' }),
      upsert('contacts', '201/sip:201@10.0.0.1', { endpoint: 'PJSIP/201' }),
      upsert('contacts', '202/sip:202@10.0.0.2', { endpoint: 'PJSIP/202' }),
      upsert('contacts', '205/sip:205@10.0.0.5', { endpoint: 'PJSIP/205' }),
      upsert('contacts', '209/sip:209@10.0.0.9', { endpoint: 'PJSIP/209' }),
    ]);
    const tracker = new ScopeTracker(sales, state);
    const seen = tracker.state(state);
    expect(Object.keys(seen.endpoints).sort()).toEqual(['PJSIP/201', 'PJSIP/202']);
    expect(Object.keys(seen.contacts).sort()).toEqual(['201/sip:201@10.0.0.1', '202/sip:202@10.0.0.2']);
    // A registration of an out-of-scope phone never reaches the scope; one of an in-scope phone does.
    const ops: Op[] = [
      upsert('contacts', '205/sip:205@10.0.0.5', { status: 'Reachable' }),
      upsert('contacts', '201/sip:201@10.0.0.1', { status: 'Reachable' }),
    ];
    applyOps(state, ops);
    expect(tracker.update(ops, state)).toEqual([ops[1]]);
    // The member leaves the scope's queue: its phone and its contact go with it.
    const leave: Op[] = [['d', 'members', 'sales|PJSIP/201']];
    applyOps(state, leave);
    expect(tracker.update(leave, state)).toEqual([
      ['d', 'members', 'sales|PJSIP/201'],
      ['d', 'endpoints', 'PJSIP/201'],
      ['d', 'contacts', '201/sip:201@10.0.0.1'],
    ]);
  });
  it("sees today's figures of its queues and their memberships, and no other queue's", () => {
    const state = emptyState();
    const ops: Op[] = [
      upsert('queueDays', 'sales', { offered: 3 }),
      upsert('queueDays', 'support', { offered: 9 }),
      upsert('memberDays', 'sales|PJSIP/201', { queue: 'sales', interface: 'PJSIP/201', handled: 2 }),
      upsert('memberDays', 'support|PJSIP/201', { queue: 'support', interface: 'PJSIP/201', handled: 7 }),
    ];
    const tracker = new ScopeTracker(sales, state);
    applyOps(state, ops);
    // New to the scope, so sent whole; the other queue's figures not at all.
    expect(tracker.update(ops, state)).toEqual([
      upsert('queueDays', 'sales', state.queueDays.sales),
      upsert('memberDays', 'sales|PJSIP/201', state.memberDays['sales|PJSIP/201']),
    ]);
    expect(Object.keys(tracker.state(state).queueDays)).toEqual(['sales']);
    expect(Object.keys(tracker.state(state).memberDays)).toEqual(['sales|PJSIP/201']);
  });
});

describe('a scoped client on the wire', () => {
  it('never receives another queue, its members or its calls, while an unscoped client does; REST likewise', async () => {
    const watch = outOfScope();
    const full = pool.open({ cookie: cookies.admin });
    const leads = [0, 1, 2].map(() => pool.open({ cookie: cookies.lead }));
    const everyone = [full, ...leads];
    await Promise.all(everyone.map((c) => c.connected()));
    await waitFor(() => everyone.every((c) => c.snapshots === 1), 'snapshots');
    const at = { ...stack.app.fanout.stats };
    // Enough traffic for calls of both queues to come and go.
    await waitFor(() => full.batches >= 40 && stack.app.fanout.stats.batches - at.batches >= 40, 'batches', 30_000);
    await waitFor(() => Object.values(stack.app.session.state.calls).some((c) => c.queue === 'support'), 'a support call', 30_000);
    const rest = await (await fetch(`${stack.url}/api/snapshot`, { headers: { cookie: cookies.lead } })).text();
    const restPbx = await (await fetch(`${stack.url}/api/pbx/demo/snapshot`, { headers: { cookie: cookies.lead } })).text();
    const seen = watch.stop();

    expect(seen.queues.has('support')).toBe(true);
    expect(seen.interfaces.size).toBeGreaterThan(0);
    expect(seen.calls.length).toBeGreaterThan(0);
    // The unscoped client does get them: the checks below can find a leak.
    const fullText = full.received.join('\n');
    expect(quoted(fullText, seen.queues).length).toBeGreaterThan(0);
    expect(quoted(fullText, seen.interfaces).length).toBeGreaterThan(0);
    expect(quoted(fullText, seen.calls).length).toBeGreaterThan(0);

    for (const text of [...leads.map((c) => c.received.join('\n')), rest, restPbx]) {
      expect(quoted(text, seen.queues)).toEqual([]);
      expect(quoted(text, seen.interfaces)).toEqual([]);
      expect(quoted(text, seen.calls)).toEqual([]);
      expect(text).toContain('"sales"');
    }
    for (const c of leads) expect(Object.keys(c.state!.queues)).toEqual(['sales']);
    expect(Object.keys((JSON.parse(rest) as { state: PbxState }).state.queues)).toEqual(['sales']);

    // Three clients of one scope share a room and one filter per batch.
    const now = stack.app.fanout.stats;
    expect(now.scopedBatches - at.scopedBatches).toBeLessThanOrEqual(now.batches - at.batches);
    expect(now.scopedBatches - at.scopedBatches).toBeGreaterThan(0);
    expect(stack.app.io.of('/').adapter.rooms.get('live:demo:full:q:sales')?.size).toBe(3);
  });

  it('mirrors the server state as the scope sees it, calls that enter the queue included; an unscoped client is unchanged', async () => {
    const lead = pool.open({ cookie: cookies.lead });
    const full = pool.open({ cookie: cookies.admin });
    await Promise.all([lead.connected(), full.connected()]);
    await waitFor(() => lead.state && full.state, 'snapshots');
    const first = new Set(Object.keys(lead.state!.calls));
    // A sales call the client did not have in its snapshot: it came into scope through batches.
    await waitFor(() => Object.keys(lead.state!.calls).some((id) => !first.has(id)), 'a new sales call on the scoped client', 30_000);
    const a = await scopedAtSameSeq(lead);
    expect(a.client).toEqual(a.server);
    const b = await stateAtSameSeq(stack.app, full);
    expect(b.client).toEqual(b.server);
    expect(lead.gaps).toBe(0);
  });
});

describe('grants', () => {
  it('/api/me says what the user may do and see', async () => {
    const me = await json(await fetch(`${stack.url}/api/me`, { headers: { cookie: cookies.lead } }));
    expect(me).toEqual({ user: 'lead', role: 'supervisor', demo: true, actions: ['pause', 'listen'], queues: ['sales'], extension: '206' });
    const admin = await json(await fetch(`${stack.url}/api/me`, { headers: { cookie: cookies.admin } }));
    expect(admin).toMatchObject({ role: 'admin', actions: [...grantsFor('admin').actions], queues: null, extension: '115' });
  });

  it('a change of queues reaches an open socket: it is closed, and reconnects into the new scope', async () => {
    const mover = pool.open({ cookie: await login(stack.url, 'mover', PASSWORD) });
    await mover.connected();
    await waitFor(() => mover.state, 'snapshot');
    expect(Object.keys(mover.state!.queues)).toEqual(['sales']);
    const closed = new Promise<string>((resolve) => mover.socket.once('disconnect', resolve));
    const admin = cookies.admin;
    const res = await fetch(`${stack.url}/api/admin/users/mover`, {
      method: 'PATCH',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ queues: ['support'] }),
    });
    expect(res.status).toBe(200);
    // At once, not at the next periodic recheck: the store tells the sockets.
    expect(await withTimeout(closed, 2_000, 'the socket to close')).toBe('io server disconnect');
    const again = pool.open({ cookie: await login(stack.url, 'mover', PASSWORD) });
    await waitFor(() => again.state, 'snapshot');
    expect(Object.keys(again.state!.queues)).toEqual(['support']);
    expect(again.received.join('\n')).not.toContain('"sales"');
  });
});

describe('several PBXs', () => {
  it('a socket that follows only the second PBX is also closed when its queues change', async () => {
    const multi = await startMultiStack([3, 4], { app: { recheckMs: 60_000 } });
    try {
      await multi.app.auth.store.addUser('bee', 'viewer', PASSWORD);
      multi.app.auth.store.updateUser('bee', { queues: ['sales'] });
      const c = new MirrorClient(multi.url, { cookie: await login(multi.url, 'bee', PASSWORD), pbx: 'b' });
      await c.connected();
      await waitFor(() => c.state, 'snapshot of b');
      expect(Object.keys(c.state!.queues)).toEqual(['sales']);
      const closed = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
      // Changed by another process (the CLI), so nothing tells the sockets yet; then the user acts, which
      // refreshes the socket's grants before any recheck has looked at its scope.
      new UserStore(multi.dataDir).updateUser('bee', { queues: ['support'] });
      const ack = await c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx: 'b', channel: 'x' });
      expect(ack).toMatchObject({ ok: false, code: 'forbidden' });
      // Any write here rechecks every socket at once: the scope it follows on b is still sales.
      await multi.app.auth.store.addUser('someone', 'viewer', PASSWORD);
      expect(await withTimeout(closed, 2_000, 'the socket to close')).toBe('io server disconnect');
      c.close();
    } finally {
      await multi.close();
    }
  });
});

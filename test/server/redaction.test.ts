/**
 * What a wallboard and a masked viewer receive, read from the bytes of their
 * sockets and of the REST snapshot: no caller number (and for the wallboard
 * no name) anywhere, in the snapshot or in the batches after it, while a full
 * client sees them. The redaction is computed once per batch per view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxState } from '@/lib/protocol';
import { loadConfig } from '@/server/config';
import { queueStats } from '@/lib/ui/queues';
import { countActiveCalls, maskNumber, maskText, opsForView, stateForView } from '@/server/realtime/views';
import { emptyState } from '@/lib/pbx/model';
import { scopeOf, stateInScope, visibleIn } from '@/server/realtime/scopes';
import { applyOps, upsert } from '@/lib/protocol';
import { clientPool, json, login, type MirrorClient, startStack, stateAtSameSeq, waitFor, wireCopy, type Stack } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { CALLBOARD_MASK_NUMBERS: 'viewer' }, app: { recheckMs: 100 } });
});
afterAll(async () => {
  pool.closeAll();
  await stack?.close();
});

const pool = clientPool(() => stack.url);
const client = pool.open;

/** Every caller number and name in a state: the values neither a wallboard nor (numbers) a masked viewer may get. */
function sensitive(state: PbxState, into: { numbers: Set<string>; names: Set<string> }): void {
  const num = (v: string | undefined) => v && /\d{7,}/.test(v.replace(/\D/g, '')) && into.numbers.add(v);
  // A queue's name stands for the queue when a call's party is the queue itself; the wallboard shows queues.
  // An agent's name is a caller's connected name once answered; the wallboard's agent strip shows agents by name.
  const agents = new Set(Object.values(state.members).map((m) => m.name));
  const name = (v: string | undefined) => v && v.length >= 3 && !Object.hasOwn(state.queues, v) && !agents.has(v) && into.names.add(v);
  for (const c of Object.values(state.channels)) {
    num(c.callerNum);
    num(c.connectedNum);
    num(c.exten);
    name(c.callerName);
    name(c.connectedName);
  }
  for (const c of Object.values(state.calls)) {
    num(c.from.num);
    num(c.to.num);
    num(c.did);
    name(c.from.name);
    name(c.to.name);
  }
  for (const c of Object.values(state.callers)) {
    num(c.callerNum);
    num(c.connectedNum);
    name(c.callerName);
    name(c.connectedName);
  }
}

const external = () => Object.values(stack.app.session.state.callers).some((c) => c.callerNum.startsWith('+'));

describe('masking', () => {
  it('keeps country and area and the last two digits', () => {
    expect(maskNumber('+4930123456712')).toBe('+4930•••••••12');
    expect(maskNumber('+15551234567')).toBe('+1555•••••67');
    expect(maskNumber('5550100')).toBe('55•••00');
    expect(maskText('Customer 5550100')).toBe('Customer 55•••00');
    expect(maskText('201')).toBe('201');
    expect(maskText('+49 30 1234 5678')).toBe('+4930••••••78');
  });

  it("masks a contact's URI where it holds a number, keeps a phone's extension and address, and gives a wallboard no phones", () => {
    const state = emptyState();
    applyOps(state, [
      upsert('endpoints', 'PJSIP/201', { technology: 'PJSIP', resource: '201' }),
      upsert('contacts', '201/sip:201@127.0.0.1:5070', { uri: 'sip:201@127.0.0.1:5070', endpoint: 'PJSIP/201' }),
      upsert('contacts', 'carrier/sip:+15551234567@198.51.100.7', { uri: 'sip:+15551234567@198.51.100.7', endpoint: 'PJSIP/carrier' }),
    ]);
    const masked = stateForView(state, 'masked');
    expect(masked.contacts['201/sip:201@127.0.0.1:5070'].uri).toBe('sip:201@127.0.0.1:5070');
    expect(masked.contacts['carrier/sip:+15551234567@198.51.100.7'].uri).toBe('sip:+1555•••••67@198.51.100.7');
    const ops = opsForView([upsert('contacts', 'carrier/x', { uri: 'sip:+15551234567@x' })], 'masked', state, 0).ops;
    expect(ops).toEqual([upsert('contacts', 'carrier/x', { uri: 'sip:+1555•••••67@x' })]);
    const wall = stateForView(state, 'wallboard');
    expect([wall.endpoints, wall.contacts]).toEqual([{}, {}]);
    expect(opsForView([upsert('endpoints', 'PJSIP/201', { deviceState: 'INUSE' })], 'wallboard', state, 0).ops).toEqual([]);
  });
});

describe('CALLBOARD_MASK_NUMBERS', () => {
  it('names the roles to mask, and refuses anything else with a message', () => {
    expect(loadConfig({}).maskNumbers).toEqual([]);
    expect(loadConfig({ CALLBOARD_MASK_NUMBERS: 'off' }).maskNumbers).toEqual([]);
    expect(loadConfig({ CALLBOARD_MASK_NUMBERS: 'viewer' }).maskNumbers).toEqual(['viewer']);
    expect(loadConfig({ CALLBOARD_MASK_NUMBERS: 'viewer, supervisor' }).maskNumbers).toEqual(['viewer', 'supervisor']);
    expect(() => loadConfig({ CALLBOARD_MASK_NUMBERS: 'admin' })).toThrow(/CALLBOARD_MASK_NUMBERS: must be off, viewer, supervisor/);
  });
});

describe('views on the wire', () => {
  it('a wallboard gets aggregates only and a masked viewer no caller number, in snapshots and batches', async () => {
    // Live traffic with external callers waiting, so the first snapshots already hold numbers.
    await waitFor(external, 'an external caller in a queue', 20_000);
    const full = client({ cookie: await login(stack.url, 'admin', 'admin') });
    const viewers = await Promise.all([0, 1, 2].map(async () => client({ cookie: await login(stack.url, 'viewer', 'viewer') })));
    const { token } = stack.app.auth.store.createToken('lobby', 'wallboard');
    const walls = [client({ token }), client({ token })];
    const everyone = [full, ...viewers, ...walls];
    await Promise.all(everyone.map((c) => c.connected()));
    await waitFor(() => everyone.every((c) => c.snapshots === 1), 'snapshots');

    // What the server held while the clients listened: every number and name that went by.
    const seen = { numbers: new Set<string>(), names: new Set<string>() };
    const off = stack.app.session.onOps(() => sensitive(stack.app.session.state, seen));
    sensitive(stack.app.session.state, seen);
    const batchesAt = stack.app.fanout.stats.batches;
    const redactedAt = stack.app.fanout.stats.redactedBatches;
    // Enough traffic for new callers to arrive after the snapshot.
    const callersAtStart = new Set(Object.keys(stack.app.session.state.callers));
    await waitFor(
      () => Object.values(stack.app.session.state.callers).some((c) => !callersAtStart.has(c.id) && c.callerNum.startsWith('+')),
      'a new external caller',
      30_000,
    );
    await waitFor(() => full.batches >= 20, 'batches', 20_000);
    // REST too, for each view.
    const rest = {
      full: await (await fetch(`${stack.url}/api/snapshot`, { headers: { cookie: await login(stack.url, 'admin', 'admin') } })).text(),
      viewer: await (await fetch(`${stack.url}/api/snapshot`, { headers: { cookie: await login(stack.url, 'viewer', 'viewer') } })).text(),
      wallboard: await (await fetch(`${stack.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).text(),
    };
    off();

    const numbers = [...seen.numbers];
    const names = [...seen.names];
    expect(numbers.length).toBeGreaterThan(3);
    expect(names.length).toBeGreaterThan(3);
    const snapshotOf = (c: MirrorClient) => c.received.filter((p) => p.startsWith('snapshot ')).join('\n');
    const batchesOf = (c: MirrorClient) => c.received.filter((p) => p.startsWith('ops ')).join('\n');
    const inText = (text: string, values: string[]) => values.filter((v) => text.includes(JSON.stringify(v).slice(1, -1)));

    // The full client sees them, in its snapshot and in the batches after: the check below can find a leak.
    expect(inText(snapshotOf(full), numbers).length).toBeGreaterThan(0);
    expect(inText(batchesOf(full), numbers).length).toBeGreaterThan(0);
    expect(inText(rest.full, numbers).length).toBeGreaterThan(0);

    for (const v of viewers) {
      expect(inText(snapshotOf(v), numbers)).toEqual([]);
      expect(inText(batchesOf(v), numbers)).toEqual([]);
      expect(batchesOf(v)).toContain('•');
    }
    expect(inText(rest.viewer, numbers)).toEqual([]);
    expect(rest.viewer).toContain('•');

    for (const w of walls) {
      const all = w.received.join('\n');
      expect(inText(all, numbers)).toEqual([]);
      expect(inText(all, names)).toEqual([]);
      expect(w.state!.channels).toEqual({});
      expect(w.state!.calls).toEqual({});
      expect(w.state!.bridges).toEqual({});
      expect(w.state!.devices).toEqual({});
    }
    expect(inText(rest.wallboard, numbers)).toEqual([]);
    expect(inText(rest.wallboard, names)).toEqual([]);

    // Once per batch per view: three masked viewers and two wallboards cost two redactions a batch, not five.
    const batches = stack.app.fanout.stats.batches - batchesAt;
    expect(batches).toBeGreaterThan(10);
    expect(stack.app.fanout.stats.redactedBatches - redactedAt).toBeLessThanOrEqual(2 * batches);
  }, 60_000);

  it("a wallboard's state gives the wallboard's figures exactly, and a masked viewer's is the masked server state", async () => {
    const { token } = stack.app.auth.store.createToken('hall', 'wallboard');
    const wall = client({ token });
    const viewer = client({ cookie: await login(stack.url, 'viewer', 'viewer') });
    await Promise.all([wall.connected(), viewer.connected()]);
    await waitFor(() => wall.batches >= 5 && viewer.batches >= 5, 'a few batches');

    const w = await stateAtSameSeq(stack.app, wall);
    const server = w.server as PbxState;
    const board = w.client as PbxState;
    expect(queueStats(board)).toEqual(queueStats(server));
    expect(Object.keys(board.callers).sort()).toEqual(Object.keys(server.callers).sort());
    expect(board.pbx.activeCalls).toBe(countActiveCalls(server.calls));
    for (const caller of Object.values(board.callers))
      expect(Object.keys(caller).sort()).toEqual(['id', 'position', 'queue', 'uniqueid', 'waitingSince']);
    // Members carry their agent's name (the wall's agent strip) and their state, nothing else.
    for (const member of Object.values(board.members))
      expect(Object.keys(member).sort()).toEqual(
        ['id', 'queue', 'name', 'interface', 'status', 'paused', 'inCall', 'statusSince', 'pausedSince']
          .filter((k) => Object.hasOwn(member, k))
          .sort(),
      );
    for (const member of Object.values(board.members)) expect(member).not.toHaveProperty('pausedReason');

    const v = await stateAtSameSeq(stack.app, viewer);
    expect(v.client).toEqual(wireCopy(stateForView(v.server as PbxState, 'masked')));
  }, 30_000);

  it('a wallboard token made for one queue is sent that queue only, and counts its calls only', async () => {
    const { token } = stack.app.auth.store.createToken('sales-tv', 'wallboard', ['sales']);
    const wall = client({ token });
    await wall.connected();
    await waitFor(() => wall.batches >= 5, 'a few batches');
    // Until a sales call is in progress the count would agree by chance.
    await waitFor(() => Object.values(stack.app.session.state.calls).some((c) => c.queue === 'sales'), 'a sales call');
    const w = await stateAtSameSeq(stack.app, wall);
    const server = w.server as PbxState;
    const board = w.client as PbxState;
    expect(board).toEqual(wireCopy(stateForView(stateInScope(server, visibleIn(server, scopeOf(['sales'])!)), 'wallboard')));
    expect(Object.keys(board.queues)).toEqual(['sales']);
    expect(new Set(Object.values(board.members).map((m) => m.queue))).toEqual(new Set(['sales']));
    const salesCalls = Object.fromEntries(Object.entries(server.calls).filter(([, c]) => c.queue === 'sales'));
    expect(board.pbx.activeCalls).toBe(countActiveCalls(salesCalls));
    expect(board.pbx.activeCalls).toBeLessThan(countActiveCalls(server.calls));
    // Over REST too.
    const rest = await fetch(`${stack.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } });
    const restState = ((await json(rest)).state ?? {}) as PbxState;
    expect(Object.keys(restState.queues)).toEqual(['sales']);
  }, 30_000);

  it("closes a socket whose user's role changes to a masked one, so it comes back masked", async () => {
    await stack.app.auth.store.addUser('sam', 'supervisor', 'sam-the-supervisor');
    const sam = client({ cookie: await login(stack.url, 'sam', 'sam-the-supervisor') });
    await sam.connected();
    const closed = new Promise<string>((resolve) => sam.socket.on('disconnect', (reason) => resolve(reason)));
    stack.app.auth.store.setRole('sam', 'viewer');
    expect(await closed).toBe('io server disconnect');
  });

  it('a supervisor is not masked unless configured, and the REST snapshot follows the same view', async () => {
    await waitFor(external, 'an external caller in a queue', 20_000);
    const cookie = await login(stack.url, 'supervisor', 'supervisor');
    const text = JSON.stringify((await json(await fetch(`${stack.url}/api/snapshot`, { headers: { cookie } }))).state);
    expect(text).toMatch(/"callerNum":"\+\d{7,}"/);
    expect(text).not.toContain('•');
  });
});

describe('redacted states keep wire ids off Object.prototype', () => {
  it('a channel or member named __proto__ or constructor is an own entry of the masked and wallboard tables', async () => {
    const { emptyState } = await import('@/lib/pbx/model');
    const s = emptyState();
    for (const id of ['__proto__', 'constructor']) {
      Object.defineProperty(s.channels, id, { value: { id, name: `PJSIP/${id}-1`, callerNum: '15551234567' }, enumerable: true });
      Object.defineProperty(s.members, id, { value: { id, queue: 'sales', interface: id, status: 1 }, enumerable: true });
    }
    const masked = stateForView(s, 'masked');
    expect(Object.getPrototypeOf(masked.channels)).not.toBe(Object.prototype);
    expect(Object.hasOwn(masked.channels, '__proto__') && masked.channels.__proto__.callerNum).toBe('1555•••••67');
    const wall = stateForView(s, 'wallboard');
    expect(Object.keys(wall.members).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(wall.members)).not.toBe(Object.prototype);
  });
});

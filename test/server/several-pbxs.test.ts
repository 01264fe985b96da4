/**
 * Two demo PBXs with different seeds behind one Callboard: each has its own
 * state, seq and link; a client follows one or all of them; REST, actions
 * and the audit log name the PBX; and one PBX going down leaves the other live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, type ActionResult, type PbxInfo } from '@/lib/protocol';
import { isPbxLive } from '@/lib/pbx/model';
import { json, login, MirrorClient, socketAnswer, startMultiStack, stateAtSameSeq, waitFor, type MultiStack } from './harness';

let stack: MultiStack;
let cookie: string;
const mirrors: MirrorClient[] = [];
const mirror = (pbx?: string) => {
  const m = new MirrorClient(stack.url, { cookie, ...(pbx ? { pbx } : {}) });
  mirrors.push(m);
  return m;
};
const pbx = (id: string) => stack.app.pbxs.get(id)!;

beforeAll(async () => {
  stack = await startMultiStack([3, 11]);
  cookie = await login(stack.url, 'supervisor', 'supervisor');
});
afterAll(async () => {
  for (const m of mirrors) m.close();
  await stack?.close();
});

describe('several PBXs', () => {
  it('keeps one state per PBX, each mirrored exactly by the clients that follow it', async () => {
    const a = mirror('a');
    const b = mirror('b');
    await waitFor(() => a.snapshots === 1 && b.snapshots === 1, 'snapshots');
    await waitFor(() => a.batches > 3 && b.batches > 3, 'traffic on both');
    for (const [id, client] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const same = await stateAtSameSeq(pbx(id), client);
      expect(same.client).toEqual(same.server);
      expect((same.client as { pbx: unknown }).pbx).toMatchObject({ label: `PBX ${id.toUpperCase()}` });
    }
    // Different seeds, different calls: the two boards are not one board twice.
    expect(Object.keys(pbx('a').session.state.calls)).not.toEqual(Object.keys(pbx('b').session.state.calls));
  });

  it('lists the PBXs a client follows first, then sends a snapshot of each with its own seq', async () => {
    const socket = connect(stack.url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    const events: string[] = [];
    let list: PbxInfo[] = [];
    socket.on('pbxs', (l) => {
      list = l;
      events.push('pbxs');
    });
    socket.on('snapshot', (s) => events.push(`snapshot ${s.pbx}`));
    try {
      await waitFor(() => events.filter((e) => e.startsWith('snapshot')).length === 2, 'two snapshots');
      expect(events[0]).toBe('pbxs');
      expect(list.map(({ id, label }) => ({ id, label }))).toEqual([
        { id: 'a', label: 'PBX A' },
        { id: 'b', label: 'PBX B' },
      ]);
      // Each PBX says which pause reasons its dialog offers first.
      expect(list.every((p) => p.pauseReasons?.includes('Lunch'))).toBe(true);
      expect(events.slice(1).sort()).toEqual(['snapshot a', 'snapshot b']);
    } finally {
      socket.close();
    }
    expect(await socketAnswer(stack.url, { cookie, pbx: 'zzz' })).toBe('unknown-pbx');
    expect(await socketAnswer(stack.url, { cookie, pbx: 'b' })).toBe('connected');
  });

  it('serves REST per PBX, the old paths meaning the first one', async () => {
    const headers = { cookie };
    const snapB = await json(await fetch(`${stack.url}/api/pbx/b/snapshot`, { headers }));
    expect(snapB).toMatchObject({ protocol: PROTOCOL_VERSION, pbx: 'b', state: { pbx: { label: 'PBX B' } } });
    expect(await json(await fetch(`${stack.url}/api/snapshot`, { headers }))).toMatchObject({ pbx: 'a' });
    const missing = await fetch(`${stack.url}/api/pbx/zzz/snapshot`, { headers });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No PBX "zzz" is configured; GET /api/pbx lists them', code: 'not-found' });
    const list = (await (await fetch(`${stack.url}/api/pbx`, { headers })).json()) as { id: string }[];
    expect(list.map((p) => p.id)).toEqual(['a', 'b']);
    expect((await fetch(`${stack.url}/api/pbx`)).status).toBe(401);
    const health = await json(await fetch(`${stack.url}/api/pbx/b/health`));
    expect(health).toMatchObject({ link: 'connected', live: true });
  });

  it('sends each action to the PBX it names and audits which one', async () => {
    const c = mirror();
    await c.connected();
    // A busy demo PBX can be between calls for a moment: wait for a channel rather than assume one. Both demo PBXs
    // name channels the same way, so the one chosen must be a name A has not (checked after the action, a name A did
    // have would already be hung up there, and gone).
    const onA = () => new Set(Object.values(pbx('a').session.state.channels).map((ch) => ch.name));
    const onB = await waitFor(() => {
      const taken = onA();
      return Object.values(pbx('b').session.state.channels).find((ch) => !taken.has(ch.name));
    }, 'a channel on B that A has no namesake of');
    // The channel is B's: on A it does not exist, and nothing reaches A's socket.
    const wrong: ActionResult = await c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx: 'a', channel: onB.name });
    expect(wrong).toMatchObject({ ok: false, code: 'invalid' });
    const unknown: ActionResult = await c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx: 'zzz', channel: onB.name });
    expect(unknown).toEqual({ ok: false, code: 'invalid', message: 'No PBX "zzz" is configured' });
    const res = await fetch(`${stack.url}/api/pbx/b/originate`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: stack.url },
      body: JSON.stringify({ from: '999', to: '102' }),
    });
    expect(res.status).toBe(409); // Asterisk's own refusal for an extension that doesn't exist, from B
    const admin = await login(stack.url, 'admin', 'admin');
    const audit = (await json(await fetch(`${stack.url}/api/audit?pbx=b`, { headers: { cookie: admin } }))) as {
      entries: { pbx?: string; action: string; result: string }[];
    };
    expect(audit.entries.length).toBeGreaterThan(0);
    expect(audit.entries.every((e) => e.pbx === 'b')).toBe(true);
    expect(audit.entries.some((e) => e.action === 'originate' && e.result === 'ami')).toBe(true);
  });

  it('keeps the other PBX live when one goes down, and brings the fallen one back with a resync', async () => {
    const a = mirror('a');
    const all = mirror();
    await waitFor(() => a.snapshots === 1 && all.snapshots === 1, 'snapshots');
    const [, pbxB] = stack.pbxs;
    const before = pbx('b').session.state.pbx.lastResync;
    pbxB.faults.stall(true);
    pbxB.faults.dropAll();
    try {
      await waitFor(() => !isPbxLive(pbx('b').session.state.pbx), 'B stale');
      expect(isPbxLive(pbx('a').session.state.pbx)).toBe(true);
      const seq = a.batches;
      await waitFor(() => a.batches > seq + 3, 'A still sending');
      expect(a.state && isPbxLive(a.state.pbx)).toBe(true);
      const health = await json(await fetch(`${stack.url}/api/health`));
      expect(health).toMatchObject({ live: true, allLive: false });
    } finally {
      pbxB.faults.stall(false);
    }
    await waitFor(() => pbx('b').session.state.pbx.lastResync > before && isPbxLive(pbx('b').session.state.pbx), 'B back');
    const same = await stateAtSameSeq(pbx('a'), a);
    expect(same.client).toEqual(same.server);
  });

  it('treats PBX ids from the wire as data: prototype names, junk and huge values are refused and audited', async () => {
    const headers = { cookie };
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'x'.repeat(200)]) {
      const res = await fetch(`${stack.url}/api/pbx/${id}/snapshot`, { headers });
      expect(res.status, id).toBe(404);
      expect(await socketAnswer(stack.url, { cookie, pbx: id })).toBe('unknown-pbx');
    }
    const c = mirror();
    await c.connected();
    const ask = (pbx: unknown): Promise<ActionResult> =>
      c.socket.timeout(5000).emitWithAck('action', { type: 'hangup', pbx, channel: 'PJSIP/101-00000001' } as never);
    expect(await ask('constructor')).toEqual({ ok: false, code: 'invalid', message: 'No PBX "constructor" is configured' });
    expect(await ask('__proto__')).toEqual({ ok: false, code: 'invalid', message: 'Not a PBX id' });
    expect(await ask({ toString: 'a' })).toEqual({ ok: false, code: 'invalid', message: 'The PBX must be text' });
    // A 1 MB field: REST refuses the body before reading it all; the socket drops the connection (64 KB packets at most).
    const big = await fetch(`${stack.url}/api/pbx/b/pause`, {
      method: 'POST',
      headers: { cookie, origin: stack.url, 'content-type': 'application/json' },
      body: JSON.stringify({ interface: 'PJSIP/201', paused: true, reason: 'x'.repeat(1 << 20) }),
    });
    expect(big.status).toBe(413);
    const closed = new Promise<string>((resolve) => c.socket.on('disconnect', (reason) => resolve(reason)));
    c.socket.emit(
      'action',
      { type: 'pause', pbx: 'b', interface: 'PJSIP/201', paused: true, reason: 'x'.repeat(1 << 20) } as never,
      () => {},
    );
    expect(await closed).toBe('transport close');
    // Nothing of it reached either PBX. The REST refusals are audited; the oversized socket packet never gets past engine.io.
    for (const p of stack.pbxs) expect(p.received()).not.toContain('xxxxxxxx');
    const admin = await login(stack.url, 'admin', 'admin');
    const audit = (await json(await fetch(`${stack.url}/api/audit?limit=50`, { headers: { cookie: admin } }))) as {
      entries: { pbx?: string; result: string; message: string }[];
    };
    const refused = audit.entries.filter((e) => e.result === 'invalid');
    expect(refused.map((e) => e.message)).toEqual(expect.arrayContaining(['No PBX "constructor" is configured', 'Not a PBX id']));
    // An id that cannot be one is kept in the params as sent, never promoted to the entry's pbx.
    expect(
      refused.filter((e) => e.message === 'Not a PBX id' || e.message === 'The PBX must be text').every((e) => e.pbx === undefined),
    ).toBe(true);
    expect(audit.entries.some((e) => e.result === 'invalid' && e.pbx === 'b' && e.message === 'Body larger than 16384 bytes')).toBe(true);
  });
});

/**
 * The sync client's rules, driven synchronously: an in-memory server hands
 * snapshots and batches to a client through a port, with no network and no
 * timers, so every interleaving is reproducible.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyState, type PbxState } from '@/lib/pbx/model';
import { applyOps, PROTOCOL_VERSION, remove, upsert, type Op, type OpBatch, type Snapshot } from '@/lib/protocol';
import { BoardsSync, MAX_PBXS, SyncClient } from '@/lib/sync-client';

/** The server side: a state, numbered batches, and snapshots on request. */
class MemoryServer {
  constructor(readonly pbx = 'p') {}
  state: PbxState = emptyState();
  seq = 0;
  readonly sent: OpBatch[] = [];

  change(ops: Op[]): OpBatch {
    applyOps(this.state, ops);
    const batch = { pbx: this.pbx, seq: ++this.seq, ops };
    this.sent.push(batch);
    return batch;
  }

  snapshot(): Snapshot {
    return { protocol: PROTOCOL_VERSION, pbx: this.pbx, seq: this.seq, state: structuredClone(this.state), serverTime: 0 };
  }
}

/** A client that applies at once, as the test mirror does; counts its snapshot requests. */
function mirror() {
  const held = { state: null as PbxState | null, requests: 0, discarded: 0 };
  const client = new SyncClient(
    { requestSnapshot: () => held.requests++ },
    {
      snapshot: (s) => (held.state = s.state),
      ops: (ops) => applyOps(held.state!, ops),
      discard: () => held.discarded++,
    },
  );
  return { client, held };
}

const channel = (id: string, n: number): Op => upsert('channels', id, { id, name: `PJSIP/${id}-${n}` });

describe('SyncClient', () => {
  it('ignores batches before the first snapshot, then applies them in order', () => {
    const server = new MemoryServer();
    const { client, held } = mirror();
    expect(client.batch(server.change([channel('a', 1)]))).toBe('waiting');
    expect(held.state).toBeNull();
    client.snapshot(server.snapshot());
    expect(client.batch(server.change([channel('b', 1)]))).toBe('applied');
    expect(held.state).toEqual(server.state);
    expect(client.seq).toBe(2);
  });

  it('drops a duplicate batch', () => {
    const server = new MemoryServer();
    const { client, held } = mirror();
    client.snapshot(server.snapshot());
    const first = server.change([channel('a', 1)]);
    expect(client.batch(first)).toBe('applied');
    expect(client.batch(first)).toBe('duplicate');
    expect(client.counters.duplicates).toBe(1);
    expect(held.state).toEqual(server.state);
  });

  it('asks for one snapshot on a gap, however many batches follow, and heals on the snapshot', () => {
    const server = new MemoryServer();
    const { client, held } = mirror();
    client.snapshot(server.snapshot());
    server.change([channel('lost', 1)]); // never delivered
    expect(client.batch(server.change([channel('b', 1)]))).toBe('gap');
    for (let i = 0; i < 5; i++) expect(client.batch(server.change([channel('c', i)]))).toBe('waiting');
    expect(held.requests).toBe(1);
    expect(held.discarded).toBeGreaterThan(0);
    expect(client.inSync).toBe(false);

    client.snapshot(server.snapshot());
    expect(client.batch(server.change([remove('channels', 'lost')]))).toBe('applied');
    expect(held.state).toEqual(server.state);
    expect(held.requests).toBe(1);
  });

  it('after a disconnect waits for the connect snapshot without asking for one', () => {
    const server = new MemoryServer();
    const { client, held } = mirror();
    client.snapshot(server.snapshot());
    client.disconnected();
    expect(client.batch(server.change([channel('a', 1)]))).toBe('waiting');
    expect(held.requests).toBe(0);
    client.snapshot(server.snapshot());
    expect(held.state).toEqual(server.state);
  });

  it('makes a JSON snapshot safe for ids named after Object.prototype members', () => {
    const server = new MemoryServer();
    server.change([channel('constructor', 1), channel('__proto__', 1)]);
    const { client, held } = mirror();
    client.snapshot(JSON.parse(JSON.stringify(server.snapshot())) as Snapshot);
    client.batch(server.change([channel('toString', 2), remove('channels', 'constructor'), channel('hasOwnProperty', 3)]));
    expect(Object.keys(held.state!.channels).sort()).toEqual(['__proto__', 'hasOwnProperty', 'toString']);
    const channels = held.state!.channels;
    expect('constructor' in channels).toBe(false);
    expect(channels['toString']?.name).toBe('PJSIP/toString-2');
  });

  it('never applies a snapshot of another protocol version, and says so once per snapshot', () => {
    const server = new MemoryServer();
    server.change([channel('a', 1)]);
    const mismatches: unknown[] = [];
    const held = { state: null as PbxState | null };
    const client = new SyncClient(
      { requestSnapshot: () => undefined, protocolMismatch: (v) => mismatches.push(v) },
      { snapshot: (s) => (held.state = s.state), ops: () => expect.fail('no ops may be applied') },
    );
    client.snapshot({ ...server.snapshot(), protocol: PROTOCOL_VERSION + 1 });
    expect(client.batch(server.change([channel('b', 1)]))).toBe('waiting');
    expect(held.state).toBeNull();
    expect(mismatches).toEqual([PROTOCOL_VERSION + 1]);
    expect(client.inSync).toBe(false);
  });

  it('converges whatever the network drops, repeats or reorders (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('change' as const), id: fc.constantFrom('a', 'b', 'c'), del: fc.boolean() }),
      fc.record({ kind: fc.constantFrom('deliver' as const, 'drop' as const, 'repeat' as const, 'swap' as const, 'disconnect' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const server = new MemoryServer();
        const { client, held } = mirror();
        let requested = 0;
        const wire: OpBatch[] = [];
        const deliverAll = () => {
          for (const b of wire.splice(0)) client.batch(b);
          // The server answers each snapshot request, as the fan-out does.
          while (held.requests > requested) {
            requested++;
            client.snapshot(server.snapshot());
          }
        };
        client.snapshot(server.snapshot());
        for (const s of steps) {
          if (s.kind === 'change') {
            wire.push(server.change([s.del ? remove('channels', s.id) : channel(s.id, server.seq)]));
          } else if (s.kind === 'drop') {
            wire.shift();
          } else if (s.kind === 'repeat' && wire.length > 0) {
            wire.push(wire[wire.length - 1]);
          } else if (s.kind === 'swap' && wire.length > 1) {
            [wire[0], wire[1]] = [wire[1], wire[0]];
          } else if (s.kind === 'disconnect') {
            wire.length = 0;
            client.disconnected();
            client.snapshot(server.snapshot()); // the server greets every connect with a snapshot
          } else if (s.kind === 'deliver') {
            deliverAll();
          }
        }
        deliverAll();
        // A final quiet batch reveals any gap still open; the answer to it must converge.
        client.batch(server.change([channel('z', 0)]));
        deliverAll();
        expect(held.state).toEqual(server.state);
        expect(client.inSync).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('BoardsSync', () => {
  function boards() {
    const held = { states: new Map<string, PbxState>(), requests: [] as string[], mismatches: 0 };
    const sync = new BoardsSync(
      { requestSnapshot: (pbx) => held.requests.push(pbx), protocolMismatch: () => held.mismatches++ },
      {
        snapshot: (s) => held.states.set(s.pbx, s.state),
        ops: (pbx, ops) => applyOps(held.states.get(pbx)!, ops),
      },
    );
    return { sync, held };
  }

  it('keeps one seq per PBX: a gap on one asks for that one only, and the other goes on applying', () => {
    const a = new MemoryServer('a');
    const b = new MemoryServer('b');
    const { sync, held } = boards();
    sync.snapshot(a.snapshot());
    sync.snapshot(b.snapshot());
    b.change([channel('lost', 1)]); // never delivered
    expect(sync.batch(b.change([channel('x', 1)]))).toBe('gap');
    expect(sync.batch(a.change([channel('y', 1)]))).toBe('applied');
    expect(sync.batch(b.change([channel('x', 2)]))).toBe('waiting');
    expect(held.requests).toEqual(['b']);
    expect(held.states.get('a')).toEqual(a.state);
    sync.snapshot(b.snapshot());
    expect(sync.batch(b.change([channel('x', 3)]))).toBe('applied');
    expect(held.states.get('b')).toEqual(b.state);
    expect(sync.pbxs).toEqual(['a', 'b']);
    expect(sync.counters).toMatchObject({ snapshots: 3, gaps: 1, snapshotRequests: 1 });
  });

  it('holds batches of a PBX it has no snapshot of, and stops at a bound on how many PBXs a server may name', () => {
    const { sync, held } = boards();
    expect(sync.batch({ pbx: 'nope', seq: 1, ops: [] })).toBe('waiting');
    expect(sync.batch({ seq: 1, ops: [] } as unknown as OpBatch)).toBe('waiting');
    for (let i = 0; i < MAX_PBXS + 10; i++) sync.snapshot(new MemoryServer(`p${i}`).snapshot());
    expect(sync.pbxs).toHaveLength(MAX_PBXS);
    expect(held.states.size).toBe(MAX_PBXS);
  });

  it('treats a snapshot without a PBX from a server of another protocol version as a mismatch', () => {
    const { sync, held } = boards();
    sync.snapshot({ protocol: 1, seq: 1, state: emptyState(), serverTime: 0 } as unknown as Snapshot);
    expect(held.mismatches).toBe(1);
    expect(held.states.size).toBe(0);
  });

  it("stops every PBX on a disconnect, until each one's next snapshot", () => {
    const a = new MemoryServer('a');
    const b = new MemoryServer('b');
    const { sync } = boards();
    sync.snapshot(a.snapshot());
    sync.snapshot(b.snapshot());
    sync.disconnected();
    expect(sync.batch(a.change([channel('x', 1)]))).toBe('waiting');
    expect(sync.batch(b.change([channel('x', 1)]))).toBe('waiting');
    sync.snapshot(a.snapshot());
    expect(sync.batch(a.change([channel('x', 2)]))).toBe('applied');
    expect(sync.batch(b.change([channel('x', 2)]))).toBe('waiting');
  });
});

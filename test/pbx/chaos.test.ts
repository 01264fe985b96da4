/**
 * Lost, repeated and reordered events must never crash the reducer, never let
 * the browser's copy drift from the server's, and a resync must always bring
 * the state back to Asterisk's own lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, resync, step, type PbxState } from '../../lib/pbx';
import { applyOps } from '../../lib/protocol';
import { replay, segments } from './transcripts';

function invariants(state: PbxState): void {
  for (const call of Object.values(state.calls)) {
    expect(call.channels.length).toBeGreaterThan(0);
    for (const uid of call.channels) expect(state.channels[uid]?.linkedId).toBe(call.id);
  }
  for (const c of Object.values(state.channels)) expect(state.calls[c.linkedId]?.channels).toContain(c.id);
  for (const b of Object.values(state.bridges)) for (const uid of b.channels) expect(state.channels[uid]).toBeDefined();
}

describe('chaos: lost, repeated and swapped events', () => {
  for (const name of ['02-queue-answered-and-abandoned', '05-join-midcall']) {
    it(name, () => {
      const events = segments(name)
        .filter((s) => s.kind === 'event')
        .map((s) => (s as { packet: AmiPacket }).packet);
      const { final, now, state: truth } = replay(name);
      const lists = { channels: final.CoreShowChannels, queues: final.QueueStatus, bridges: final.BridgeList };
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(events.length - 1), fc.constantFrom('drop', 'repeat', 'swap')), { maxLength: 40 }),
          (edits) => {
            const stream = events.slice();
            for (const [at, kind] of edits) {
              if (at >= stream.length) continue;
              if (kind === 'drop') stream.splice(at, 1);
              else if (kind === 'repeat') stream.splice(at, 0, stream[at]);
              else if (at + 1 < stream.length) [stream[at], stream[at + 1]] = [stream[at + 1], stream[at]];
            }
            const state = emptyState();
            const mirror = emptyState();
            for (const e of stream) applyOps(mirror, step(state, e, now));
            expect(mirror).toEqual(state);
            invariants(state);
            applyOps(mirror, resync(state, lists, now + 1));
            expect(mirror).toEqual(state);
            invariants(state);
            expect(Object.keys(state.channels).sort()).toEqual(Object.keys(truth.channels).sort());
            expect(Object.keys(state.bridges).sort()).toEqual(Object.keys(truth.bridges).sort());
            expect(Object.keys(state.callers).sort()).toEqual(Object.keys(truth.callers).sort());
            for (const [id, b] of Object.entries(truth.bridges))
              expect([...state.bridges[id].channels].sort()).toEqual([...b.channels].sort());
          },
        ),
        { numRuns: name.startsWith('05') ? 6 : 40, seed: 20261126 },
      );
    });
  }
});

/**
 * The reducer reads a few frequent events header by header, without decoding
 * the packet (a speed-up). Whether a packet was decoded must never change what
 * it reduces to: every recorded session, fed once as the parser's undecoded
 * packets and once as plain decoded ones, gives the same ops at every step.
 */
import { describe, expect, it } from 'vitest';
import { toPlainPacket } from '../../lib/ami/decode';
import { parseAll } from '../../lib/ami/parser';
import { emptyState, step } from '../../lib/pbx';
import { readTranscript } from './transcripts';

const NAMES = [
  '01-internal-call',
  '02-queue-answered-and-abandoned',
  '03-dashboard-actions',
  '04-busy-hour',
  '05-join-midcall',
  '06-permission-denied',
  '07-status-list',
];
const NOW = 1_795_664_600_000;

describe('reducing undecoded packets equals reducing decoded ones', () => {
  for (const name of NAMES) {
    it(name, () => {
      const bytes = readTranscript(name);
      const lazy = parseAll(bytes).packets;
      const plain = parseAll(bytes).packets.map(toPlainPacket);
      const lazyState = emptyState();
      const plainState = emptyState();
      let ops = 0;
      for (let i = 0; i < lazy.length; i++) {
        const got = step(lazyState, lazy[i], NOW);
        const want = step(plainState, plain[i], NOW);
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ packet: i, ops: got }).toEqual({ packet: i, ops: want });
        ops += got.length;
      }
      expect(ops).toBeGreaterThan(0);
      expect(lazyState).toEqual(plainState);
    });
  }
});

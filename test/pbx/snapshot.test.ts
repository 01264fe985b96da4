/**
 * `snapshotFields` reads a channel snapshot in place; it must give exactly the
 * values the decoded packet holds, for every recorded packet and for blocks
 * that are not what Asterisk prints.
 */
import { describe, expect, it } from 'vitest';
import { LazyPacket, decodePacket } from '../../lib/ami/decode';
import { parseAll } from '../../lib/ami/parser';
import { DEST, LOCAL_ONE, LOCAL_TWO, SELF, SOURCE, type SnapshotKeys } from '../../lib/pbx/fields';
import { snapshotFields } from '../../lib/pbx/snapshot';
import { readTranscript } from './transcripts';

const PREFIXES = [SELF, DEST, LOCAL_ONE, LOCAL_TWO, SOURCE];
const NAMES = ['01-internal-call', '02-queue-answered-and-abandoned', '03-dashboard-actions', '04-busy-hour', '05-join-midcall'];

/** Keys whose value differs from the decoded packet's, with both values. */
function differences(text: string, k: SnapshotKeys, decoded = decodePacket(text).fields): string[] {
  const read = snapshotFields(new LazyPacket(text), k);
  const out: string[] = [];
  for (const [name, key] of Object.entries(k)) {
    if (name !== 'prefix' && read[key] !== decoded[key]) out.push(`${key}: ${read[key]} ≠ ${decoded[key]}`);
  }
  return out;
}

const expectSameAsDecoded = (text: string, k: SnapshotKeys) => expect(differences(text, k)).toEqual([]);

const BLOCK = [
  'Channel: PJSIP/101-00000001',
  'ChannelState: 6',
  'ChannelStateDesc: Up',
  'CallerIDNum: 101',
  'CallerIDName: Alice',
  'ConnectedLineNum: <unknown>',
  'ConnectedLineName: <unknown>',
  'Language: en',
  'AccountCode: ',
  'Context: phones',
  'Exten: 102',
  'Priority: 1',
  'Uniqueid: 1795664600.1',
  'Linkedid: 1795664600.1',
];
const packet = (...lines: string[]) => lines.join('\r\n');

describe('snapshotFields', () => {
  for (const name of NAMES) {
    it(`equals the decoded fields on every packet of ${name}`, () => {
      const packets = parseAll(readTranscript(name)).packets as LazyPacket[];
      let blocks = 0;
      const wrong: string[] = [];
      for (const p of packets) {
        const decoded = decodePacket(p.text).fields;
        for (const k of PREFIXES) {
          if (decoded[k.name] === undefined) continue;
          blocks++;
          wrong.push(...differences(p.text, k, decoded));
        }
      }
      expect(wrong).toEqual([]);
      expect(blocks).toBeGreaterThan(0);
    });
  }

  it('takes the first value when a snapshot header comes before the block', () => {
    expectSameAsDecoded(packet('Event: Newstate', 'Exten: 999', ...BLOCK), SELF);
    expectSameAsDecoded(packet('Channel: first', 'Event: Newstate', ...BLOCK), SELF);
    expectSameAsDecoded(packet('Event: DialBegin', 'DestUniqueid: 7', ...BLOCK.map((l) => `Dest${l}`)), DEST);
  });

  it('falls back to decoding when the block is not in order or not whole', () => {
    const swapped = [...BLOCK];
    [swapped[9], swapped[10]] = [swapped[10], swapped[9]];
    expectSameAsDecoded(packet('Event: Newstate', ...swapped), SELF);
    expectSameAsDecoded(packet('Event: Newstate', ...BLOCK.slice(0, 8)), SELF);
    expectSameAsDecoded(packet('Event: Newstate', ...BLOCK.filter((l) => !l.startsWith('Language'))), SELF);
    expectSameAsDecoded(packet('Event: Newstate', ...BLOCK, 'Exten: 2nd'), SELF);
  });

  it('reads values as the decoder does: empty, without a space, with a colon, without CR, at the end', () => {
    const odd = BLOCK.map((l) =>
      l.startsWith('CallerIDName')
        ? 'CallerIDName:'
        : l.startsWith('Context')
          ? 'Context:phones'
          : l.startsWith('Exten')
            ? 'Exten: a:b'
            : l,
    );
    expectSameAsDecoded(packet('Event: Newstate', ...odd), SELF);
    expectSameAsDecoded(['Event: Newstate', ...BLOCK].join('\n'), SELF);
    expectSameAsDecoded(packet('Event: Newstate', ...BLOCK) + '\r\n', SELF);
    expect(snapshotFields(new LazyPacket(packet('Event: Newstate', ...BLOCK)), SELF).Exten).toBe('102');
  });

  it('reads plain packets from their fields', () => {
    const fields = decodePacket(packet('Event: Newstate', ...BLOCK)).fields;
    expect(snapshotFields({ fields }, SELF)).toBe(fields);
  });
});

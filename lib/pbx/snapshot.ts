/**
 * Reading one channel snapshot out of a packet without decoding the packet.
 *
 * Asterisk prints a snapshot as one block of lines in a fixed order
 * (manager_channels.c, ast_manager_build_channel_state_string_prefix). Finding
 * the block and checking its lines in place costs a fraction of decoding the
 * whole packet, which is the larger part of reducing a Newchannel or Newstate.
 * Whenever the block is not exactly that, the decoded fields are used, so the
 * values are always the ones `packet.fields` holds.
 */
import { FOLLOWS, LazyPacket } from '../ami/decode';
import type { AmiPacket } from '../ami/packet';
import type { Fields, SnapshotKeys } from './fields';

const CR = 0x0d;
const COLON = 0x3a;
const NAMES = [
  'Channel',
  'ChannelState',
  'ChannelStateDesc',
  'CallerIDNum',
  'CallerIDName',
  'ConnectedLineNum',
  'ConnectedLineName',
  'Language',
  'AccountCode',
  'Context',
  'Exten',
  'Priority',
  'Uniqueid',
  'Linkedid',
];

interface Block {
  /** The header names with the prefix, in Asterisk's order. */
  keys: string[];
  /** `\n<prefix>Channel:`, where the block starts. */
  start: string;
  /** The names by their first character after the prefix, so most other lines are told apart by one. */
  byFirst: Map<number, string[]>;
}

const blocks = new Map<string, Block>();
function blockFor(prefix: string): Block {
  let block = blocks.get(prefix);
  if (block === undefined) {
    const byFirst = new Map<number, string[]>();
    for (const n of NAMES) byFirst.set(n.charCodeAt(0), [...(byFirst.get(n.charCodeAt(0)) ?? []), prefix + n]);
    block = { keys: NAMES.map((n) => prefix + n), start: `\n${prefix}Channel:`, byFirst };
    blocks.set(prefix, block);
  }
  return block;
}

/** The snapshot headers of prefix `k` (only those, when read in place), with the values `packet.fields` holds. */
export function snapshotFields(event: AmiPacket, k: SnapshotKeys): Fields {
  if (!(event instanceof LazyPacket)) return event.fields;
  return readInPlace(event.text, k.prefix) ?? event.fields;
}

function readInPlace(t: string, prefix: string): Fields | undefined {
  const block = blockFor(prefix);
  if (t.startsWith(FOLLOWS)) return undefined;
  const at = t.indexOf(block.start);
  if (at === -1 || beforeHasKey(t, at, prefix, block)) return undefined;
  const out: Fields = {};
  let pos = at + 1;
  for (const key of block.keys) {
    if (!t.startsWith(key, pos) || t.charCodeAt(pos + key.length) !== COLON) return undefined;
    const colon = pos + key.length;
    let nl = t.indexOf('\n', colon);
    if (nl === -1) nl = t.length;
    const end = t.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    const valueStart = t.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
    out[key] = valueStart >= end ? '' : t.slice(valueStart, end);
    pos = nl + 1;
  }
  return out;
}

/**
 * Whether a line before the block holds one of its headers: the decoded
 * fields keep a header's first value, so the block's would not count.
 */
function beforeHasKey(t: string, blockAt: number, prefix: string, block: Block): boolean {
  let pos = 0;
  while (pos < blockAt) {
    const candidates = block.byFirst.get(t.charCodeAt(pos + prefix.length));
    if (candidates !== undefined && t.startsWith(prefix, pos)) {
      for (const key of candidates) if (t.startsWith(key, pos) && t.charCodeAt(pos + key.length) === COLON) return true;
    }
    const nl = t.indexOf('\n', pos);
    pos = nl === -1 ? t.length : nl + 1;
  }
  return false;
}

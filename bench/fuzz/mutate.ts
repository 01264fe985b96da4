/**
 * Mutations of real AMI byte streams: byte flips, truncations, duplicated,
 * dropped, reordered and foreign packets, lines moved between packets, and
 * random chunking on the way into the parser.
 */

/** xorshift32: fast, seeded, good enough to pick mutations. */
export class Rng {
  constructor(private s: number) {
    if (this.s === 0) this.s = 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** Bytes that matter to the framing and the header syntax, flipped in more often than chance. */
const SPECIAL = [0x0d, 0x0a, 0x3a, 0x20, 0x00, 0xff, 0xc3, 0x2d];

export type Mutation = 'flip' | 'truncate' | 'duplicate' | 'drop' | 'swap' | 'foreign' | 'moveLine' | 'none';
const MUTATIONS: Mutation[] = ['flip', 'truncate', 'duplicate', 'drop', 'swap', 'foreign', 'moveLine', 'none'];

/** Mutates a list of packet blocks (copied as needed), then joins them. */
export function mutate(rng: Rng, blocks: Buffer[], foreign: () => Buffer, counts: Record<Mutation, number>): Buffer {
  const list = blocks.slice();
  const rounds = rng.int(0, 4);
  for (let r = 0; r < rounds && list.length > 0; r++) {
    const m = rng.pick(MUTATIONS);
    counts[m]++;
    const i = rng.int(0, list.length - 1);
    switch (m) {
      case 'duplicate':
        list.splice(rng.int(i, list.length), 0, list[i]);
        break;
      case 'drop':
        list.splice(i, 1);
        break;
      case 'swap': {
        const j = rng.int(0, list.length - 1);
        [list[i], list[j]] = [list[j], list[i]];
        break;
      }
      case 'foreign':
        list.splice(i, 0, foreign());
        break;
      case 'moveLine': {
        const from = list[i].toString('latin1').split('\r\n');
        const j = rng.int(0, list.length - 1);
        const to = list[j].toString('latin1').split('\r\n');
        const line = from[rng.int(0, Math.max(0, from.length - 3))];
        to.splice(rng.int(0, Math.max(0, to.length - 2)), 0, line);
        list[j] = Buffer.from(to.join('\r\n'), 'latin1');
        break;
      }
      default:
        break;
    }
  }
  let bytes = Buffer.concat(list);
  if (rng.next() < 0.3 && bytes.length > 0) {
    counts.flip++;
    bytes = Buffer.from(bytes);
    const flips = rng.int(1, 8);
    for (let k = 0; k < flips; k++) {
      const at = rng.int(0, bytes.length - 1);
      bytes[at] = rng.next() < 0.5 ? rng.pick(SPECIAL) : rng.int(0, 255);
    }
  }
  if (rng.next() < 0.2 && bytes.length > 0) {
    counts.truncate++;
    bytes = rng.next() < 0.7 ? bytes.subarray(0, rng.int(0, bytes.length)) : bytes.subarray(rng.int(0, bytes.length));
  }
  return bytes;
}

/** Random chunk boundaries: sometimes byte by byte, usually a few pieces. */
export function chunk(rng: Rng, bytes: Buffer, push: (piece: Buffer) => void): void {
  const tiny = rng.next() < 0.05 && bytes.length < 4096;
  let at = 0;
  while (at < bytes.length) {
    const size = tiny ? rng.int(1, 3) : rng.int(1, 2048);
    push(bytes.subarray(at, at + size));
    at += size;
  }
}

import { describe, expect, it } from 'vitest';
import { AmiParser } from '../../lib/ami/parser';
import type { AmiPacket } from '../../lib/ami/packet';
import { LazyPacket } from '../../lib/ami/decode';
import { blockHeaders, readTranscript, splitTranscript, transcriptNames } from './transcripts';

interface Expected {
  fields: Record<string, string>;
  repeated?: Record<string, string[]>;
}

/** What a block must parse into, worked out with plain string splitting. */
function expectedPacket(block: string): Expected {
  const fields: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [key, value] of blockHeaders(block)) {
    (all[key] ??= []).push(value);
    if (!(key in fields)) fields[key] = value;
  }
  const many = Object.entries(all).filter(([, v]) => v.length > 1);
  return many.length > 0 ? { fields, repeated: Object.fromEntries(many) } : { fields };
}

/** Deterministic PRNG (mulberry32) so chunkings are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function feed(bytes: Buffer, chunking: 'whole' | 'random' | 'bytes', seed = 1) {
  const packets: AmiPacket[] = [];
  let greeting: string | undefined;
  let maxBuffered = 0;
  const parser = new AmiParser(
    { onPacket: (p) => packets.push(p), onGreeting: (g) => (greeting = g), onOversize: (n) => expect.fail(`oversize ${n}`) },
    { expectGreeting: true },
  );
  if (chunking === 'whole') {
    parser.push(bytes);
  } else if (chunking === 'bytes') {
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
  } else {
    const random = rng(seed);
    for (let i = 0; i < bytes.length;) {
      // Mostly small chunks, sometimes large ones, so boundaries land everywhere.
      const size = random() < 0.9 ? 1 + Math.floor(random() * 200) : 1 + Math.floor(random() * 70_000);
      parser.push(bytes.subarray(i, i + size));
      i += size;
      maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
    }
  }
  return { packets, greeting, rest: parser.bufferedBytes, maxBuffered };
}

function compare(packets: AmiPacket[], expected: Expected[]): void {
  expect(packets.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const p = packets[i];
    const e = expected[i];
    // Compare as plain data; report the index on failure.
    const actual: Expected = { fields: { ...p.fields } };
    if (p.repeated) actual.repeated = { ...p.repeated };
    if (JSON.stringify(actual) !== JSON.stringify(e)) expect({ index: i, ...actual }).toEqual({ index: i, ...e });
    expect(p.output).toBeUndefined();
  }
}

describe.each(transcriptNames())('transcript %s', (name) => {
  const bytes = readTranscript(name);
  const { greeting, blocks } = splitTranscript(bytes);
  const expected = blocks.map(expectedPacket);

  it('has packets to check', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(greeting).toBe('Asterisk Call Manager/11.0.0');
  });

  it('parses fed whole', () => {
    const r = feed(bytes, 'whole');
    expect(r.greeting).toBe(greeting);
    expect(r.rest).toBe(0);
    compare(r.packets, expected);
  });

  it.each([1, 2, 3])('parses fed in random chunks (seed %i)', (seed) => {
    const r = feed(bytes, 'random', seed);
    expect(r.greeting).toBe(greeting);
    expect(r.rest).toBe(0);
    compare(r.packets, expected);
  });

  it('parses fed one byte at a time', () => {
    const r = feed(bytes, 'bytes');
    expect(r.greeting).toBe(greeting);
    expect(r.rest).toBe(0);
    compare(r.packets, expected);
  });

  it('reads single headers lazily exactly as the full decode does', () => {
    const { packets } = feed(bytes, 'whole');
    for (const p of packets) {
      const lazy = p as LazyPacket;
      const probe = new LazyPacket(lazy.text);
      for (const key of ['Event', 'ActionID', 'Response', 'EventList', 'Message', 'Nope', 'Channel', 'Uniqueid']) {
        expect(probe.header(key)).toBe(p.fields[key]);
      }
    }
  });
});

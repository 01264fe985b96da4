import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmiParser, parseAll } from '../../lib/ami/parser';
import { LazyPacket, decodePacket } from '../../lib/ami/decode';
import type { AmiPacket } from '../../lib/ami/packet';
import { allValues } from '../../lib/ami/packet';
import { serializeAction, type AmiAction } from '../../lib/ami/serialize';
import { readTranscript } from './transcripts';

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);
/** Any text without CR, LF or NUL, including non-ASCII. */
const headerValue = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\r\n\0]/.test(s));

function run(chunks: readonly Uint8Array[], options: { maxPacketBytes?: number; expectGreeting?: boolean } = {}) {
  const packets: AmiPacket[] = [];
  let oversize = 0;
  let greeting: string | undefined;
  let maxBuffered = 0;
  const parser = new AmiParser(
    { onPacket: (p) => packets.push(p), onGreeting: (g) => (greeting = g), onOversize: () => oversize++ },
    options,
  );
  for (const c of chunks) {
    parser.push(c);
    maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
  }
  // Every emitted packet must decode without throwing.
  const view = packets.map((p) => [p.fields, p.repeated ?? null, p.output ?? null]);
  return { view: JSON.stringify({ view, greeting }), oversize, maxBuffered, packets };
}

/** Cuts `bytes` at the given (sorted, deduplicated) positions. */
function cut(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const at = [...new Set(positions.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of at) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('parser properties', () => {
  it('parses what serializeAction writes back into the same headers', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s)),
        fc.uniqueArray(fc.tuple(headerName, fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 4 }))), {
          selector: ([k]) => k,
          maxLength: 12,
        }),
        (actionName, headers) => {
          const action: AmiAction = { Action: actionName };
          for (const [k, v] of headers) if (k !== 'Action') action[k] = v;
          const { packets } = parseAll(serializeAction(action), { expectGreeting: false });
          expect(packets).toHaveLength(1);
          const p = packets[0];
          for (const [k, v] of Object.entries(action)) {
            expect(allValues(p, k)).toEqual(Array.isArray(v) ? v : [String(v)]);
          }
          expect(Object.keys(p.fields).sort()).toEqual(Object.keys(action).sort());
          expect(p.output).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same packets however random bytes are chunked, without throwing', () => {
    const byte = fc.oneof(
      fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(...Buffer.from('Response: Follows--END COMMAND--Event: X')),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 400 }).map((a) => Uint8Array.from(a)),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        (bytes, positions, greet) => {
          const whole = run([bytes], { expectGreeting: greet });
          const chunked = run(cut(bytes, positions), { expectGreeting: greet });
          expect(chunked.view).toBe(whole.view);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps memory bounded and never throws on random bytes with a small size limit', () => {
    const max = 128;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x41, 0x3a), fc.integer({ min: 0, max: 255 })), { maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (arr, positions) => {
          const r = run(cut(Uint8Array.from(arr), positions), { maxPacketBytes: max, expectGreeting: true });
          expect(r.maxBuffered).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('emits the same greeting, packets and oversize reports however the stream is chunked, within the limit', () => {
    const token = fc.oneof(
      fc.constantFrom(
        'Asterisk Call Manager/11.0.0\r\n',
        'Event: A\r\n',
        `K: ${'v'.repeat(40)}\r\n`,
        '\r\n',
        '\n',
        '\r',
        ':',
        'é',
        'Response: Follows\r\n',
        'Response: Fol',
        '--END COMMAND--',
        '--END COMMAND--\r\n',
      ),
      fc.string({ maxLength: 4 }),
      fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a).toString('latin1')),
    );
    const seen = (chunks: readonly Uint8Array[], max: number, expectGreeting: boolean) => {
      const out: string[] = [];
      const parser = new AmiParser(
        {
          onPacket: (p) => out.push(JSON.stringify([p.fields, p.repeated, p.output])),
          onOversize: (n) => out.push(`oversize ${n}`),
          onGreeting: (g) => out.push(`greeting ${g}`),
        },
        { maxPacketBytes: max, expectGreeting },
      );
      for (const c of chunks) {
        parser.push(c);
        expect(parser.bufferedBytes).toBeLessThanOrEqual(max);
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 40 }).map((a) => Buffer.from(a.join(''))),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom(64, 100, 1000),
        (bytes, positions, greet, max) => {
          const whole = seen([bytes], max, greet);
          expect(seen(cut(bytes, positions), max, greet)).toEqual(whole);
          expect(
            seen(
              Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)),
              max,
              greet,
            ),
          ).toEqual(whole);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('survives mutated real traffic the same way however it is chunked', () => {
    const source = readTranscript('03-dashboard-actions.ami');
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('insert', 'delete', 'replace'),
      bytes: fc.array(fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x3a), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: source.length - 1 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.array(mutation, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (start, length, mutations, positions) => {
          const bytes = Array.from(source.subarray(start, start + length));
          for (const m of mutations) {
            const at = m.at % (bytes.length + 1);
            if (m.kind === 'insert') bytes.splice(at, 0, ...m.bytes);
            else if (m.kind === 'delete') bytes.splice(at, m.bytes.length);
            else bytes.splice(at, m.bytes.length, ...m.bytes);
          }
          const data = Uint8Array.from(bytes);
          const whole = run([data]);
          expect(run(cut(data, positions)).view).toBe(whole.view);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads single headers lazily exactly as the full decode does', () => {
    const line = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('Event', 'ActionID', 'Response', 'EventList', 'Message', 'X'),
          fc.constantFrom(':', ': ', ':  '),
          headerValue,
        )
        .map((t) => t.join('')),
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.constantFrom('\r\n', '\n'), (lines, eol) => {
        const text = lines.map((l) => l + eol).join('');
        const full = decodePacket(text);
        for (const key of ['Event', 'ActionID', 'Response', 'EventList', 'Message', 'X', 'Nope']) {
          expect(new LazyPacket(text).header(key)).toBe(full.fields[key]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

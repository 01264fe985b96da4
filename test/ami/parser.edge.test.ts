import { describe, expect, it } from 'vitest';
import { AmiParser, decodePacket, parseAll } from '../../lib/ami/parser';
import type { AmiPacket } from '../../lib/ami/packet';
import { allValues } from '../../lib/ami/packet';

function collect(options: { maxPacketBytes?: number; expectGreeting?: boolean } = {}) {
  const packets: AmiPacket[] = [];
  const oversize: number[] = [];
  const greetings: string[] = [];
  const parser = new AmiParser(
    { onPacket: (p) => packets.push(p), onGreeting: (g) => greetings.push(g), onOversize: (n) => oversize.push(n) },
    options,
  );
  return { parser, packets, oversize, greetings };
}

/** Feeds `bytes` split at every position (two chunks), and byte by byte; all must agree with feeding it whole. */
function everySplit(bytes: Buffer, options: { maxPacketBytes?: number; expectGreeting?: boolean } = {}) {
  const plain = (r: ReturnType<typeof collect>) =>
    JSON.stringify({ p: r.packets.map((p) => [p.fields, p.repeated, p.output]), o: r.oversize, g: r.greetings });
  const whole = collect(options);
  whole.parser.push(bytes);
  const expected = plain(whole);
  for (let i = 0; i <= bytes.length; i++) {
    const r = collect(options);
    r.parser.push(bytes.subarray(0, i));
    r.parser.push(bytes.subarray(i));
    expect(plain(r), `split at ${i}`).toBe(expected);
  }
  const byByte = collect(options);
  for (let i = 0; i < bytes.length; i++) byByte.parser.push(bytes.subarray(i, i + 1));
  expect(plain(byByte)).toBe(expected);
  return whole;
}

describe('AmiParser edge cases', () => {
  it('reads the greeting, split anywhere', () => {
    const r = everySplit(Buffer.from('Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\n\r\n'), { expectGreeting: true });
    expect(r.greetings).toEqual(['Asterisk Call Manager/11.0.0']);
    expect(r.packets.map((p) => p.fields)).toEqual([{ Response: 'Success', ActionID: '1' }]);
  });

  it('takes a header-shaped first line as a header when no banner comes', () => {
    const r = parseAll(Buffer.from('Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n'));
    expect(r.greeting).toBeUndefined();
    expect(r.packets[0].fields).toEqual({ Event: 'FullyBooted', Status: 'Fully Booted' });
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const r = everySplit(Buffer.from('Event: Newchannel\r\nCallerIDName: Zoë Ørsted 日本 🎧\r\n\r\n'));
    expect(r.packets[0].fields.CallerIDName).toBe('Zoë Ørsted 日本 🎧');
  });

  it('survives invalid UTF-8 with replacement characters', () => {
    const r = everySplit(Buffer.concat([Buffer.from('Event: X\r\nName: a'), Buffer.from([0xff, 0xc3]), Buffer.from('b\r\n\r\n')]));
    expect(r.packets[0].fields.Name).toBe('a\uFFFD\uFFFDb');
  });

  it('keeps repeated headers in order', () => {
    const r = everySplit(
      Buffer.from('Event: VarSet\r\nVariable: a=1\r\nChanVariable: x=1\r\nVariable: b=2\r\nVariable: c=3\r\nChanVariable: y=2\r\n\r\n'),
    );
    const p = r.packets[0];
    expect(p.fields.Variable).toBe('a=1');
    expect(allValues(p, 'Variable')).toEqual(['a=1', 'b=2', 'c=3']);
    expect(allValues(p, 'ChanVariable')).toEqual(['x=1', 'y=2']);
    expect(allValues(p, 'Event')).toEqual(['VarSet']);
  });

  it('tolerates bare LF, \\r\\n\\n, and stray blank lines between packets', () => {
    const r = everySplit(Buffer.from('\r\n\nEvent: A\nK: 1\n\n\r\nEvent: B\r\nK: 2\r\n\nEvent: C\r\nK: 3\r\n\r\n\r\n'));
    expect(r.packets.map((p) => p.fields)).toEqual([
      { Event: 'A', K: '1' },
      { Event: 'B', K: '2' },
      { Event: 'C', K: '3' },
    ]);
  });

  it('keeps a value exactly: empty, colons, extra spaces', () => {
    const r = everySplit(Buffer.from('Response: Success\r\nSystemName: \r\nNoSpace:x\r\nTime: 12:34:56\r\nPad:   two  \r\n\r\n'));
    expect(r.packets[0].fields).toEqual({ Response: 'Success', SystemName: '', NoSpace: 'x', Time: '12:34:56', Pad: '  two  ' });
  });

  it('puts lines without a header into output', () => {
    const r = everySplit(Buffer.from('Response: Success\r\njust text\r\n: no key\r\n\r\n'));
    expect(r.packets[0].output).toEqual(['just text', ': no key']);
  });

  it('reads a legacy Response: Follows body up to --END COMMAND--, blank and colon lines included', () => {
    const bytes = Buffer.from(
      'Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\n' +
        'Channel              Location\nSIP/1: busy\n\nlast line\n--END COMMAND--\r\n\r\n' +
        'Response: Success\r\nActionID: 8\r\n\r\n',
    );
    const r = everySplit(bytes);
    expect(r.packets).toHaveLength(2);
    expect(r.packets[0].fields).toEqual({ Response: 'Follows', Privilege: 'Command', ActionID: '7' });
    expect(r.packets[0].output).toEqual(['Channel              Location', 'SIP/1: busy', '', 'last line']);
    expect(r.packets[1].fields).toEqual({ Response: 'Success', ActionID: '8' });
  });

  it('reads a Follows body whose last line carries the terminator', () => {
    const r = everySplit(Buffer.from('Response: Follows\r\nPrivilege: Command\r\nNo such command--END COMMAND--\r\n\r\nEvent: X\r\n\r\n'));
    expect(r.packets[0].output).toEqual(['No such command']);
    expect(r.packets[1].fields.Event).toBe('X');
  });

  it('skips an oversized packet, reports it, and reads the next one', () => {
    const big = 'Event: Big\r\n' + 'Data: ' + 'x'.repeat(500) + '\r\n';
    const bytes = Buffer.from(`Event: A\r\n\r\n${big}\r\nEvent: B\r\n\r\n`);
    const r = everySplit(bytes, { maxPacketBytes: 200 });
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['A', 'B']);
    expect(r.oversize).toEqual([Buffer.byteLength(big) + 2]);
  });

  it('skips a Follows packet that never ends, within the size limit', () => {
    const r = collect({ maxPacketBytes: 1000 });
    r.parser.push(Buffer.from('Response: Follows\r\nPrivilege: Command\r\n'));
    for (let i = 0; i < 200; i++) {
      r.parser.push(Buffer.from(`line ${i}\n\n`));
      expect(r.parser.bufferedBytes).toBeLessThanOrEqual(1000);
    }
    r.parser.push(Buffer.from('--END COMMAND--\r\n\r\nEvent: After\r\n\r\n'));
    expect(r.oversize).toHaveLength(1);
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['After']);
  });

  it('keeps memory bounded on one endless line, then recovers', () => {
    const max = 64 * 1024;
    const r = collect({ maxPacketBytes: max });
    const junk = Buffer.alloc(16 * 1024, 'a');
    for (let i = 0; i < 640; i++) {
      r.parser.push(junk);
      expect(r.parser.bufferedBytes).toBeLessThanOrEqual(max);
    }
    r.parser.push(Buffer.from('\r\n\r\nEvent: Next\r\n\r\n'));
    expect(r.oversize).toEqual([640 * junk.length + 4]);
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['Next']);
  });

  it('keeps memory bounded on an endless greeting line', () => {
    const r = collect({ maxPacketBytes: 1024, expectGreeting: true });
    for (let i = 0; i < 100; i++) r.parser.push(Buffer.alloc(100, 'A'));
    expect(r.parser.bufferedBytes).toBeLessThanOrEqual(1024);
    r.parser.push(Buffer.from('\r\n\r\nEvent: X\r\n\r\n'));
    expect(r.greetings).toEqual([]);
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['X']);
  });

  it('waits on a CR at the very end of a chunk', () => {
    const r = collect();
    r.parser.push(Buffer.from('Event: A\r\nK: v\r'));
    expect(r.packets).toHaveLength(0);
    r.parser.push(Buffer.from('\n\r'));
    expect(r.packets).toHaveLength(0);
    r.parser.push(Buffer.from('\nEvent: B\r'));
    expect(r.packets.map((p) => p.fields)).toEqual([{ Event: 'A', K: 'v' }]);
    r.parser.push(Buffer.from('\n\r\n'));
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['A', 'B']);
  });

  it('treats __proto__ and constructor as ordinary headers', () => {
    const p = decodePacket('Event: X\r\n__proto__: a\r\nconstructor: b\r\ntoString: c\r\n');
    expect(p.fields.__proto__).toBe('a');
    expect(p.fields.constructor).toBe('b');
    expect(p.repeated).toBeUndefined();
    expect(Object.keys(p.fields)).toEqual(['Event', '__proto__', 'constructor', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('starts afresh after reset', () => {
    const r = collect({ expectGreeting: true });
    r.parser.push(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: Half'));
    r.parser.reset(true);
    expect(r.parser.bufferedBytes).toBe(0);
    r.parser.push(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: Whole\r\n\r\n'));
    expect(r.greetings).toHaveLength(2);
    expect(r.packets.map((p) => p.fields.Event)).toEqual(['Whole']);
  });

  it('stops framing when a handler resets it mid-chunk', () => {
    const seen: string[] = [];
    const parser: AmiParser = new AmiParser({
      onPacket: (p) => {
        seen.push(p.fields.Event);
        if (p.fields.Event === 'Stop') parser.reset(true);
      },
      onGreeting: (g) => seen.push(g),
    });
    parser.push(Buffer.from('Event: A\r\n\r\nEvent: Stop\r\n\r\nEvent: Lost\r\n\r\nEvent: Half'));
    expect(parser.bufferedBytes).toBe(0);
    parser.push(Buffer.from('Asterisk Call Manager/11.0.0\r\nEvent: B\r'));
    parser.push(Buffer.from('\n\r\n'));
    expect(seen).toEqual(['A', 'Stop', 'Asterisk Call Manager/11.0.0', 'B']);
  });
});

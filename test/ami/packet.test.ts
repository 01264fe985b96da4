import { describe, expect, it } from 'vitest';
import { LazyPacket, headerOf, toPlainPacket } from '../../lib/ami/decode';
import { asEvent, isEventNamed } from '../../lib/ami/events';
import { allValues, isEvent, isResponse } from '../../lib/ami/packet';

const lazy = (text: string) => new LazyPacket(text.replace(/\n/g, '\r\n'));

describe('packets', () => {
  it('tells events from responses, OriginateResponse being an event', () => {
    expect([isEvent(lazy('Event: Hangup\n')), isResponse(lazy('Event: Hangup\n'))]).toEqual([true, false]);
    expect([isEvent(lazy('Response: Success\n')), isResponse(lazy('Response: Success\n'))]).toEqual([false, true]);
    const originate = lazy('Event: OriginateResponse\nResponse: Failure\n');
    expect([isEvent(originate), isResponse(originate)]).toEqual([true, false]);
    const e = asEvent(originate);
    expect(e && isEventNamed(e, 'OriginateResponse')).toBe(true);
    expect(asEvent(lazy('Response: Success\n'))).toBeUndefined();
  });

  it('reads headers without decoding, and decodes to the same values', () => {
    const p = lazy('Event: VarSet\nVariable: a\nVariable: b\nValue:  two spaces\n');
    expect(headerOf(p, 'Value')).toBe(' two spaces');
    expect(headerOf(p, 'Variable')).toBe('a');
    expect(headerOf(p, 'Missing')).toBeUndefined();
    expect(allValues(p, 'Variable')).toEqual(['a', 'b']);
    expect(headerOf(p, 'Value')).toBe(p.fields.Value);
    expect(headerOf({ fields: { A: '1' } }, 'A')).toBe('1');
    const odd = lazy('Event: X\n: no key\na:b: c\n');
    for (const key of ['', 'a:b', 'a', '\na']) expect(headerOf(odd, key)).toBe(new LazyPacket(odd.text).fields[key]);
  });

  it('serialises and copies as plain data', () => {
    const p = lazy('Response: Follows\nPrivilege: Command\nline one\n--END COMMAND--\n');
    const plain = { fields: { Response: 'Follows', Privilege: 'Command' }, output: ['line one'] };
    expect(JSON.parse(JSON.stringify(p))).toEqual(plain);
    expect(toPlainPacket(p)).toEqual(plain);
    expect(p.text).toBe('Response: Follows\r\nPrivilege: Command\r\nline one\r\n--END COMMAND--\r\n');
  });
});

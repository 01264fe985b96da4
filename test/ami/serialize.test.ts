import { describe, expect, it } from 'vitest';
import { AmiSerializeError } from '../../lib/ami/errors';
import { isValidHeaderName, serializeAction, serializeActionText, validateHeaderValue } from '../../lib/ami/serialize';

function refusal(fn: () => unknown): AmiSerializeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AmiSerializeError);
    return e as AmiSerializeError;
  }
  throw new Error('did not throw');
}

describe('serializeAction', () => {
  it('writes Key: Value lines in order, lists as repeated headers, and a blank line', () => {
    const text = serializeActionText({
      Action: 'Originate',
      Channel: 'Local/101@phones',
      Priority: 1,
      Async: true,
      Variable: ['A=1', 'B=ü'],
      Account: undefined,
    });
    expect(text).toBe(
      'Action: Originate\r\nChannel: Local/101@phones\r\nPriority: 1\r\nAsync: true\r\nVariable: A=1\r\nVariable: B=ü\r\n\r\n',
    );
    expect(serializeAction({ Action: 'Ping' })).toEqual(Buffer.from('Action: Ping\r\n\r\n'));
    expect(serializeAction({ Action: 'Setvar', Value: 'ü' }).includes(Buffer.from('ü', 'utf8'))).toBe(true);
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nAction: Originate'],
    ['NUL', 'a\0b'],
  ])('refuses a value holding %s', (_, value) => {
    const e = refusal(() => serializeAction({ Action: 'Hangup', Channel: value }));
    expect(e.code).toBe('bad-value');
    expect(e.key).toBe('Channel');
  });

  it('refuses CR/LF inside a list item and inside the Action itself', () => {
    expect(refusal(() => serializeAction({ Action: 'Originate', Variable: ['ok=1', 'x=1\r\nAction: Logoff'] })).key).toBe('Variable');
    expect(refusal(() => serializeAction({ Action: 'Ping\r\nAction: Logoff' })).key).toBe('Action');
  });

  it.each(['', '1abc', 'Bad Key', 'Key:', 'Ké', 'a\r\nb', '-x'])('refuses the header name %j', (key) => {
    const e = refusal(() => serializeAction({ Action: 'Ping', [key]: 'v' }));
    expect(e.code).toBe('bad-key');
    expect(e.key).toBe(key);
  });

  it('refuses a missing Action and values of the wrong type', () => {
    expect(refusal(() => serializeAction({ Action: '' })).code).toBe('missing-action');
    expect(refusal(() => serializeAction({ Action: 'Ping', X: {} as unknown as string })).code).toBe('bad-value');
    expect(refusal(() => serializeAction({ Action: 'Ping', X: [1] as unknown as string[] })).code).toBe('bad-value');
  });

  it('refuses what Asterisk would truncate: lines over 1024 bytes, more than 128 headers', () => {
    const fits = 'x'.repeat(1024 - 'Data: \r\n'.length);
    expect(() => serializeAction({ Action: 'Ping', Data: fits })).not.toThrow();
    const long = refusal(() => serializeAction({ Action: 'Ping', Data: fits + 'x' }));
    expect([long.code, long.key]).toEqual(['too-long', 'Data']);
    expect(refusal(() => serializeAction({ Action: 'Ping', Data: 'é'.repeat(510) })).code).toBe('too-long');
    const vars = Array.from({ length: 127 }, (_, i) => `v${i}=1`);
    expect(() => serializeAction({ Action: 'Originate', Variable: vars })).not.toThrow();
    expect(refusal(() => serializeAction({ Action: 'Originate', Variable: [...vars, 'one=more'] })).code).toBe('too-many-headers');
  });

  it('exposes the same rules for reuse', () => {
    expect(isValidHeaderName('Cause-txt')).toBe(true);
    expect(isValidHeaderName('ChanVariable')).toBe(true);
    expect(isValidHeaderName('a b')).toBe(false);
    expect(() => validateHeaderValue('Exten', '101')).not.toThrow();
    expect(refusal(() => validateHeaderValue('Exten', '1\n01')).key).toBe('Exten');
  });
});

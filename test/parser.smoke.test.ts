import { describe, expect, it } from 'vitest';
import { parseAll } from '../lib/ami/parser';

describe('parser smoke', () => {
  it('reads a greeting and a packet', () => {
    const r = parseAll(Buffer.from('Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\n\r\n'));
    expect(r.greeting).toBe('Asterisk Call Manager/11.0.0');
    expect(r.packets).toHaveLength(1);
    expect(r.packets[0].fields.Response).toBe('Success');
  });
});

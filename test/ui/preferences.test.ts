import { describe, expect, it } from 'vitest';
import { expandTemplate, preferencesSchema, templateProblem, type ScreenPopValues } from '@/lib/preferences';
import { numberFromTel } from '@/lib/ui/tel';

const values: ScreenPopValues = {
  callerNum: '+15551234567',
  callerName: 'A&B <x>?y=1#z',
  queue: 'sales',
  call: '1795664596.106',
  extension: '201',
  pbx: 'main',
  did: '5550100',
};

describe('screen-pop templates', () => {
  it('puts each value in URL-encoded, so a caller name cannot add a parameter or leave the query', () => {
    const url = expandTemplate('https://crm.example/lookup?phone={callerNum}&name={callerName}&queue={queue}', values);
    expect(url).toBe('https://crm.example/lookup?phone=%2B15551234567&name=A%26B%20%3Cx%3E%3Fy%3D1%23z&queue=sales');
    const parsed = new URL(url);
    expect(parsed.host).toBe('crm.example');
    expect([...parsed.searchParams.keys()]).toEqual(['phone', 'name', 'queue']);
    expect(parsed.searchParams.get('name')).toBe(values.callerName);
  });

  it('refuses what is not an http(s) URL with a host of its own, and unknown placeholders', () => {
    expect(templateProblem('https://crm.example/c/{call}')).toBeNull();
    expect(templateProblem('javascript:alert(1)')).toMatch(/http/);
    expect(templateProblem('https://{callerNum}.evil.example/')).toMatch(/host/);
    expect(templateProblem('//crm.example/')).toMatch(/http/);
    expect(templateProblem('https://crm.example/?a={secret}')).toMatch(/Unknown placeholder \{secret\}/);
    expect(templateProblem('https://crm.example/?a={callerNum')).toMatch(/brace/);
    expect(templateProblem('https://crm.example/?a=1\r\nX: y')).toMatch(/control/);
    expect(templateProblem('https://crm.example/?a= b')).toMatch(/spaces/);
  });

  it('validates a whole set with the defaults filled in and unknown fields named', () => {
    expect(preferencesSchema.parse({})).toEqual({ sound: false, notifications: false, screenPop: null });
    expect(preferencesSchema.parse({ screenPop: { url: 'https://crm.example/?p={callerNum}' } }).screenPop).toEqual({
      url: 'https://crm.example/?p={callerNum}',
      on: 'ringing',
      open: 'tab',
    });
    const bad = preferencesSchema.safeParse({ sound: true, volume: 3 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toMatch(/Unknown field volume/);
  });
});

describe('numbers from tel: links', () => {
  it('takes the number and drops separators and parameters', () => {
    expect(numberFromTel('tel:+1-555-0100')).toBe('+15550100');
    expect(numberFromTel('tel:%2B1%20(555)%200100;phone-context=example.com')).toBe('+15550100');
    expect(numberFromTel('+44 20 7946 0000')).toBe('+442079460000');
    expect(numberFromTel('201')).toBe('201');
    expect(numberFromTel('*97')).toBe('*97');
  });

  it('answers no number rather than another one', () => {
    expect(numberFromTel('')).toBeNull();
    expect(numberFromTel('tel:5550100\r\nAction: Command')).toBeNull();
    expect(numberFromTel('5550100abc')).toBeNull();
    expect(numberFromTel('tel:%E0%A4%A')).toBeNull();
    expect(numberFromTel('1'.repeat(33))).toBeNull();
  });
});

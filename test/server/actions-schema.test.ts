import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseActionRequest } from '@/lib/actions';

describe('lib/actions schemas', () => {
  it('accepts what the UI sends', () => {
    for (const req of [
      { type: 'hangup', pbx: 'demo', channel: '1795664596.106' },
      { type: 'hangup', pbx: 'demo', channel: 'Local/23001@callers-00000035;1' },
      { type: 'hangup', pbx: 'demo', channel: 'PJSIP/101-0000002a' },
      { type: 'hangup', pbx: 'demo', call: '1795664596.106' },
      { type: 'originate', pbx: 'demo', from: '101', to: '*97' },
      { type: 'originate', pbx: 'demo', from: '101', to: '+4930123456', callerId: 'Zoë Müller <101>' },
      { type: 'originate', pbx: 'demo', from: '101', to: '0', callerId: '555' },
    ])
      expect(parseActionRequest(req), JSON.stringify(req)).toMatchObject({ ok: true });
  });

  it('refuses header injection, regex hangups, extra keys and junk with a message', () => {
    const bad = [
      { type: 'hangup', pbx: 'demo', channel: '101\r\nAction: Command' },
      { type: 'hangup', pbx: 'demo', channel: '/.*/' },
      { type: 'hangup', pbx: 'demo', channel: 'PJSIP/1\u0000' },
      { type: 'originate', pbx: 'demo', from: '101', to: '102\nCommand: core stop now' },
      { type: 'originate', pbx: 'demo', from: '101', to: '102', callerId: 'x <1>\r\nAction: Logoff' },
      { type: 'originate', pbx: 'demo', from: '101', to: '102', Application: 'System' },
      { type: 'originate', pbx: 'demo', from: 'PJSIP/101', to: '102' },
      { type: 'hangup' },
      { type: 'reload' },
      null,
      'hangup',
    ];
    for (const req of bad) {
      const r = parseActionRequest(req);
      expect(r.ok, JSON.stringify(req)).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(3);
    }
  });

  it('never lets a control character through (property)', () => {
    const withControl = fc
      .tuple(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('\r', '\n', '\0', '\r\n', '\u0085', '\u2028', '\t'),
        fc.string({ maxLength: 30 }),
      )
      .map(([a, c, b]) => a + c + b);
    fc.assert(
      fc.property(withControl, fc.constantFrom('channel', 'call', 'from', 'to', 'callerId'), (value, field) => {
        const req =
          field === 'channel' || field === 'call'
            ? { type: 'hangup', pbx: 'demo', [field]: value }
            : { type: 'originate', pbx: 'demo', from: '101', to: '102', [field]: value };
        expect(parseActionRequest(req).ok).toBe(false);
      }),
    );
  });
});

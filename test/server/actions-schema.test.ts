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

  it('accepts each supervisor action as the UI and REST send it', () => {
    for (const req of [
      { type: 'queue-add', pbx: 'demo', queue: 'billing', interface: 'PJSIP/204', name: 'Leo Brandt', penalty: 1, paused: false },
      { type: 'queue-add', pbx: 'demo', queue: 'sales', interface: 'Local/2006@agents/n', stateInterface: 'Custom:2006' },
      { type: 'queue-remove', pbx: 'demo', queue: 'billing', interface: 'PJSIP/204' },
      { type: 'queue-penalty', pbx: 'demo', interface: 'PJSIP/204', penalty: 2 },
      { type: 'queue-penalty', pbx: 'demo', queue: 'billing', interface: 'PJSIP/204', penalty: 0 },
      { type: 'transfer', pbx: 'demo', call: '1796114697.41', to: '205' },
      { type: 'transfer', pbx: 'demo', call: '1796114697.41', channel: '1796114697.43', to: '+4930123456' },
      { type: 'redirect', pbx: 'demo', call: '1796114697.41', to: '710' },
      { type: 'park', pbx: 'demo', call: '1796114697.41' },
      { type: 'pickup', pbx: 'demo', parked: 'default|801' },
      { type: 'listen', pbx: 'demo', call: '1796114697.41' },
      { type: 'whisper', pbx: 'demo', call: '1796114697.41' },
      { type: 'barge', pbx: 'demo', call: '1796114697.41', channel: '1796114697.43' },
    ])
      expect(parseActionRequest(req), JSON.stringify(req)).toMatchObject({ ok: true });
  });

  it('refuses bad supervisor actions in words that name the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'queue-add', pbx: 'demo', queue: 'billing', interface: '/PJSIP/.*/' }, /interface/i],
      [{ type: 'queue-add', pbx: 'demo', queue: 'bill\ring', interface: 'PJSIP/204' }, /queue/i],
      [{ type: 'queue-add', pbx: 'demo', queue: 'billing', interface: 'PJSIP/204', name: 'Leo\r\nAction: Command' }, /name/i],
      [{ type: 'queue-penalty', pbx: 'demo', interface: 'PJSIP/204', penalty: -1 }, /penalty is 0 or more/],
      [{ type: 'queue-penalty', pbx: 'demo', interface: 'PJSIP/204', penalty: 1.5 }, /whole number/],
      [{ type: 'queue-penalty', pbx: 'demo', interface: 'PJSIP/204', penalty: '2' }, /penalty must be a number/i],
      [{ type: 'queue-penalty', pbx: 'demo', interface: 'PJSIP/204' }, /penalty/i],
      [{ type: 'transfer', pbx: 'demo', call: '1796114697.41', to: '205\r\nAction: Command' }, /destination/i],
      [{ type: 'transfer', pbx: 'demo', call: '1796114697.41' }, /where the call goes/],
      [{ type: 'redirect', pbx: 'demo', call: '1796114697.41', to: 'internal,710' }, /destination/i],
      [{ type: 'park', pbx: 'demo', call: '1796114697.41', channel: 'PJSIP/202-00000015' }, /Uniqueid/],
      [{ type: 'park', pbx: 'demo', call: '1796114697.41', timeout: 30 }, /Unknown field "timeout"/],
      [{ type: 'pickup', pbx: 'demo', parked: '801' }, /parked call/i],
      [{ type: 'listen', pbx: 'demo' }, /which call/],
      [{ type: 'spy', pbx: 'demo', call: '1' }, /Unknown action type; use one of hangup, originate, pause, queue-add/],
    ];
    for (const [req, message] of cases) {
      const r = parseActionRequest(req);
      expect(r.ok, JSON.stringify(req)).toBe(false);
      if (!r.ok) expect(r.message, JSON.stringify(req)).toMatch(message);
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

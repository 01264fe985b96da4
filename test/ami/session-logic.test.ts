import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../lib/ami/backoff';
import { Correlator, type AmiResult } from '../../lib/ami/correlator';
import { decodePacket } from '../../lib/ami/decode';
import { AmiActionError } from '../../lib/ami/errors';
import { amiVersionOf, eventsHeader, loginAction, md5Key } from '../../lib/ami/login';

const pkt = (text: string) => decodePacket(text.replace(/\n/g, '\r\n'));

describe('backoffDelay', () => {
  it('grows exponentially up to the ceiling, jitter within its share', () => {
    const o = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, 0.999999, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(0, 0, o)).toBe(50);
    expect(backoffDelay(3, 0, o)).toBe(400);
    expect(backoffDelay(1e9, 0.5, DEFAULT_BACKOFF)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
  });
});

describe('login', () => {
  it('answers the MD5 challenge as Asterisk checks it', () => {
    // md5("123456789" + "secret"), computed with Python's hashlib.
    expect(md5Key('123456789', 'secret')).toBe('7ccde16e862dfe7681297713e9e9cadb');
    expect(loginAction({ username: 'u', secret: 's' }, '42')).toEqual({
      Action: 'Login',
      AuthType: 'MD5',
      Username: 'u',
      Key: md5Key('42', 's'),
      Events: 'on',
    });
    expect(loginAction({ username: 'u', secret: 's', events: 'off' })).toEqual({
      Action: 'Login',
      Username: 'u',
      Secret: 's',
      Events: 'off',
    });
  });

  it('builds the events mask and refuses junk classes', () => {
    expect(eventsHeader(['call', 'agent', 'system'])).toBe('call,agent,system');
    expect(eventsHeader([])).toBe('off');
    expect(() => eventsHeader(['call\r\nAction: Logoff'])).toThrow();
    expect(amiVersionOf('Asterisk Call Manager/11.0.0')).toBe('11.0.0');
    expect(amiVersionOf('garbage')).toBeUndefined();
  });
});

describe('Correlator', () => {
  function track(c: Correlator, action: string, asyncOriginate = false) {
    const id = c.nextActionId();
    const out: { error?: Error; result?: AmiResult } = {};
    c.track(id, action, asyncOriginate, (error, result) => {
      if (out.error || out.result) throw new Error('settled twice');
      if (error) out.error = error;
      else out.result = result!;
    });
    return { id, out };
  }

  it('never takes an event as an answer on its ActionID alone', () => {
    const c = new Correlator('t1-');
    const list = track(c, 'CoreShowChannels');
    expect(c.accept(pkt(`Response: Success\nActionID: ${list.id}\nEventList: start\n`))).toBe(true);
    // A foreign OriginateResponse with the same ActionID is a call event, not a list item.
    expect(c.accept(pkt(`Event: OriginateResponse\nActionID: ${list.id}\nResponse: Success\n`))).toBe(false);
    expect(c.accept(pkt(`Event: CoreShowChannel\nActionID: ${list.id}\nChannel: A\n`))).toBe(true);
    expect(c.accept(pkt(`Event: CoreShowChannelsComplete\nActionID: ${list.id}\nEventList: Complete\nListItems: 1\n`))).toBe(true);
    expect(list.out.result?.events.map((e) => e.fields.Channel)).toEqual(['A']);
    expect(list.out.result?.complete?.fields.ListItems).toBe('1');
  });

  it('keeps at most maxListItems items of a list and counts the rest (a list that never completes holds bounded memory)', () => {
    const c = new Correlator('t9-', 2);
    const list = track(c, 'CoreShowChannels');
    c.accept(pkt(`Response: Success\nActionID: ${list.id}\nEventList: start\n`));
    for (const name of ['A', 'B', 'C', 'D'])
      expect(c.accept(pkt(`Event: CoreShowChannel\nActionID: ${list.id}\nChannel: ${name}\n`))).toBe(true);
    c.accept(pkt(`Event: CoreShowChannelsComplete\nActionID: ${list.id}\nEventList: Complete\nListItems: 4\n`));
    expect(list.out.result?.events.map((e) => e.fields.Channel)).toEqual(['A', 'B']);
    expect(list.out.result?.dropped).toBe(2);
    // Within the bound: no `dropped` at all.
    const small = track(c, 'BridgeList');
    c.accept(pkt(`Response: Success\nActionID: ${small.id}\nEventList: start\n`));
    c.accept(pkt(`Event: BridgeListComplete\nActionID: ${small.id}\nEventList: Complete\nListItems: 0\n`));
    expect(small.out.result).not.toHaveProperty('dropped');
  });

  it('matches an OriginateResponse only to a pending async Originate', () => {
    const c = new Correlator('t2-');
    const o = track(c, 'Originate', true);
    // Before the Response, an OriginateResponse with our id cannot be ours yet.
    c.accept(pkt(`Event: OriginateResponse\nActionID: ${o.id}\nResponse: Failure\n`));
    expect(o.out).toEqual({});
    c.accept(pkt(`Response: Success\nActionID: ${o.id}\nMessage: Originate successfully queued\n`));
    expect(o.out).toEqual({});
    c.accept(pkt(`Event: OriginateResponse\nActionID: ${o.id}\nResponse: Success\nChannel: X\n`));
    expect(o.out.result?.originateResponse?.fields.Channel).toBe('X');
    expect(c.size).toBe(0);
  });

  it('rejects errors with the verbatim Message, drops late answers of its own, passes other events', () => {
    const c = new Correlator('t3-');
    const h = track(c, 'Hangup');
    c.accept(pkt(`Response: Error\nActionID: ${h.id}\nMessage: No such channel\n`));
    expect(h.out.error).toBeInstanceOf(AmiActionError);
    expect((h.out.error as AmiActionError).amiMessage).toBe('No such channel');
    const late = track(c, 'QueueStatus');
    expect(c.cancel(late.id, new Error('timeout'))).toBe(true);
    expect(c.accept(pkt(`Event: QueueMember\nActionID: ${late.id}\n`))).toBe(true);
    expect(c.accept(pkt('Event: Newchannel\nChannel: A\n'))).toBe(false);
    expect(c.accept(pkt('Event: QueueMember\nActionID: ceo-3\n'))).toBe(false);
    const p = track(c, 'Ping');
    c.failAll((action) => new Error(`lost ${action}`));
    expect(p.out.error?.message).toBe('lost Ping');
  });

  it('passes events straight through once nothing of ours is open', () => {
    const c = new Correlator('t4-');
    const list = track(c, 'BridgeList');
    c.accept(pkt(`Response: Success\nActionID: ${list.id}\nEventList: start\n`));
    expect(c.accept(pkt(`Event: BridgeListItem\nActionID: ${list.id}\n`))).toBe(true);
    c.accept(pkt(`Event: BridgeListComplete\nActionID: ${list.id}\nEventList: Complete\n`));
    expect(list.out.result?.events).toHaveLength(1);
    // The list is done and nothing timed out: an event is an event, whatever it carries.
    expect(c.accept(pkt(`Event: UserEvent\nActionID: ${list.id}\n`))).toBe(false);
    const o = track(c, 'Originate', true);
    c.accept(pkt(`Response: Success\nActionID: ${o.id}\n`));
    c.accept(pkt(`Event: OriginateResponse\nActionID: ${o.id}\nResponse: Success\n`));
    expect(o.out.result).toBeDefined();
    expect(c.size).toBe(0);
  });
});

/**
 * Golden tests of the call journal: the recorded sessions replayed through
 * the reducer and the journal, as the session feeds them, give the records a
 * person reads off the transcript (its .txt and its events).
 */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { cdrTalkSeconds, type CallRecord } from '../../lib/history/record';
import { replayJournal } from './journal-replay';

const byId = (records: CallRecord[]) => new Map(records.map((r) => [r.id, r]));

function expectTimesConsistent(r: CallRecord): void {
  expect(r.startedAt, r.id).toBeGreaterThan(0);
  expect(r.endedAt, r.id).toBeGreaterThanOrEqual(r.startedAt);
  if (r.queuedAt) expect(r.queuedAt, r.id).toBeGreaterThanOrEqual(r.startedAt);
  if (r.answeredAt) {
    expect(r.answeredAt, r.id).toBeGreaterThanOrEqual(r.queuedAt || r.startedAt);
    expect(r.answeredAt, r.id).toBeLessThanOrEqual(r.endedAt);
  }
  expect(r.holdSeconds, r.id).toBeLessThanOrEqual(r.talkSeconds + 0.1);
  for (const leg of r.legs) {
    expect(leg.startedAt, leg.channel).toBeGreaterThanOrEqual(r.startedAt);
    expect(leg.endedAt, leg.channel).toBeLessThanOrEqual(r.endedAt);
  }
}

describe('call journal, 02: one queue call answered, one abandoned', () => {
  const { records, live } = replayJournal('02-queue-answered-and-abandoned');
  const calls = byId(records);

  it('gives two records and follows nothing after', () => {
    expect(records).toHaveLength(2);
    expect(live).toBe(0);
  });

  it('the sales call: rang Alice and Bob, Bob answered at once and hung up first (AgentComplete Reason agent)', () => {
    const r = calls.get('1795664569.98')!;
    expect(r).toMatchObject({
      outcome: 'answered',
      queues: ['sales'],
      did: '520',
      from: { name: 'Customer 520', num: '22001' },
      to: { name: 'Bob', num: '2002' },
      agent: { name: 'Bob', interface: 'Local/2002@agents/n', queue: 'sales' },
      hungUpBy: 'callee',
      hangupCause: { code: 16, text: 'Normal Clearing' },
      withinSla: true,
      partial: false,
    });
    expect(r.agentsRung.map((a) => a.name)).toEqual(['Alice', 'Bob']);
    // AgentConnect says HoldTime 0, AgentComplete TalkTime 8.
    expect(r.waitSeconds).toBeLessThan(1);
    expect(Math.abs(r.talkSeconds - 8)).toBeLessThanOrEqual(1);
    expect(r.legs.filter((l) => l.party === 'agent')).toHaveLength(4);
    expect(r.legs.filter((l) => l.cause === 26)).toHaveLength(2); // Alice's legs: answered elsewhere
    expectTimesConsistent(r);
  });

  it('the support call: every agent paused, the caller hung up after 6 s (QueueCallerAbandon HoldTime 6)', () => {
    const r = calls.get('1795664570.104')!;
    expect(r).toMatchObject({ outcome: 'abandoned', queues: ['support'], agent: null, agentsRung: [], hungUpBy: 'caller', answeredAt: 0 });
    expect(r.to).toEqual({ name: 'support', num: '560' });
    expect(Math.abs(r.waitSeconds - 6)).toBeLessThanOrEqual(1);
    expect(r.talkSeconds).toBe(0);
    expectTimesConsistent(r);
  });
});

describe('call journal, 09: a queue call transferred, parked and picked up; three spies', () => {
  const { records, live } = replayJournal('09-supervisor-tools');
  const calls = byId(records);

  it('gives five records: the customer, three ChanSpy originates, the pick-up', () => {
    expect(live).toBe(0);
    expect([...calls.keys()].sort()).toEqual(['1796114697.41', '1796114702.44', '1796114707.45', '1796114713.46', '1796114730.48']);
  });

  it('the customer: answered by Jon Park in billing, blind-transferred to 205, parked on 801, with its six Cdrs', () => {
    const r = calls.get('1796114697.41')!;
    expect(r).toMatchObject({
      outcome: 'transferred',
      queues: ['billing'],
      agent: { name: 'Jon Park', interface: 'PJSIP/202', queue: 'billing' },
      from: { name: 'Account 601', num: '29001' },
      did: '601',
    });
    expect(r.transfers).toEqual([
      expect.objectContaining({ kind: 'blind', result: 'Success', by: 'PJSIP/202-00000015', to: '205@internal' }),
    ]);
    expect(r.parks).toEqual([expect.objectContaining({ lot: 'default', space: '801', parker: 'PJSIP/205' })]);
    expect(r.cdrs).toHaveLength(6);
    expect(r.cdrs.map((c) => c.lastApplication)).toEqual(['Queue', 'Dial', 'Park', 'Dial', 'Wait', 'Wait']);
    // The customer's own Cdrs (its forks) add up to the conversation.
    const own = r.cdrs.filter((c) => c.uniqueid === r.id).reduce((a, c) => a + c.billableSeconds, 0);
    expect(Math.abs(own - r.talkSeconds)).toBeLessThanOrEqual(1);
    expect(r.holdSeconds).toBeGreaterThan(0); // the Hold before the transfer
    // The agent's leg hung up as the transferer and 205's as the phone it was parked from: neither ended the
    // conversation. The customer's own leg, hung up at the end by another session, did.
    expect(r.hungUpBy).toBe('caller');
    expect(r.hangupCause).toEqual({ code: 16, text: 'Normal Clearing' });
    expectTimesConsistent(r);
  });

  it('each spy is answered by ChanSpy, and its Cdr (the first one too) agrees with its talk', () => {
    for (const id of ['1796114702.44', '1796114707.45', '1796114713.46']) {
      const r = calls.get(id)!;
      expect(r.outcome, id).toBe('answered');
      expect(r.cdrs, id).toHaveLength(1);
      expect(r.cdrs[0]).toMatchObject({ lastApplication: 'ChanSpy', disposition: 'ANSWERED' });
      expect(Math.abs(r.cdrs[0].billableSeconds - r.talkSeconds), id).toBeLessThanOrEqual(1);
    }
  });
});

/** What the transcript's own events say, read without the journal. */
function expectedFrom(packets: AmiPacket[]) {
  const legs = new Map<string, Set<string>>();
  const up = new Map<string, string>();
  const abandoned = new Set<string>();
  const connected = new Map<string, { name: string; queue: string }>();
  const rung = new Map<string, Set<string>>();
  const talk = new Map<string, { talk: number; reason: string }>();
  const cdrs = new Map<string, number>();
  for (const { fields: f } of packets) {
    if (f.Event === 'Newchannel') {
      const set = legs.get(f.Linkedid) ?? new Set();
      set.add(f.Uniqueid);
      legs.set(f.Linkedid, set);
      up.set(f.Uniqueid, f.Linkedid);
    } else if (f.Event === 'Hangup') up.delete(f.Uniqueid);
    else if (f.Event === 'QueueCallerAbandon') abandoned.add(f.Linkedid);
    else if (f.Event === 'AgentConnect') connected.set(f.Linkedid, { name: f.MemberName, queue: f.Queue });
    else if (f.Event === 'AgentCalled') rung.set(f.Linkedid, (rung.get(f.Linkedid) ?? new Set()).add(f.MemberName));
    else if (f.Event === 'AgentComplete') talk.set(f.Linkedid, { talk: Number(f.TalkTime), reason: f.Reason });
    else if (f.Event === 'Cdr') cdrs.set(f.UniqueID, (cdrs.get(f.UniqueID) ?? 0) + 1);
  }
  const stillUp = new Set(up.values());
  const ended = [...legs.keys()].filter((id) => !stillUp.has(id));
  return { ended, legs, abandoned, connected, rung, talk, cdrs };
}

describe.each(['04-busy-hour', '10-sip-busy-hour'])('call journal, %s: a busy minute', (name) => {
  const { records, live, packets } = replayJournal(name);
  const calls = byId(records);
  const want = expectedFrom(packets);

  it('gives one record per conversation that ended, and follows the ones still up', () => {
    expect([...calls.keys()].sort()).toEqual([...want.ended].sort());
    expect(records.length).toBeGreaterThan(80);
    expect(live).toBeGreaterThan(0);
    expect(records.every((r) => !r.partial)).toBe(true);
  });

  it('every caller who hung up in a queue is abandoned, and only they', () => {
    const got = records.filter((r) => r.outcome === 'abandoned').map((r) => r.id);
    expect(got.sort()).toEqual(want.ended.filter((id) => want.abandoned.has(id)).sort());
    expect(got.length).toBeGreaterThan(10);
  });

  it('the agent who answered, the queue, and every agent rung are the events’ own', () => {
    let n = 0;
    for (const r of records) {
      const agent = want.connected.get(r.id);
      expect(r.agent?.name ?? null, r.id).toBe(agent?.name ?? null);
      if (agent === undefined) continue;
      n++;
      expect(r.queues, r.id).toContain(agent.queue);
      expect(['answered', 'transferred'], r.id).toContain(r.outcome);
      expect(new Set(r.agentsRung.map((a) => a.name)), r.id).toEqual(want.rung.get(r.id));
    }
    expect(n).toBeGreaterThan(15);
  });

  it('times are consistent, and an agent’s talk agrees with AgentComplete’s TalkTime within 1 s', () => {
    let n = 0;
    for (const r of records) {
      expectTimesConsistent(r);
      const complete = want.talk.get(r.id);
      if (complete === undefined || complete.reason === 'transfer' || r.transfers.length) continue;
      n++;
      expect(Math.abs(r.talkSeconds - complete.talk), r.id).toBeLessThanOrEqual(1);
    }
    expect(n).toBeGreaterThan(10);
  });

  it('every Cdr of a finished conversation is matched by UniqueID, and agrees with the talk within 1 s', () => {
    let compared = 0;
    for (const r of records) {
      const expected = r.legs.reduce((a, l) => a + (want.cdrs.get(l.uniqueid) ?? 0), 0);
      expect(r.cdrs, r.id).toHaveLength(expected);
      const asterisk = cdrTalkSeconds(r);
      if (asterisk === null || r.outcome !== 'answered') continue;
      compared++;
      expect(Math.abs(asterisk - r.talkSeconds), r.id).toBeLessThanOrEqual(1);
    }
    if (name.startsWith('10')) expect(compared).toBeGreaterThan(30);
    else expect(compared).toBe(0); // 04 was recorded without cdr_manager
  });
});

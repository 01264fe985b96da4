/** The history page's call timeline, from records the journal makes of recorded sessions (09, 10). */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lib/history/record';
import { timeline } from '../../lib/ui/history/timeline';
import { replayJournal } from '../history/journal-replay';

const byId = (records: CallRecord[]) => new Map(records.map((r) => [r.id, r]));
const brief = (r: CallRecord) => timeline(r).map((e) => [e.kind, e.label, e.detail]);

describe('timeline, 10: a busy hour of queue and direct calls', () => {
  const calls = byId(replayJournal('10-sip-busy-hour').records);

  it('a sales call: joined the queue, rang Alice and Bob, Alice answered, and she hung up first', () => {
    expect(brief(calls.get('1796114759.62')!)).toEqual([
      ['start', 'Started: Customer 549 (25974) called 549', ''],
      ['queue', 'Joined queue sales', ''],
      ['ring', 'Rang Alice, Bob', 'Queue sales'],
      ['answer', 'Answered by Alice', 'Queue sales, after 0:00'],
      ['hangup', 'Hung up by the agent', 'Cause 16 Normal Clearing'],
      ['end', 'Ended', 'Wait 0:00, talk 0:13'],
    ]);
  });

  it('an abandoned billing call: joined, nobody rung or answering, the caller hung up after 13 s', () => {
    const r = calls.get('1796114775.184')!;
    const t = timeline(r);
    expect(t.map((e) => e.kind)).toEqual(['start', 'queue', 'hangup', 'end']);
    expect(t[1]).toMatchObject({ at: r.queuedAt, label: 'Joined queue billing' });
    expect(t[2]).toMatchObject({ at: r.endedAt, label: 'Hung up by the caller' });
    expect(t[3].detail).toBe('Wait 0:13, talk 0:00');
  });

  it('a direct call is answered by its callee, with no queue entry', () => {
    expect(brief(calls.get('1796114762.91')!).slice(0, 3)).toEqual([
      ['start', 'Started: Flo Kim (27237) called 203', ''],
      ['answer', 'Answered by Kim Vega (203)', 'after 0:01'],
      ['hangup', 'Hung up by the caller', 'Cause 16 Normal Clearing'],
    ]);
  });

  it('every record’s timeline starts with its start, ends with its end, and runs forward in time', () => {
    for (const r of calls.values()) {
      const t = timeline(r);
      expect(t[0]).toMatchObject({ kind: 'start', at: r.startedAt });
      expect(t.at(-1)).toMatchObject({ kind: 'end', at: r.endedAt });
      expect(
        t.filter((e) => e.kind === 'hangup'),
        r.id,
      ).toHaveLength(1);
      const times = t.map((e) => e.at);
      expect(times, r.id).toEqual([...times].sort((a, b) => a - b));
      if (r.agent)
        expect(
          t.some((e) => e.label === `Answered by ${r.agent?.name}`),
          r.id,
        ).toBe(true);
    }
  });
});

describe('timeline, 09: a queue call transferred and parked', () => {
  const calls = byId(replayJournal('09-supervisor-tools').records);

  it('the customer: answered by Jon Park, held, blind-transferred to 205, parked on 801, its own leg ended it', () => {
    const r = calls.get('1796114697.41')!;
    expect(brief(r)).toEqual([
      ['start', 'Started: Account 601 (29001) called 601', ''],
      ['queue', 'Joined queue billing', ''],
      ['ring', 'Rang Jon Park', 'Queue billing'],
      ['answer', 'Answered by Jon Park', 'Queue billing, after 0:01'],
      ['hold', 'On hold 0:05 in all', ''],
      ['transfer', 'Blind transfer to 205@internal', 'Success, asked by PJSIP/202-00000015'],
      ['park', 'Parked on 801', 'Lot default, returns to PJSIP/205'],
      // Jon Park left by the transfer and Mia Chen by the park, both hung up by Asterisk: neither ended the call.
      ['hangup', 'Hung up by the caller', 'Cause 16 Normal Clearing'],
      ['end', 'Ended', 'Wait 0:01, talk 0:43'],
    ]);
    const t = timeline(r);
    expect(t.find((e) => e.kind === 'transfer')?.at).toBe(r.transfers[0].at);
    expect(t.find((e) => e.kind === 'park')?.at).toBe(r.parks[0].at);
  });
});

describe('timeline, the parts the sessions lack', () => {
  const base = replayJournal('09-supervisor-tools').records.find((r) => r.id === '1796114697.41')!;

  it('a supervisor action is placed at its time and carries its audit entry', () => {
    const at = base.transfers[0].at - 1000;
    const r: CallRecord = { ...base, actions: [{ at, who: 'supervisor', action: 'listen', audit: 4096 }] };
    const t = timeline(r);
    const i = t.findIndex((e) => e.kind === 'action');
    expect(t[i]).toEqual({ at, kind: 'action', label: 'supervisor: listen', detail: 'Supervisor action through Callboard', audit: 4096 });
    expect(t[i + 1].kind).toBe('transfer');
  });

  it('a partial record says so, and an unknown answer time keeps the entry in its place', () => {
    const r: CallRecord = { ...base, partial: true, queuedAt: 0, transfers: [], parks: [], holdSeconds: 0 };
    const t = timeline(r);
    expect(t[0].detail).toMatch(/in part/);
    expect(t.map((e) => e.kind)).toEqual(['start', 'queue', 'ring', 'answer', 'hangup', 'end']);
    expect(t[3].label).toBe('Answered by Jon Park');
  });

  it('an entry with no time stays where the call lived it, not at the epoch', () => {
    const r: CallRecord = { ...base, transfers: [{ ...base.transfers[0], at: 0 }] };
    expect(timeline(r).map((e) => e.kind)).toEqual(['start', 'queue', 'ring', 'answer', 'hold', 'transfer', 'park', 'hangup', 'end']);
  });
});

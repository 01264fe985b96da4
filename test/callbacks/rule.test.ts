/**
 * The callback rule without a database: which stored calls leave a caller
 * owed a call and which close it, on the journal's own records of the busy
 * hour (10) and variations of them.
 */
import { describe, expect, it } from 'vitest';
import { callbackNumber, changesFor, foldChanges, owedBy, reachedBy, type Callback } from '../../lib/history/callbacks';
import type { CallRecord } from '../../lib/history/record';
import { replayJournal } from '../history/journal-replay';

const RECORDS = replayJournal('10-sip-busy-hour').records;
const byEnd = [...RECORDS].sort((a, b) => a.endedAt - b.endedAt);

function fold(records: readonly CallRecord[], open = new Map<string, Callback>()): Map<string, Callback> {
  for (const r of records) foldChanges(open, changesFor(open, r));
  return open;
}

const abandoned = byEnd.filter((r) => r.outcome === 'abandoned');
const first = abandoned[0];
const later = (r: CallRecord, ms: number, id: string): CallRecord => ({ ...r, id, startedAt: r.startedAt + ms, endedAt: r.endedAt + ms });
const answeredQueueCall = byEnd.find((r) => r.outcome === 'answered' && r.queues.length > 0)!;

describe('which calls leave a callback owed', () => {
  it('every abandoned queue call of the busy hour is owed, once per number, oldest first, in its queue', () => {
    expect(abandoned.length).toBeGreaterThan(5);
    const open = fold(byEnd);
    const owedNumbers = new Set(byEnd.filter((r) => owedBy(r)).map((r) => r.from.num));
    expect(new Set(open.keys())).toEqual(owedNumbers);
    const one = open.get(first.from.num)!;
    expect(one).toMatchObject({
      pbx: 'main',
      id: first.id,
      name: first.from.name,
      queue: 'billing',
      attempts: 1,
      state: 'open',
      firstAt: first.endedAt,
      lastCallId: first.id,
    });
  });

  it('ignores internal calls that queued nowhere, even unanswered', () => {
    const internalMissed = byEnd.filter((r) => r.direction === 'internal' && r.queues.length === 0 && r.outcome === 'missed');
    expect(internalMissed.length).toBeGreaterThan(0);
    for (const r of internalMissed) expect(owedBy(r)).toBeNull();
    expect(fold(internalMissed).size).toBe(0);
  });

  it('ignores a caller without a number to ring: anonymous, withheld, empty, a name', () => {
    for (const num of ['', 'anonymous', 'Anonymous', 'unknown', 'Restricted', '<unknown>', 's', '0', 'Ann'])
      expect(owedBy({ ...first, from: { name: 'x', num } })).toBeNull();
    expect(callbackNumber(' +1 (555) 123-4567 ')).toBe('+15551234567');
  });

  it('counts an inbound call missed outside any queue, but not a busy or answered one', () => {
    const inbound: CallRecord = { ...first, direction: 'inbound', queues: [], outcome: 'missed' };
    expect(owedBy(inbound)).toMatchObject({ number: first.from.num, queue: '' });
    expect(owedBy({ ...inbound, outcome: 'busy' })).toBeNull();
    expect(owedBy({ ...inbound, outcome: 'answered' })).toBeNull();
    expect(owedBy({ ...first, direction: 'outbound', queues: [], outcome: 'missed' })).toBeNull();
  });
});

describe('repeat attempts', () => {
  it('bump the open callback rather than adding one; a record seen twice changes nothing', () => {
    const again = later(first, 60_000, 'again.1');
    const open = fold([first, again, again, first]);
    expect([...open.values()].filter((c) => c.number === first.from.num)).toHaveLength(1);
    expect(open.get(first.from.num)).toMatchObject({
      id: first.id,
      attempts: 2,
      lastAt: again.endedAt,
      lastCallId: 'again.1',
      firstAt: first.endedAt,
    });
  });
});

describe('closing by itself', () => {
  it('a later answered inbound (queue) call from that number closes it, naming the call', () => {
    const back = { ...later(answeredQueueCall, first.endedAt - answeredQueueCall.startedAt + 1000, 'back.1'), from: first.from };
    const open = fold([first]);
    const changes = changesFor(open, back);
    expect(changes).toHaveLength(1);
    expect(changes[0].callback).toMatchObject({
      id: first.id,
      state: 'done',
      doneBy: 'auto',
      doneHow: 'auto',
      doneCallId: 'back.1',
      doneAt: back.endedAt,
    });
    foldChanges(open, changes);
    expect(open.has(first.from.num)).toBe(false);
  });

  it('an answered call we placed to that number closes it (outbound, or internal as in the demo)', () => {
    for (const direction of ['outbound', 'internal'] as const) {
      const callBack: CallRecord = {
        ...later(answeredQueueCall, first.endedAt - answeredQueueCall.startedAt + 5000, `cb.${direction}`),
        direction,
        queues: [],
        agent: null,
        from: { name: 'Alice', num: '2001' },
        to: { name: '', num: first.from.num },
      };
      expect(reachedBy(callBack)).toContain(first.from.num);
      const open = fold([first, callBack]);
      expect(open.has(first.from.num)).toBe(false);
    }
  });

  it('an unanswered call back, or an answered call that ended before the one owed, leaves it open', () => {
    const earlier: CallRecord = { ...answeredQueueCall, id: 'early.1', from: first.from, endedAt: first.endedAt - 1 };
    const unanswered: CallRecord = { ...later(first, 9000, 'cb.2'), direction: 'outbound', queues: [], outcome: 'missed', to: first.from };
    const open = fold([first, earlier, unanswered]);
    expect(open.get(first.from.num)).toMatchObject({ state: 'open', attempts: 1 });
  });

  it('an inbound answered call to that number (it rang us, not them) does not close it', () => {
    const inbound: CallRecord = {
      ...later(answeredQueueCall, first.endedAt, 'in.1'),
      direction: 'inbound',
      from: { name: '', num: '5550000' },
      to: first.from,
    };
    expect(fold([first, inbound]).has(first.from.num)).toBe(true);
  });
});

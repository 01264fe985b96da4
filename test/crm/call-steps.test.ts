/**
 * The CRM's call steps, replayed from the transcripts through the same path
 * the server feeds (the state engine's ops, the journal's records): the
 * exact events in order, once per call and step, nothing new on a resync,
 * and bounded memory.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../lib/alerts/model';
import { emptyState, resync } from '../../lib/pbx';
import { CallSteps } from '../../server/crm/call-steps';
import { segments } from '../pbx/transcripts';
import { replaySteps } from './replay';

const brief = (e: CallEvent) =>
  `${e.type} ${e.call} ${e.queue ?? '-'} ${e.callerNum} ${e.agent || '-'}${e.record ? ` ${e.record.outcome}` : ''}`;

describe('call steps from the transcripts', () => {
  it('09: a billing call rung and answered at 202, blind-transferred to 205, parked and picked up by 203', () => {
    const { events } = replaySteps('09-supervisor-tools');
    expect(events.map(brief)).toEqual([
      'call.ringing 1796114697.41 billing 29001 202',
      'call.answered 1796114697.41 billing 29001 202',
      'call.ended 1796114702.44 - 206 s answered',
      'call.transferred 1796114697.41 billing 29001 205',
      'call.ringing 1796114697.41 billing 29001 205',
      'call.ended 1796114707.45 - 206 s answered',
      'call.ended 1796114713.46 - 206 s answered',
      'call.transferred 1796114697.41 billing 29001 203',
      'call.ended 1796114730.48 - 203 801 answered',
      'call.ended 1796114697.41 billing 29001 202 transferred',
    ]);
    const ended = events.at(-1)!;
    expect(ended.callerName).toBe('Account 601');
    expect(ended.record?.transfers.map((t) => t.kind)).toEqual(['blind']);
    expect(ended.at).toBe(ended.record!.endedAt);
  });

  it('02: a queue call answered by a Local member, and one abandoned', () => {
    const { events } = replaySteps('02-queue-answered-and-abandoned');
    // Local members ring as Down channels (AgentCalled's DestChannelState 0): Asterisk shows no ringing channel.
    expect(events.map(brief)).toEqual([
      'call.answered 1795664569.98 sales 22001 2002',
      'call.ended 1795664570.104 support 22002 - abandoned',
      'call.ended 1795664569.98 sales 22001 2002 answered',
    ]);
  });

  for (const name of ['04-busy-hour', '10-sip-busy-hour']) {
    it(`${name}: each step once per call, in a call's own order, and an end for every record`, () => {
      const { events } = replaySteps(name);
      const seen = new Set<string>();
      const order = new Map<string, string[]>();
      for (const e of events) {
        const key = `${e.type} ${e.call} ${e.type === 'call.answered' || e.type === 'call.ended' ? '' : e.agent}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
        order.set(e.call, [...(order.get(e.call) ?? []), e.type]);
      }
      for (const [call, types] of order) {
        const answered = types.indexOf('call.answered');
        const ended = types.indexOf('call.ended');
        if (answered >= 0)
          expect(types.slice(answered + 1).includes('call.ringing') && !types.includes('call.transferred'), call).toBe(false);
        if (ended >= 0) expect(ended, call).toBe(types.length - 1);
      }
      const count = (t: string) => events.filter((e) => e.type === t).length;
      expect(count('call.ringing')).toBeGreaterThan(0);
      expect(count('call.answered')).toBeGreaterThan(count('call.ringing') / 2);
      expect(count('call.ended')).toBeGreaterThan(50);
      for (const e of events.filter((x) => x.type === 'call.ended')) expect(e.record?.id).toBe(e.call);
    });
  }

  it('10: ringing at the SIP phones before the answer at the same phone', () => {
    const { events } = replaySteps('10-sip-busy-hour');
    const answered = new Set(events.filter((e) => e.type === 'call.answered').map((e) => e.call));
    const first = events.find((e) => e.type === 'call.ringing' && e.queue === null && answered.has(e.call))!;
    const answer = events.find((e) => e.type === 'call.answered' && e.call === first.call)!;
    expect(answer.agent).toBe(first.agent);
    expect(events.indexOf(answer)).toBeGreaterThan(events.indexOf(first));
  });
});

describe('no duplicates, bounded memory', () => {
  it('sends nothing again when the lists are read again (a resync)', () => {
    const segs = segments('10-sip-busy-hour');
    const lists = segs.filter((s) => s.kind === 'list');
    const channels = lists.filter((s) => s.action === 'CoreShowChannels').at(-1)!;
    const bridges = lists.filter((s) => s.action === 'BridgeList').at(-1)!;
    const state = emptyState();
    const steps = new CallSteps('main');
    const now = 1_796_114_900_000;
    const first = steps.ops(resync(state, { channels: channels.items, bridges: bridges.items }, now), state, now);
    const again = steps.ops(resync(state, { channels: channels.items, bridges: bridges.items }, now + 1000), state, now + 1000);
    expect(again).toEqual([]);
    // A call dropped from the lists and listed again (a link flap) is still known.
    const without = resync(state, { channels: [], bridges: [] }, now + 2000);
    expect(steps.ops(without, state, now + 2000)).toEqual([]);
    const back = steps.ops(resync(state, { channels: channels.items, bridges: bridges.items }, now + 3000), state, now + 3000);
    expect(back).toEqual([]);
    // The first read adopts the calls up at connect: those already answered say so once (after a restart, again).
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first.map((e) => e.type))).toEqual(new Set(['call.answered']));
  });

  it('sends each record’s end once, and forgets the oldest calls past its bound', () => {
    const steps = new CallSteps('main', 50);
    const { events } = replaySteps('10-sip-busy-hour', steps);
    const ended = events.filter((e) => e.type === 'call.ended');
    expect(steps.tracked).toBe(50);
    // The same records stored again (a retried write) send nothing for the calls it still knows.
    const last = ended.slice(-10).map((e) => e.record!);
    expect(steps.records(last)).toEqual([]);
    // Another PBX's records are not this one's.
    expect(steps.records(last.map((r) => ({ ...r, pbx: 'other' })))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseWallParams, pickPanels, wallPages, type WallBoard } from '@/lib/ui/wallboard-select';

const boards: WallBoard[] = [
  { id: 'hq', label: 'Head office', queues: ['sales', 'support'], ready: true },
  { id: 'branch', label: 'Branch', queues: ['support', 'billing'], ready: true },
];

describe('parseWallParams', () => {
  it('reads comma lists in order, trimmed, without repeats', () => {
    expect(parseWallParams('?queues=support,%20sales,support&pbx=hq')).toEqual({
      pbx: ['hq'],
      queues: ['support', 'sales'],
      rotate: null,
      charts: false,
    });
  });
  it('clamps the rotation to 5–600 s and ignores what is not a number', () => {
    expect(parseWallParams('?rotate=2').rotate).toBe(5);
    expect(parseWallParams('?rotate=20').rotate).toBe(20);
    expect(parseWallParams('?rotate=99999').rotate).toBe(600);
    expect(parseWallParams('?rotate=soon').rotate).toBeNull();
    expect(parseWallParams('?rotate=').rotate).toBeNull();
    expect(parseWallParams('?charts=1').charts).toBe(true);
  });
  it('reads at most 50 names, each at most 80 characters', () => {
    const p = parseWallParams(`?queues=${Array.from({ length: 80 }, (_, i) => `q${i}`).join(',')},${'x'.repeat(200)}`);
    expect(p.queues).toHaveLength(50);
    expect(parseWallParams(`?queues=${'x'.repeat(200)}`).queues[0]).toHaveLength(80);
  });
  it('`pbx=all` is every PBX', () => {
    expect(parseWallParams('?pbx=all').pbx).toEqual([]);
  });
});

describe('pickPanels', () => {
  it('everything, in board order, when the URL names nothing', () => {
    expect(pickPanels(boards, { pbx: [], queues: [] }).panels).toEqual([
      { pbx: 'hq', queue: 'sales' },
      { pbx: 'hq', queue: 'support' },
      { pbx: 'branch', queue: 'support' },
      { pbx: 'branch', queue: 'billing' },
    ]);
  });
  it('the queues in the order given, on each PBX that has them; unknown ones named', () => {
    expect(pickPanels(boards, { pbx: [], queues: ['billing', 'nope', 'sales'] })).toEqual({
      panels: [
        { pbx: 'branch', queue: 'billing' },
        { pbx: 'hq', queue: 'sales' },
      ],
      unknownPbx: [],
      unknownQueues: ['nope'],
    });
  });
  it('PBXs by id or label, in the order given; an unknown one is named', () => {
    const pick = pickPanels(boards, { pbx: ['Branch', 'mars'], queues: ['support', 'sales'] });
    expect(pick.panels).toEqual([{ pbx: 'branch', queue: 'support' }]);
    expect(pick.unknownPbx).toEqual(['mars']);
    // sales is on hq, which this wall does not follow.
    expect(pick.unknownQueues).toEqual(['sales']);
  });
  it('calls nothing unknown before the snapshots are in', () => {
    const pick = pickPanels([{ ...boards[0], queues: [], ready: false }], { pbx: [], queues: ['sales'] });
    expect(pick).toEqual({ panels: [], unknownPbx: [], unknownQueues: [] });
    expect(pickPanels([], { pbx: ['hq'], queues: [] }).unknownPbx).toEqual([]);
  });
});

describe('wallPages', () => {
  it('one page, no rotation, when everything fits; the charts under the cards', () => {
    expect(wallPages(12, { rotate: null, charts: true })).toEqual({
      pages: [{ kind: 'queues', from: 0, to: 12 }],
      seconds: null,
      chartsUnder: true,
    });
  });
  it('more than twelve queues are split evenly and rotate by default', () => {
    expect(wallPages(14, { rotate: null, charts: false })).toEqual({
      pages: [
        { kind: 'queues', from: 0, to: 7 },
        { kind: 'queues', from: 7, to: 14 },
      ],
      seconds: 15,
      chartsUnder: false,
    });
  });
  it('`rotate` gives the charts their own page', () => {
    expect(wallPages(3, { rotate: 30, charts: true })).toEqual({
      pages: [{ kind: 'queues', from: 0, to: 3 }, { kind: 'charts' }],
      seconds: 30,
      chartsUnder: false,
    });
    // Nothing to turn to: a single page does not rotate.
    expect(wallPages(3, { rotate: 30, charts: false }).seconds).toBeNull();
  });
});

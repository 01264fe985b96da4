/** The state engine's bounds (options, no I/O) and its drift recorder. */
import { describe, expect, it } from 'vitest';
import { DriftRecorder, emptyState, resync, step, type Drop, type StepOptions } from '../../lib/pbx';
import { chanEv, type Chan } from './events';

const NOW = 1_795_000_000_000;
const chan = (i: number, extra: Partial<Chan> = {}): Chan => ({ uid: `1.${i}`, name: `PJSIP/10${i}-0000000${i}`, num: '101', ...extra });
const item = (c: Chan) => ({
  fields: {
    Event: 'CoreShowChannel',
    Channel: c.name,
    Uniqueid: c.uid,
    Linkedid: c.linkedid ?? c.uid,
    Context: 'c',
    Exten: '1',
    Priority: '1',
    ChannelState: '6',
    ChannelStateDesc: 'Up',
    Application: 'Wait',
    ApplicationData: '',
    CallerIDNum: c.num ?? '',
    CallerIDName: c.cname ?? '',
    ConnectedLineNum: '',
    ConnectedLineName: '',
    BridgeId: '',
    Duration: '00:00:01',
  },
});

function withDrops(opts: StepOptions = {}) {
  const drops: Drop[] = [];
  return { drops, options: { ...opts, onDrop: (d: Drop) => drops.push(d) } };
}

describe('limits', () => {
  it('a new channel past maxEntities is not stored, nor joined to a call, and is reported', () => {
    const { drops, options } = withDrops({ limits: { maxEntities: { channels: 3, calls: 3 } } });
    const state = emptyState();
    for (let i = 0; i < 5; i++) step(state, chanEv('Newchannel', chan(i)), NOW, options);
    expect(Object.keys(state.channels)).toEqual(['1.0', '1.1', '1.2']);
    expect(Object.keys(state.calls)).toEqual(['1.0', '1.1', '1.2']);
    expect(drops).toEqual([
      { what: 'entity', kind: 'channels', id: '1.3', limit: 3 },
      { what: 'entity', kind: 'channels', id: '1.4', limit: 3 },
    ]);
    // Room again after a hangup.
    step(state, chanEv('Hangup', chan(0)), NOW, options);
    step(state, chanEv('Newchannel', chan(4)), NOW, options);
    expect(state.channels['1.4']).toBeDefined();
  });

  it('resync with more listed channels than the bound keeps the bound, reports the rest, and does not throw', () => {
    const { drops, options } = withDrops({ limits: { maxEntities: { channels: 2 } } });
    const state = emptyState();
    resync(state, { channels: [0, 1, 2, 3].map((i) => item(chan(i))) }, NOW, options);
    expect(Object.keys(state.channels)).toHaveLength(2);
    expect(drops.filter((d) => d.what === 'entity')).toHaveLength(2);
  });

  it('values past maxFieldLength are cut (with an ellipsis) and reported; a repeat of the same long value changes nothing', () => {
    const { drops, options } = withDrops({ limits: { maxFieldLength: 64 } });
    const state = emptyState();
    const long = chan(1, { cname: 'N'.repeat(900 * 1024) });
    step(state, chanEv('Newchannel', long), NOW, options);
    expect(state.channels['1.1'].callerName).toBe(`${'N'.repeat(63)}…`);
    expect(state.calls['1.1'].from.name).toHaveLength(64);
    expect(drops[0]).toEqual({ what: 'field', kind: 'channels', id: '1.1', field: 'callerName', length: 900 * 1024, limit: 64 });
    expect(step(state, chanEv('NewCallerid', long), NOW, options)).toEqual([]);
  });

  it('an id longer than maxFieldLength is refused, and quoted short in the report', () => {
    const { drops, options } = withDrops({ limits: { maxFieldLength: 64 } });
    const state = emptyState();
    const uid = 'u'.repeat(5000);
    step(state, chanEv('Newchannel', chan(1, { uid })), NOW, options);
    expect(Object.keys(state.channels)).toEqual([]);
    expect(drops[0]).toMatchObject({ what: 'id', kind: 'channels', length: 5000, limit: 64 });
    expect((drops[0] as { id: string }).id.length).toBeLessThanOrEqual(81);
  });

  it('no limits: nothing reported, nothing cut', () => {
    const { drops, options } = withDrops();
    const state = emptyState();
    step(state, chanEv('Newchannel', chan(1, { cname: 'x'.repeat(5000) })), NOW, options);
    expect(state.channels['1.1'].callerName).toHaveLength(5000);
    expect(drops).toEqual([]);
  });
});

describe('DriftRecorder in resync', () => {
  it('counts entities added, removed and changed per kind, and nothing for a board in sync', () => {
    const state = emptyState();
    const a = chan(1);
    const b = chan(2);
    resync(state, { channels: [item(a), item(b)] }, NOW);
    let drift = new DriftRecorder();
    resync(state, { channels: [item(a), item(b)] }, NOW + 1, { drift });
    expect(drift.summary()).toEqual({ total: 0, byKind: {}, differences: [] });

    drift = new DriftRecorder();
    resync(state, { channels: [item({ ...a, num: '999' }), item(chan(3))] }, NOW + 2, { drift });
    const s = drift.summary();
    expect(s.byKind.channels).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(s.byKind.calls).toMatchObject({ added: 1, removed: 1 });
    expect(s.differences).toContainEqual({
      kind: 'channels',
      id: '1.1',
      change: 'changed',
      fields: { callerNum: { board: '101', asterisk: '999' } },
    });
    expect(s.differences).toContainEqual({ kind: 'channels', id: '1.2', change: 'removed' });
    expect(s.differences).toContainEqual({ kind: 'channels', id: '1.3', change: 'added' });
  });
});

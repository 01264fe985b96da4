/**
 * The reducer's bookkeeping of queue calls stays on the server: a full replay
 * of every transcript sends none of it in an op, and no view's snapshot holds
 * it, while the reducer did use it to count the calls.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyState, resync, step, type ResyncLists } from '../../lib/pbx';
import { memberCall } from '../../lib/pbx/queues';
import { PROTOCOL_VERSION, type Op, type Snapshot } from '../../lib/protocol';
import { stateForView, VIEWS } from '../../server/realtime/views';
import { clockAfter, segments, TRANSCRIPTS, type ListAction } from './transcripts';

const SERVER_ONLY = ['callStartedAt', 'callInSl', 'pendingTalkTime', 'awaitingTalkTime'];
// PJSIPShowAors adds nothing the model holds: its items are read by no list key.
const LIST_KEY: Record<ListAction, keyof ResyncLists | 'none'> = {
  CoreShowChannels: 'channels',
  Status: 'status',
  QueueStatus: 'queues',
  BridgeList: 'bridges',
  ParkedCalls: 'parked',
  PJSIPShowEndpoints: 'endpoints',
  PJSIPShowContacts: 'contacts',
  PJSIPShowAors: 'none',
  DeviceStateList: 'devices',
  ExtensionStateList: 'hints',
};
const NAMES = readdirSync(TRANSCRIPTS)
  .filter((f) => f.endsWith('.ami'))
  .map((f) => f.slice(0, -'.ami'.length));

/** Every field name anywhere in `value`, however deep. */
function fieldNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) fieldNames(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      fieldNames(v, into);
    }
  }
  return into;
}

describe('server-only bookkeeping', () => {
  it.each(NAMES)('%s: no op and no snapshot carries it', (name) => {
    const segs = segments(name);
    const state = emptyState();
    const ops: Op[] = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      const now = clockAfter(segs, i, 1);
      if (s.kind === 'event') ops.push(...step(state, s.packet, now));
      else if (s.kind === 'list') ops.push(...resync(state, { [LIST_KEY[s.action]]: s.items }, now));
    }
    const wire = fieldNames(JSON.parse(JSON.stringify(ops)));
    for (const view of VIEWS) {
      const snapshot: Snapshot = { protocol: PROTOCOL_VERSION, pbx: 'p', seq: 1, state: stateForView(state, view), serverTime: 0 };
      fieldNames(JSON.parse(JSON.stringify(snapshot)), wire);
    }
    expect(wire.has('inCall') || Object.keys(state.members).length === 0).toBe(true);
    for (const field of SERVER_ONLY) expect(wire.has(field), field).toBe(false);
  });

  it('is still kept, and used, on the server', () => {
    // 04: agents answer queue calls while we watch, so their call starts are known.
    const segs = segments('04-busy-hour');
    const state = emptyState();
    let started = 0;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s.kind !== 'event') continue;
      step(state, s.packet, clockAfter(segs, i, 1));
      if (s.packet.fields.Event === 'AgentConnect') {
        const id = `${s.packet.fields.Queue}|${s.packet.fields.Interface}`;
        if (memberCall(state, id).callStartedAt > 0) started++;
      }
    }
    expect(started).toBeGreaterThan(0);
    expect(Object.values(state.queues).some((q) => q.completed > 0)).toBe(true);
  });
});

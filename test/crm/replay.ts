/**
 * Replays a transcript through the state engine, the call journal and the
 * CRM's call steps together, as the server feeds them: each event's ops (and
 * each resync's) into the steps, each finished record as if stored.
 */
import { headerOf } from '../../lib/ami/decode';
import type { CallEvent } from '../../lib/alerts/model';
import { CallJournal } from '../../lib/history/journal';
import { emptyState, resync, step, type ResyncLists } from '../../lib/pbx';
import { CallSteps } from '../../server/crm/call-steps';
import { clockAfter, segments } from '../pbx/transcripts';

export function replaySteps(name: string, steps = new CallSteps('main')): { events: CallEvent[]; steps: CallSteps } {
  const segs = segments(name);
  const state = emptyState();
  const journal = new CallJournal({ pbx: 'main' });
  const events: CallEvent[] = [];
  let pending: ResyncLists | undefined;
  const flush = (now: number) => {
    if (pending === undefined) return;
    events.push(...steps.ops(resync(state, pending, now), state, now));
    journal.reconcile(state, now);
    pending = undefined;
  };
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const now = clockAfter(segs, i, 1);
    if (s.kind === 'event') {
      flush(now);
      events.push(...steps.ops(step(state, s.packet, now), state, now));
      journal.event(s.packet, headerOf(s.packet, 'Event'), now, state);
      events.push(...steps.records(journal.take(now)));
      continue;
    }
    if (s.kind !== 'list') continue;
    pending ??= {};
    if (s.action === 'CoreShowChannels') pending.channels = s.items;
    if (s.action === 'QueueStatus') pending.queues = s.items;
    if (s.action === 'BridgeList') pending.bridges = s.items;
    if (s.action === 'ParkedCalls') pending.parked = s.items;
  }
  flush(Number.MAX_SAFE_INTEGER);
  events.push(...steps.records(journal.drain()));
  return { events, steps };
}

/**
 * Replays a transcript through the reducer and the call journal together, as
 * the session feeds them: each event after `step`, a reconcile after each run
 * of lists. Stops at the final lists, like test/pbx/transcripts.ts.
 */
import { headerOf } from '../../lib/ami/decode';
import type { AmiPacket } from '../../lib/ami/packet';
import { CallJournal } from '../../lib/history/journal';
import type { CallRecord } from '../../lib/history/record';
import { emptyState, resync, step, type PbxState, type ResyncLists } from '../../lib/pbx';
import { clockAfter, segments } from '../pbx/transcripts';

export interface JournalReplay {
  records: CallRecord[];
  /** Conversations still live at the end. */
  live: number;
  state: PbxState;
  journal: CallJournal;
  /** Events handed to the journal. */
  events: number;
  /** The events before the final lists, as replayed. */
  packets: AmiPacket[];
}

export function replayJournal(name: string, opts: { cdrWaitMs?: number } = {}): JournalReplay {
  const segs = segments(name);
  let stop = segs.length;
  for (const action of ['CoreShowChannels', 'QueueStatus', 'BridgeList']) {
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.kind === 'list' && s.action === action) {
        stop = Math.min(stop, i);
        break;
      }
    }
  }
  const state = emptyState();
  const journal = new CallJournal({ pbx: 'main', cdrWaitMs: opts.cdrWaitMs });
  const records: CallRecord[] = [];
  let pending: ResyncLists | undefined;
  let events = 0;
  const packets: AmiPacket[] = [];
  const flush = (now: number) => {
    if (pending === undefined) return;
    resync(state, pending, now);
    journal.reconcile(state, now);
    pending = undefined;
  };
  for (let i = 0; i < stop; i++) {
    const s = segs[i];
    const now = clockAfter(segs, i, 1);
    if (s.kind === 'event') {
      flush(now);
      step(state, s.packet, now);
      journal.event(s.packet, headerOf(s.packet, 'Event'), now, state);
      events++;
      packets.push(s.packet);
      records.push(...journal.take(now));
      continue;
    }
    if (s.kind !== 'list') continue;
    pending ??= {};
    if (s.action === 'CoreShowChannels') pending.channels = s.items;
    if (s.action === 'QueueStatus') pending.queues = s.items;
    if (s.action === 'BridgeList') pending.bridges = s.items;
    if (s.action === 'ParkedCalls') pending.parked = s.items;
  }
  records.push(...journal.drain());
  return { records, live: journal.size, state, journal, events, packets };
}

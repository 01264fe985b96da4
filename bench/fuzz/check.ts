/**
 * After a resync the state must equal the lists it was resynced against:
 * the same channels (and their fields), bridges and members, queues, members
 * and callers, and calls that account for every channel exactly once.
 * Returns what differs, or null.
 */
import type { AmiPacket } from '@/lib/ami/packet';
import { callerId, memberId, type PbxState } from '@/lib/pbx';
import type { ListSet } from './corpus';

export function differences(state: PbxState, lists: ListSet): string | null {
  const channels = lists.channels.map((p) => p.fields);
  if (Object.keys(state.channels).length !== new Set(channels.map((f) => f.Uniqueid)).size) {
    return `channels: ${Object.keys(state.channels).length} held, ${channels.length} listed`;
  }
  for (const f of channels) {
    const c = state.channels[f.Uniqueid];
    if (!c) return `channel ${f.Uniqueid} missing`;
    const want = [
      f.Channel,
      Number(f.ChannelState),
      f.CallerIDNum,
      f.ConnectedLineNum,
      f.Context,
      f.Exten,
      f.BridgeId,
      f.Linkedid,
      f.Application,
    ];
    const got = [c.name, c.state, c.callerNum, c.connectedNum, c.context, c.exten, c.bridgeId, c.linkedId, c.app];
    if (want.some((w, i) => w !== got[i])) return `channel ${f.Uniqueid}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`;
  }
  const bridges = lists.bridges.map((p) => p.fields);
  if (Object.keys(state.bridges).length !== bridges.length)
    return `bridges: ${Object.keys(state.bridges).length} held, ${bridges.length} listed`;
  for (const f of bridges) {
    const b = state.bridges[f.BridgeUniqueid];
    if (!b) return `bridge ${f.BridgeUniqueid} missing`;
    const members = channels
      .filter((c) => c.BridgeId === f.BridgeUniqueid)
      .map((c) => c.Uniqueid)
      .sort();
    if (b.type !== f.BridgeType || [...b.channels].sort().join() !== members.join()) return `bridge ${b.id} differs`;
  }
  const queues = byEvent(lists.queues);
  if (Object.keys(state.queues).length !== queues.QueueParams.length) return 'queue count differs';
  for (const f of queues.QueueParams) {
    const q = state.queues[f.Queue];
    if (!q || q.calls !== Number(f.Calls) || q.completed !== Number(f.Completed) || q.abandoned !== Number(f.Abandoned))
      return `queue ${f.Queue} differs`;
  }
  if (Object.keys(state.members).length !== queues.QueueMember.length) return 'member count differs';
  for (const f of queues.QueueMember) {
    const m = state.members[memberId(f.Queue, f.Location)];
    if (!m || m.status !== Number(f.Status) || m.paused !== (f.Paused === '1') || m.inCall !== (f.InCall === '1'))
      return `member ${f.Queue}|${f.Location} differs`;
  }
  if (Object.keys(state.callers).length !== queues.QueueEntry.length) return 'caller count differs';
  for (const f of queues.QueueEntry) {
    const c = state.callers[callerId(f.Queue, f.Uniqueid)];
    if (!c || c.position !== Number(f.Position)) return `caller ${f.Queue}|${f.Uniqueid} differs`;
  }
  const seen = new Set<string>();
  for (const call of Object.values(state.calls)) {
    for (const uid of call.channels) {
      if (state.channels[uid]?.linkedId !== call.id || seen.has(uid)) return `call ${call.id} holds channel ${uid} wrongly`;
      seen.add(uid);
    }
  }
  if (seen.size !== Object.keys(state.channels).length) return 'a channel is in no call';
  return null;
}

function byEvent(items: AmiPacket[]): Record<'QueueParams' | 'QueueMember' | 'QueueEntry', Record<string, string>[]> {
  const out = {
    QueueParams: [] as Record<string, string>[],
    QueueMember: [] as Record<string, string>[],
    QueueEntry: [] as Record<string, string>[],
  };
  for (const p of items) {
    const e = p.fields.Event as keyof typeof out;
    if (e in out) out[e].push(p.fields);
  }
  return out;
}

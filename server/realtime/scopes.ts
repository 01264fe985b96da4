/**
 * Queue scopes: what a user limited to some queues may see of a PBX's state.
 *
 * In scope are the scope's queues, their members and waiting callers, the
 * calls whose `queue` is one of them, and what hangs off those calls: their
 * channels, the bridges those channels are in, their parked calls and spies
 * (both by `linkedId`, the call's id). Devices are in scope when they are the
 * `stateInterface` of an in-scope member; endpoints when they are its
 * `interface` or `stateInterface`, with their contacts; today's figures of
 * the scope's queues and their memberships; the alerts of the scope's
 * queues and of the PBX link. Everything else (other queues,
 * calls that never went through a queue of the scope) is not.
 *
 * A bridge in scope lists only the channels the scope sees: a transfer or a
 * conference can bridge an in-scope call with a channel of another queue's,
 * and its id (`PJSIP/205-…` in the name's uniqueid) is not the scope's to know.
 *
 * Visibility is decided from the state alone, so a batch's filtered ops are
 * computed from the state after the batch: an entity that comes into scope
 * (a call whose queue was just set, and its channels) is sent whole, one that
 * leaves it gets a delete, and the ops of an entity that stays in scope pass
 * as they are. Each scope is filtered once per batch, however many clients
 * share it (server/realtime/fanout.ts).
 */
import { ENTITY_KINDS, setTable, table, tableOf, type EntityKind, type EntityOf, type EntityTables, type PbxState } from '@/lib/pbx/model';
import { remove, upsert, type Op } from '@/lib/protocol';

export interface Scope {
  /** Stable name of the scope: its queues, sorted, joined by `,` (queue names never hold one). */
  readonly key: string;
  readonly queues: ReadonlySet<string>;
}

/** The scope of a grant's queue list; null for every queue (no scope). */
export function scopeOf(queues: readonly string[] | null): Scope | null {
  if (queues === null) return null;
  const sorted = [...new Set(queues)].sort();
  return { key: sorted.join(','), queues: new Set(sorted) };
}

/** The ids of each kind a scope sees. */
export type Visible = ReadonlyMap<EntityKind, ReadonlySet<string>>;

export function visibleIn(state: PbxState, scope: Scope): Visible {
  const out = new Map<EntityKind, Set<string>>(ENTITY_KINDS.map((k) => [k, new Set<string>()]));
  const get = (kind: EntityKind) => out.get(kind)!;
  const { queues } = scope;
  for (const q of queues) {
    if (Object.hasOwn(state.queues, q)) get('queues').add(q);
    if (Object.hasOwn(state.queueDays, q)) get('queueDays').add(q);
  }
  for (const id in state.memberDays) if (queues.has(state.memberDays[id].queue)) get('memberDays').add(id);
  const devices = get('devices');
  const endpoints = get('endpoints');
  for (const id in state.members) {
    const m = state.members[id];
    if (!queues.has(m.queue)) continue;
    get('members').add(id);
    if (m.stateInterface && Object.hasOwn(state.devices, m.stateInterface)) devices.add(m.stateInterface);
    // The phone the member is rung on, or whose state it follows (a Local member's PJSIP phone).
    if (Object.hasOwn(state.endpoints, m.interface)) endpoints.add(m.interface);
    if (m.stateInterface && Object.hasOwn(state.endpoints, m.stateInterface)) endpoints.add(m.stateInterface);
  }
  if (endpoints.size) for (const id in state.contacts) if (endpoints.has(state.contacts[id].endpoint)) get('contacts').add(id);
  for (const id in state.callers) if (queues.has(state.callers[id].queue)) get('callers').add(id);
  const calls = get('calls');
  const channels = get('channels');
  for (const id in state.calls) {
    const call = state.calls[id];
    if (!queues.has(call.queue)) continue;
    calls.add(id);
    for (const ch of call.channels) if (Object.hasOwn(state.channels, ch)) channels.add(ch);
  }
  const bridges = get('bridges');
  for (const ch of channels) {
    const bridge = state.channels[ch].bridgeId;
    if (bridge && Object.hasOwn(state.bridges, bridge)) bridges.add(bridge);
  }
  for (const id in state.parked) if (calls.has(state.parked[id].linkedId)) get('parked').add(id);
  for (const id in state.spies) if (calls.has(state.spies[id].linkedId)) get('spies').add(id);
  // A queue's alerts, and the PBX link's, which every user of the PBX sees in its status anyway.
  for (const id in state.alerts) {
    const alert = state.alerts[id];
    if (alert.queue === null ? alert.kind === 'link' : queues.has(alert.queue)) get('alerts').add(id);
  }
  return out;
}

/** The state a scope sees: its entities only, in fresh null-prototype tables; the PBX status as it is. */
export function stateInScope(state: PbxState, visible: Visible): PbxState {
  const out = { ...state };
  for (const kind of ENTITY_KINDS) copyVisible(out, state, kind, visible.get(kind)!);
  // The tables are the copy's own by now: only the bridge entities themselves must not be shared.
  for (const id in out.bridges) out.bridges[id] = { ...out.bridges[id], channels: channelsSeen(state, id, visible) };
  return out;
}

/** A bridge's member channels that the scope sees, in the bridge's order. */
function channelsSeen(state: PbxState, bridge: string, visible: Visible): string[] {
  const seen = visible.get('channels')!;
  return (state.bridges[bridge]?.channels ?? []).filter((ch) => seen.has(ch));
}

/** Bridge ops as the scope must get them: their channel lists cut to what it sees. */
function cutBridgeOp(op: Op, state: PbxState, visible: Visible): Op {
  if (op[0] !== 'u' || op[1] !== 'bridges' || !('channels' in op[3])) return op;
  return upsert('bridges', op[2], { ...op[3], channels: channelsSeen(state, op[2], visible) });
}

function copyVisible<K extends EntityKind>(out: EntityTables, state: EntityTables, kind: K, ids: ReadonlySet<string>): void {
  const source = tableOf(state, kind);
  const t = table<EntityOf<K>>();
  for (const id of ids) t[id] = source[id];
  setTable(out, kind, t);
}

/**
 * One scope's view of the op stream: what its clients hold (the ids they
 * see), and each batch as they must receive it. One per scope per fan-out,
 * shared by every client and view of that scope.
 */
export class ScopeTracker {
  private visible: Visible;
  /** Per bridge in scope, the channel list its clients hold, joined: a change of it alone must reach them too. */
  private bridgeChannels: Map<string, string>;

  constructor(
    readonly scope: Scope,
    state: PbxState,
  ) {
    this.visible = visibleIn(state, scope);
    this.bridgeChannels = this.heldBridgeChannels(state);
  }

  private heldBridgeChannels(state: PbxState): Map<string, string> {
    const out = new Map<string, string>();
    for (const id of this.visible.get('bridges')!) out.set(id, channelsSeen(state, id, this.visible).join(' '));
    return out;
  }

  /** The state at this tracker's seq, as the scope sees it. */
  state(state: PbxState): PbxState {
    return stateInScope(state, this.visible);
  }

  /** The batch `ops` (already applied to `state`) for this scope's clients; moves the tracker to the state after it. */
  update(ops: readonly Op[], state: PbxState): Op[] {
    const before = this.visible;
    const after = visibleIn(state, this.scope);
    const out: Op[] = [];
    for (const op of ops) {
      if (op[0] === 's') out.push(op);
      // In scope before and after: the client holds it, and the op keeps it equal to the server's.
      else if (before.get(op[1])!.has(op[2]) && after.get(op[1])!.has(op[2])) out.push(op);
    }
    for (const kind of ENTITY_KINDS) changes(state, kind, before.get(kind)!, after.get(kind)!, out);
    for (let i = 0; i < out.length; i++) out[i] = cutBridgeOp(out[i], state, after);
    this.visible = after;
    // A bridge that stayed in scope while one of its channels came into it or left it: its list changed without an op.
    const held = this.bridgeChannels;
    this.bridgeChannels = this.heldBridgeChannels(state);
    const sent = new Set(out.filter((op) => op[0] === 'u' && op[1] === 'bridges' && 'channels' in op[3]).map((op) => op[2] as string));
    for (const [id, channels] of this.bridgeChannels)
      if (held.has(id) && held.get(id) !== channels && !sent.has(id))
        out.push(upsert('bridges', id, { channels: channelsSeen(state, id, after) }));
    return out;
  }
}

/** Entities that came into scope, sent whole from the current state; those that left it, deleted. */
function changes<K extends EntityKind>(state: PbxState, kind: K, before: ReadonlySet<string>, after: ReadonlySet<string>, out: Op[]): void {
  const source = tableOf(state, kind);
  for (const id of after) if (!before.has(id)) out.push(upsert(kind, id, source[id]));
  for (const id of before) if (!after.has(id)) out.push(remove(kind, id));
}

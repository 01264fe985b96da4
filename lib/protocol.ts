/**
 * The wire between the server and the browser. Both sides import this file;
 * it must not import from server/ or React.
 *
 * State travels once as a snapshot, then as numbered batches of small ops.
 * The browser's state is always `snapshot(seq N) + batches N+1…M`, applied by
 * the same `applyOps` the server uses, so the two can never drift apart
 * without a visible gap in `seq`.
 */
import type { EntityKind, EntityOf, PbxState, PbxStatus, Table } from './pbx/model';
import { copyTable, ENTITY_KINDS, setTable, tableOf } from './pbx/model';
import type { Grants } from './grants';

export type { EntityKind, EntityOf, PbxState } from './pbx/model';

/**
 * One upsert tuple per kind, its `fields` that kind's. Indexed with a generic
 * kind this stays unresolved, its constraint the union of every kind's
 * tuple, which is what lets an upsert of a generic kind join an `Op[]`.
 */
type UpsertOps = { [K in EntityKind]: readonly ['u', K, string, Partial<EntityOf<K>>] };

/** Merge `fields` into entity `id` of `kind`, creating it if absent. `UpsertOp` alone: of any kind. */
export type UpsertOp<K extends EntityKind = EntityKind> = UpsertOps[K];
/** Remove entity `id` of `kind`; harmless when absent. */
export type DeleteOp = readonly ['d', EntityKind, string];
/** Merge `fields` into the PBX status. */
export type StatusOp = readonly ['s', Partial<PbxStatus>];
export type Op = UpsertOp | DeleteOp | StatusOp;

/**
 * TypeScript cannot see that a tuple built from a generic kind is the member
 * of the per-kind union for that kind; the overload states it, the
 * implementation builds the one shape every member shares.
 */
export function upsert<K extends EntityKind>(kind: K, id: string, fields: Partial<EntityOf<K>>): UpsertOp<K>;
export function upsert(kind: EntityKind, id: string, fields: object): readonly ['u', EntityKind, string, object] {
  return ['u', kind, id, fields];
}
export const remove = (kind: EntityKind, id: string): DeleteOp => ['d', kind, id];
export const status = (fields: Partial<PbxStatus>): StatusOp => ['s', fields];

/**
 * The shape of snapshots, ops and actions. Raise it with any change a bundle
 * built before the change could misread. A page whose bundle speaks another
 * version reloads itself rather than apply a shape it does not know:
 * wallboards run for months and reconnect across upgrades.
 */
export const PROTOCOL_VERSION = 8;

/**
 * A PBX id, as configured: what REST paths (`/api/pbx/{id}/…`), wallboard
 * URLs (`?pbx=`) and every message on the wire name a PBX by.
 */
export const PBX_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** A PBX a client follows, as the server lists it on connect (in configured order). */
export interface PbxInfo {
  id: string;
  label: string;
  /** The reasons the pause dialog offers first for this PBX's agents. */
  pauseReasons?: string[];
}

/** Each PBX has its own seq: a gap or a resync on one never disturbs another. */
export interface OpBatch {
  pbx: string;
  seq: number;
  ops: Op[];
}

export interface Snapshot {
  /** The server's PROTOCOL_VERSION. */
  protocol: number;
  pbx: string;
  seq: number;
  state: PbxState;
  /** Server clock (ms since the epoch) when the snapshot was taken, for the browser's clock offset. */
  serverTime: number;
}

/**
 * Applies ops to `state` in place. Entity objects are never mutated, only
 * replaced, so a consumer that holds an old entity keeps a consistent value and
 * reference equality tells what changed. The tables must have no prototype
 * (emptyState, copyForOps, adoptState): ids are looked up as plain keys.
 */
export function applyOps(state: PbxState, ops: readonly Op[]): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    switch (op[0]) {
      case 'u':
        upsertInto(state, op);
        break;
      case 'd':
        delete tableOf(state, op[1])[op[2]];
        break;
      case 's':
        state.pbx = { ...state.pbx, ...op[1] };
        break;
    }
  }
}

function upsertInto<K extends EntityKind>(state: PbxState, op: UpsertOp<K>): void {
  const table = tableOf(state, op[1]);
  const prev = table[op[2]];
  // The first upsert of an entity carries all of it (lib/pbx creates entities whole); a type cannot say "first".
  table[op[2]] = (prev === undefined ? { id: op[2], ...op[3] } : { ...prev, ...op[3] }) as EntityOf<K>;
}

/**
 * A shallow copy of `state` in which every collection that `ops` touch is a
 * fresh object, so that an immutable consumer (the zustand store) can
 * `applyOps` to it and still see new references exactly where things changed.
 */
export function copyForOps(state: PbxState, ops: readonly Op[]): PbxState {
  const next = { ...state };
  const copied = new Set<EntityKind>();
  for (const op of ops) {
    if (op[0] === 's') continue;
    const kind = op[1];
    if (copied.has(kind)) continue;
    copied.add(kind);
    setTable(next, kind, copyTable(tableOf(state, kind)));
  }
  return next;
}

/**
 * A state that came through JSON (a snapshot) with its entity tables made
 * null-prototype, in place: JSON.parse builds ordinary objects, in which an
 * id such as `constructor` would find Object.prototype's member and an
 * upsert of `__proto__` would replace the table's prototype. Every snapshot
 * goes through this before the first `applyOps`.
 */
export function adoptState(state: PbxState): PbxState {
  for (const kind of ENTITY_KINDS) adoptTable(state, kind);
  return state;
}

function adoptTable(state: PbxState, kind: EntityKind): void {
  const t: unknown = state[kind];
  // The entities are the server's own, in our PROTOCOL_VERSION (SyncClient checked it); only the tables' prototypes need fixing.
  setTable(state, kind, copyTable(typeof t === 'object' && t !== null ? (t as Table<EntityOf<EntityKind>>) : {}));
}

// ---- actions -------------------------------------------------------------

/** Every action names the PBX it is for. */
export type ActionRequest =
  | { type: 'hangup'; pbx: string; channel: string }
  | { type: 'hangup'; pbx: string; call: string }
  | { type: 'originate'; pbx: string; from: string; to: string; callerId?: string }
  | { type: 'pause'; pbx: string; interface: string; queue?: string; paused: boolean; reason?: string }
  | {
      type: 'queue-add';
      pbx: string;
      queue: string;
      interface: string;
      name?: string;
      penalty?: number;
      paused?: boolean;
      stateInterface?: string;
    }
  | { type: 'queue-remove'; pbx: string; queue: string; interface: string }
  | { type: 'queue-penalty'; pbx: string; queue?: string; interface: string; penalty: number }
  /**
   * Call actions name the call; `channel` (a Uniqueid of the call) picks the
   * leg when the default is not the one: transfer, listen, whisper and barge
   * act on the answering party's leg, redirect and park on the caller's.
   */
  | { type: 'transfer'; pbx: string; call: string; channel?: string; to: string }
  | { type: 'redirect'; pbx: string; call: string; channel?: string; to: string }
  | { type: 'park'; pbx: string; call: string; channel?: string }
  | { type: 'pickup'; pbx: string; parked: string }
  | { type: 'listen' | 'whisper' | 'barge'; pbx: string; call: string; channel?: string }
  /** A CLI command through AMI's Command (admins, and only what the console's allowlist allows). */
  | { type: 'command'; pbx: string; command: string };

export type ActionErrorCode = 'invalid' | 'unauthenticated' | 'forbidden' | 'rate-limited' | 'link-down' | 'timeout' | 'ami';

export type ActionResult =
  | {
      ok: true;
      message: string;
      /** For originate: the Uniqueid of the new channel, when Asterisk gave one. */
      uniqueid?: string;
      /** For command: the CLI's output lines (at most a bounded number), and whether more were cut. */
      output?: string[];
      truncated?: boolean;
    }
  | { ok: false; code: ActionErrorCode; /** Asterisk's own text when it refused, else ours. */ message: string };

// ---- socket.io event maps ---------------------------------------------------

export interface ServerToClientEvents {
  /** First on every connect: the PBXs this client follows; a snapshot of each follows. */
  pbxs: (list: PbxInfo[]) => void;
  snapshot: (snapshot: Snapshot) => void;
  ops: (batch: OpBatch) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot of one PBX, e.g. after a gap in its `seq`. */
  resync: (pbx: string) => void;
  action: (request: ActionRequest, ack: (result: ActionResult) => void) => void;
}

export type Role = 'viewer' | 'supervisor' | 'admin' | 'wallboard';

export interface SocketData {
  user: string;
  role: Role;
  address: string;
  /** The PBXs this socket follows. */
  pbxs: string[];
  /** What the socket's user may do and see; its queue scope is fixed for the socket's life (a change reconnects it). */
  grants: Grants;
}

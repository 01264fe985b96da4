/**
 * State to browsers: a snapshot on connect (and on request), then the ops of
 * each window as one numbered batch, serialised once and broadcast to every
 * client that is keeping up. A client whose unsent bytes pass a bound leaves
 * the broadcast, loses its backlog, and gets a fresh snapshot once it has
 * drained; nobody else waits for it.
 *
 * Clients see the state through their view (server/realtime/views.ts) and
 * their queue scope (server/realtime/scopes.ts): each (view, scope) pair has
 * its own room, each batch is filtered once per scope and redacted once per
 * (view, scope), and broadcast to that room, never once per client.
 */
import type { Server, Socket } from 'socket.io';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type Op,
  type PbxState,
  type Role,
  type ServerToClientEvents,
  type SocketData,
  type Snapshot,
} from '@/lib/protocol';
import type { Logger } from '../log';
import { dropQueuedEvents, unsentBytes } from './engine-internals';
import { opsForView, stateForView, viewOf, type View } from './views';
import { scopeOf, ScopeTracker, visibleIn, stateInScope, type Scope } from './scopes';

/** Our events that a fresh snapshot makes obsolete in a lagging client's queue. */
const STATE_EVENTS: ReadonlySet<string> = new Set(['ops', 'snapshot']);

export type CallboardServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type CallboardSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface OpSource {
  readonly state: PbxState;
  onOps(listener: (ops: readonly Op[]) => void): () => void;
}

export interface FanoutOptions {
  /** The PBX this fan-out serves: its id names its rooms and is in every snapshot and batch. */
  pbx: string;
  batchMs: number;
  /** Unsent bytes past which a client is cut off from the broadcast. */
  maxBufferedBytes?: number;
  /** Unsent bytes below which a cut-off client gets its fresh snapshot. */
  resumeBelowBytes?: number;
  now?: () => number;
  log: Logger;
  /** Roles whose clients see caller numbers masked. */
  maskRoles?: ReadonlySet<Role>;
}

/** Clients that receive the same bytes: one view, one queue scope (null: every queue), one room. */
interface Group {
  readonly room: string;
  readonly view: View;
  readonly scope: Scope | null;
}

const DRAIN_CHECK_MS = 100;
/** A client's own resync requests are served at most this often: each costs a full snapshot. */
const RESYNC_MIN_INTERVAL_MS = 500;

export class Fanout {
  private seq = 0;
  private pending: Op[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastFlushAt = -Infinity;
  private drainTimer: NodeJS.Timeout | null = null;
  /** Clients waiting for a snapshot: served together, so a crowd reconnecting costs one serialisation. */
  private readonly wantSnapshot = new Set<CallboardSocket>();
  private snapshotTimer: NodeJS.Immediate | null = null;
  private readonly lagging = new Set<CallboardSocket>();
  /**
   * Bytes of a client's last snapshot still unsent when it was emitted. A
   * big state takes a while to reach a distant browser; that alone must not
   * count as falling behind, or such a client would loop from snapshot to
   * cut-off to snapshot.
   */
  private readonly snapshotBytes = new WeakMap<CallboardSocket, number>();
  /** When each client last asked for a snapshot, and its deferred request if it asked again too soon. */
  private readonly lastAsked = new WeakMap<CallboardSocket, number>();
  private readonly deferred = new Map<CallboardSocket, NodeJS.Timeout>();
  /** Each client's group, fixed when it attaches: a change of role or scope reconnects the client (sockets.ts). */
  private readonly groupOf = new WeakMap<CallboardSocket, Group>();
  /** Every (view, scope) group by its room; the few distinct user settings bound how many there are. */
  private readonly groups = new Map<string, Group>();
  /** Per scope followed by some client, what its clients hold; dropped while nobody of that scope follows. */
  private readonly trackers = new Map<string, ScopeTracker>();
  /** Per scope, the state it sees at one seq (socket and REST alike). */
  private readonly scopedStates = new Map<string, { seq: number; state: PbxState }>();
  /** Per group, the state at one seq: built once for all of its clients, socket and REST alike. */
  private readonly viewStates = new Map<string, { seq: number; state: PbxState }>();
  /** Per group, the REST snapshot's JSON bytes at one seq, without its serverTime. */
  private readonly snapshotTexts = new Map<string, { seq: number; head: Buffer }>();
  /** Per wallboard room (one per scope), the calls-in-progress count its clients hold. */
  private readonly wallboardActiveCalls = new Map<string, number>();
  private readonly maskRoles: ReadonlySet<Role>;
  private readonly unsubscribe: () => void;
  private readonly maxBuffered: number;
  private readonly resumeBelow: number;
  private readonly now: () => number;
  /** Counters for tests and health. */
  readonly stats = {
    batches: 0,
    snapshots: 0,
    cutOffs: 0,
    /** Redactions computed: batches and states, per view, never per client. */ redactedBatches: 0,
    redactedStates: 0,
    /** Scope filters computed: batches and states, per scope, never per client. */
    scopedBatches: 0,
    scopedStates: 0,
  };

  constructor(
    private readonly io: CallboardServer,
    private readonly source: OpSource,
    private readonly opts: FanoutOptions,
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.resumeBelow = opts.resumeBelowBytes ?? Math.min(64 * 1024, this.maxBuffered / 2);
    this.now = opts.now ?? Date.now;
    this.maskRoles = opts.maskRoles ?? new Set();
    this.unsubscribe = source.onOps((ops) => this.enqueue(ops));
  }

  get currentSeq(): number {
    return this.seq;
  }

  /** What a client of this role may see. */
  viewFor(role: Role): View {
    return viewOf(role, this.maskRoles);
  }

  /**
   * The group of a view and a grant's queues. A wallboard token made for
   * some queues is scoped like a person: its counts are its queues'.
   */
  private group(view: View, queues: readonly string[] | null): Group {
    const scope = scopeOf(queues);
    const room = scope ? `live:${this.opts.pbx}:${view}:q:${scope.key}` : `live:${this.opts.pbx}:${view}`;
    let group = this.groups.get(room);
    if (!group) this.groups.set(room, (group = { room, view, scope }));
    return group;
  }

  /**
   * The snapshot of a view and scope as JSON bytes (for REST), serialised
   * and encoded once per seq, view and scope however many ask; only the
   * closing `serverTime` is each request's own. Within a batching window it
   * is the state at the last batch, exact for that seq.
   */
  snapshotJson(view: View, queues: readonly string[] | null = null): Buffer[] {
    const group = this.group(view, queues);
    let cached = this.snapshotTexts.get(group.room);
    if (!cached || cached.seq !== this.seq) {
      this.flush();
      const text = JSON.stringify({ protocol: PROTOCOL_VERSION, pbx: this.opts.pbx, seq: this.seq, state: this.stateOf(group) });
      cached = { seq: this.seq, head: Buffer.from(text.slice(0, -1)) };
      this.snapshotTexts.set(group.room, cached);
    }
    return [cached.head, Buffer.from(`,"serverTime":${this.now()}}`)];
  }

  /**
   * The state a view and a grant's queues see, at the current seq, for a
   * REST answer built from part of it (/api/endpoints); shared like a
   * snapshot's, so it must not be changed.
   */
  visibleState(view: View, queues: readonly string[] | null = null): Readonly<PbxState> {
    const group = this.group(view, queues);
    this.flush();
    return this.stateOf(group);
  }

  /** The state as a scope sees it, at the current seq (call after a flush). */
  private scopedState(scope: Scope): PbxState {
    let cached = this.scopedStates.get(scope.key);
    if (!cached || cached.seq !== this.seq) {
      const tracker = this.trackers.get(scope.key);
      // A tracker is always at the current seq (flush moves it); without one the scope is computed afresh.
      const state = tracker ? tracker.state(this.source.state) : stateInScope(this.source.state, visibleIn(this.source.state, scope));
      cached = { seq: this.seq, state };
      this.scopedStates.set(scope.key, cached);
      this.stats.scopedStates++;
    }
    return cached.state;
  }

  /** The state as a group sees it, at the current seq (call after a flush). */
  private stateOf(group: Group): PbxState {
    const base = group.scope ? this.scopedState(group.scope) : this.source.state;
    if (group.view === 'full') return base;
    let cached = this.viewStates.get(group.room);
    if (!cached || cached.seq !== this.seq) {
      cached = { seq: this.seq, state: stateForView(base, group.view) };
      this.viewStates.set(group.room, cached);
      this.stats.redactedStates++;
    }
    if (group.view === 'wallboard') this.wallboardActiveCalls.set(group.room, cached.state.pbx.activeCalls ?? 0);
    return cached.state;
  }

  /** Starts a client: snapshot now, batches after. */
  attach(socket: CallboardSocket): void {
    this.groupOf.set(socket, this.group(this.viewFor(socket.data.role), socket.data.grants.queues));
    this.requestSnapshot(socket);
    socket.on('disconnect', () => {
      this.lagging.delete(socket);
      this.wantSnapshot.delete(socket);
      clearTimeout(this.deferred.get(socket));
      this.deferred.delete(socket);
    });
  }

  /** The client asked for a fresh snapshot of this PBX (its `resync`), e.g. after a gap. */
  resyncRequested(socket: CallboardSocket): void {
    if (!this.groupOf.has(socket)) return; // not a client of this PBX
    if (this.lagging.has(socket) || this.deferred.has(socket)) return; // it gets one when it has drained, or soon
    const wait = (this.lastAsked.get(socket) ?? -Infinity) + RESYNC_MIN_INTERVAL_MS - this.now();
    if (wait <= 0) return this.askedFor(socket);
    // Too soon: one snapshot later still answers, and a client that loops on resync costs little.
    this.deferred.set(
      socket,
      setTimeout(() => {
        this.deferred.delete(socket);
        if (socket.connected) this.askedFor(socket);
      }, wait),
    );
  }

  /**
   * Adaptive batching: when the last batch is older than the window, the ops
   * go out at once (after the current I/O turn, so one TCP chunk of events is
   * still one batch); otherwise they wait for the window to end. A light load
   * costs no latency, and a heavy one is still one emit per window.
   */
  private enqueue(ops: readonly Op[]): void {
    if (!ops.length) return;
    for (const op of ops) this.pending.push(op);
    if (this.timer || this.immediate) return;
    const wait = this.lastFlushAt + this.opts.batchMs - this.now();
    if (wait <= 0) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends the pending ops as one batch. */
  flush(): void {
    this.cancelFlush();
    if (!this.pending.length) return;
    this.lastFlushAt = this.now();
    const seq = ++this.seq;
    const ops = this.pending;
    this.pending = [];
    const rooms = this.io.of('/').adapter.rooms;
    const followed = [...this.groups.values()].filter((g) => rooms.get(g.room)?.size);
    // Each scope once per batch, from the state after it, for all of its views and clients.
    const scopedOps = new Map<string, Op[]>();
    for (const [key, tracker] of this.trackers) {
      // A scope nobody follows costs nothing; its next client starts from a snapshot (and a new tracker).
      if (!followed.some((g) => g.scope?.key === key)) {
        this.trackers.delete(key);
        continue;
      }
      scopedOps.set(key, tracker.update(ops, this.source.state));
      this.stats.scopedBatches++;
    }
    for (const group of followed) {
      const { view, scope } = group;
      const base = scope ? scopedOps.get(scope.key) : ops;
      if (!base) continue; // cannot happen: a followed scope has a tracker (made with its clients' snapshot)
      // A scoped wall counts its scope's calls only (the tracker is at this seq already).
      const counted = view === 'wallboard' && scope ? this.scopedState(scope) : this.source.state;
      const redacted = opsForView(base, view, counted, this.wallboardActiveCalls.get(group.room) ?? 0);
      if (view === 'wallboard') this.wallboardActiveCalls.set(group.room, redacted.activeCalls);
      if (view !== 'full') this.stats.redactedBatches++;
      // One broadcast per group: socket.io encodes the packet once for every member of the room.
      this.io.local.to(group.room).emit('ops', { pbx: this.opts.pbx, seq, ops: redacted.ops });
    }
    this.stats.batches++;
    this.checkBacklogs();
  }

  private cancelFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private askedFor(socket: CallboardSocket): void {
    this.lastAsked.set(socket, this.now());
    this.requestSnapshot(socket);
  }

  private requestSnapshot(socket: CallboardSocket): void {
    this.wantSnapshot.add(socket);
    this.snapshotTimer ??= setImmediate(() => this.sendSnapshots());
  }

  private sendSnapshots(): void {
    this.snapshotTimer = null;
    const sockets = [...this.wantSnapshot].filter((s) => s.connected);
    this.wantSnapshot.clear();
    if (!sockets.length) return;
    // The state already holds the pending ops: send them first so the snapshot's seq covers them.
    this.flush();
    const serverTime = this.now();
    const byGroup = new Map<Group, CallboardSocket[]>();
    for (const s of sockets) {
      const g = this.groupOfSocket(s);
      byGroup.set(g, [...(byGroup.get(g) ?? []), s]);
    }
    for (const [g, group] of byGroup) {
      // The tracker starts at this seq, from the state this snapshot holds, before its clients join the room.
      if (g.scope && !this.trackers.has(g.scope.key)) this.trackers.set(g.scope.key, new ScopeTracker(g.scope, this.source.state));
      const snapshot: Snapshot = { protocol: PROTOCOL_VERSION, pbx: this.opts.pbx, seq: this.seq, state: this.stateOf(g), serverTime };
      // Only this snapshot's own bytes are forgiven: a client that keeps asking
      // for snapshots without reading must still hit the bound.
      const before = group.map((s) => unsentBytes(s));
      // A broadcast to the sockets' own rooms: encoded once for all of them.
      this.io.local.to(group.map((s) => s.id)).emit('snapshot', snapshot);
      for (const [i, socket] of group.entries()) {
        this.snapshotBytes.set(socket, unsentBytes(socket) - before[i]);
        socket.join(g.room);
      }
    }
    this.stats.snapshots += sockets.length;
  }

  /** Whether a client already follows the view and scope its (current) role and queues get. */
  follows(socket: CallboardSocket, role: Role, queues: readonly string[] | null = null): boolean {
    return this.groupOfSocket(socket) === this.group(this.viewFor(role), queues);
  }

  private groupOfSocket(socket: CallboardSocket): Group {
    return this.groupOf.get(socket) ?? this.group(this.viewFor(socket.data.role), socket.data.grants.queues);
  }

  private checkBacklogs(): void {
    for (const { room } of this.groups.values()) {
      for (const socket of [...(this.io.of('/').adapter.rooms.get(room) ?? [])]) {
        const s = this.io.of('/').sockets.get(socket);
        if (!s) continue;
        const unsent = unsentBytes(s);
        const allowance = this.snapshotBytes.get(s) ?? 0;
        if (unsent > this.maxBuffered + allowance) this.cutOff(s);
        else if (allowance && unsent < this.resumeBelow) this.snapshotBytes.delete(s);
      }
    }
  }

  private cutOff(socket: CallboardSocket): void {
    socket.leave(this.groupOfSocket(socket).room);
    this.lagging.add(socket);
    this.stats.cutOffs++;
    // Drop this PBX's queued state packets (a snapshot replaces them); other PBXs', acks and engine.io's pings stay.
    dropQueuedEvents(socket, STATE_EVENTS, this.opts.pbx);
    this.opts.log.warn({ socket: socket.id, user: socket.data.user }, 'client too far behind: backlog dropped, snapshot when it drains');
    this.drainTimer ??= setInterval(() => this.resumeDrained(), DRAIN_CHECK_MS);
  }

  private resumeDrained(): void {
    for (const socket of this.lagging) {
      if (socket.disconnected) {
        this.lagging.delete(socket);
      } else if (unsentBytes(socket) < this.resumeBelow) {
        this.lagging.delete(socket);
        this.requestSnapshot(socket);
      }
    }
    if (!this.lagging.size && this.drainTimer) {
      clearInterval(this.drainTimer);
      this.drainTimer = null;
    }
  }

  close(): void {
    this.unsubscribe();
    this.cancelFlush();
    if (this.drainTimer) clearInterval(this.drainTimer);
    if (this.snapshotTimer) clearImmediate(this.snapshotTimer);
    this.timer = this.drainTimer = this.snapshotTimer = null;
    this.wantSnapshot.clear();
    this.lagging.clear();
    for (const t of this.deferred.values()) clearTimeout(t);
    this.deferred.clear();
    this.viewStates.clear();
    this.snapshotTexts.clear();
    this.scopedStates.clear();
    this.trackers.clear();
  }
}

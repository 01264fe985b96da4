/**
 * State to browsers: a snapshot on connect (and on request), then the ops of
 * each window as one numbered batch, serialised once and broadcast to every
 * client that is keeping up. A client whose unsent bytes pass a bound leaves
 * the broadcast, loses its backlog, and gets a fresh snapshot once it has
 * drained; nobody else waits for it.
 *
 * Clients see the state through their view (server/realtime/views.ts): each
 * view has its own room, and each batch and snapshot is redacted once per
 * view and broadcast to that room, never once per client.
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
import { opsForView, stateForView, viewOf, VIEWS, type View } from './views';

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
  private readonly views = new WeakMap<CallboardSocket, View>();
  /** Per view, the state at one seq: built once for all of its clients, socket and REST alike. */
  private readonly viewStates = new Map<View, { seq: number; state: PbxState }>();
  /** Per view, the REST snapshot's JSON bytes at one seq, without its serverTime. */
  private readonly snapshotTexts = new Map<View, { seq: number; head: Buffer }>();
  /** The calls-in-progress count the wallboard room holds. */
  private wallboardActiveCalls = 0;
  private readonly maskRoles: ReadonlySet<Role>;
  private readonly unsubscribe: () => void;
  private readonly maxBuffered: number;
  private readonly resumeBelow: number;
  private readonly now: () => number;
  /** Clients of a view that receive batches, per view. A socket leaves its room while it is too far behind. */
  private readonly rooms: Record<View, string>;
  /** Counters for tests and health. */
  readonly stats = {
    batches: 0,
    snapshots: 0,
    cutOffs: 0,
    /** Redactions computed: batches and states, per view, never per client. */ redactedBatches: 0,
    redactedStates: 0,
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
    this.rooms = { full: `live:${opts.pbx}:full`, masked: `live:${opts.pbx}:masked`, wallboard: `live:${opts.pbx}:wallboard` };
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
   * The snapshot of a view as JSON bytes (for REST), serialised and encoded
   * once per seq and view however many ask; only the closing `serverTime` is
   * each request's own. Within a batching window it is the state at the last
   * batch, exact for that seq.
   */
  snapshotJson(view: View): Buffer[] {
    let cached = this.snapshotTexts.get(view);
    if (!cached || cached.seq !== this.seq) {
      this.flush();
      const text = JSON.stringify({ protocol: PROTOCOL_VERSION, pbx: this.opts.pbx, seq: this.seq, state: this.stateOf(view) });
      cached = { seq: this.seq, head: Buffer.from(text.slice(0, -1)) };
      this.snapshotTexts.set(view, cached);
    }
    return [cached.head, Buffer.from(`,"serverTime":${this.now()}}`)];
  }

  /** The state as a view sees it, at the current seq (call after a flush). */
  private stateOf(view: View): PbxState {
    if (view === 'full') return this.source.state;
    let cached = this.viewStates.get(view);
    if (!cached || cached.seq !== this.seq) {
      cached = { seq: this.seq, state: stateForView(this.source.state, view) };
      this.viewStates.set(view, cached);
      this.stats.redactedStates++;
    }
    if (view === 'wallboard') this.wallboardActiveCalls = cached.state.pbx.activeCalls ?? 0;
    return cached.state;
  }

  /** Starts a client: snapshot now, batches after. */
  attach(socket: CallboardSocket): void {
    this.views.set(socket, this.viewFor(socket.data.role));
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
    if (!this.views.has(socket)) return; // not a client of this PBX
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
    for (const view of VIEWS) {
      // A view nobody follows costs nothing; its next client starts from a snapshot.
      if (!rooms.get(this.rooms[view])?.size) continue;
      const redacted = opsForView(ops, view, this.source.state, this.wallboardActiveCalls);
      if (view === 'wallboard') this.wallboardActiveCalls = redacted.activeCalls;
      if (view !== 'full') this.stats.redactedBatches++;
      // One broadcast per view: socket.io encodes the packet once for every member of the room.
      this.io.to(this.rooms[view]).emit('ops', { pbx: this.opts.pbx, seq, ops: redacted.ops });
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
    for (const view of VIEWS) {
      const group = sockets.filter((s) => this.viewOfSocket(s) === view);
      if (!group.length) continue;
      const snapshot: Snapshot = { protocol: PROTOCOL_VERSION, pbx: this.opts.pbx, seq: this.seq, state: this.stateOf(view), serverTime };
      // Only this snapshot's own bytes are forgiven: a client that keeps asking
      // for snapshots without reading must still hit the bound.
      const before = group.map((s) => unsentBytes(s));
      // A broadcast to the sockets' own rooms: encoded once for all of them.
      this.io.to(group.map((s) => s.id)).emit('snapshot', snapshot);
      for (const [i, socket] of group.entries()) {
        this.snapshotBytes.set(socket, unsentBytes(socket) - before[i]);
        socket.join(this.rooms[view]);
      }
    }
    this.stats.snapshots += sockets.length;
  }

  /** Whether a client already follows the view its (current) role gets. */
  follows(socket: CallboardSocket, role: Role): boolean {
    return this.viewOfSocket(socket) === this.viewFor(role);
  }

  private viewOfSocket(socket: CallboardSocket): View {
    return this.views.get(socket) ?? this.viewFor(socket.data.role);
  }

  private checkBacklogs(): void {
    for (const view of VIEWS) {
      for (const socket of [...(this.io.of('/').adapter.rooms.get(this.rooms[view]) ?? [])]) {
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
    socket.leave(this.rooms[this.viewOfSocket(socket)]);
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
  }
}

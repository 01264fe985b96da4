/**
 * The one client state machine for the wire: a snapshot, then numbered
 * batches, with gaps detected and healed by asking for a fresh snapshot.
 *
 * It owns no socket and no timer. Whoever holds the socket feeds it what
 * arrives (`snapshot`, `batch`, `disconnected`) and gives it a port to ask
 * for a snapshot through; whoever holds the state gets accepted snapshots and
 * ops through the sink. The browser store defers its sink to the next
 * animation frame; the test mirror and the bench clients apply at once. All
 * three share these rules, so the tests exercise the client that ships.
 *
 * The rules:
 * - Nothing is accepted before the first snapshot, or between a gap (or a
 *   disconnect) and the next snapshot.
 * - A batch at or below the last accepted seq is a duplicate and is dropped.
 * - A batch past the next seq is a gap: ask for a snapshot once, then drop
 *   every batch until it arrives.
 * - A snapshot of another protocol version is never applied: the port hears
 *   of it, and nothing more is accepted.
 * - A snapshot's tables are made prototype-free (`adoptState`) before the
 *   sink sees them: JSON.parse builds ordinary objects, where an id such as
 *   `constructor` would find Object.prototype's member.
 */
import { adoptState, PROTOCOL_VERSION, type OpBatch, type Op, type Snapshot } from './protocol';

/** How the client asks the server for a fresh snapshot (the socket's `resync` emit). */
export interface SyncPort {
  requestSnapshot(): void;
  /** The server speaks another protocol version: nothing it sends may be applied (a page reloads). */
  protocolMismatch?(serverVersion: unknown): void;
}

/** Where accepted data goes. */
export interface SyncSink {
  snapshot(snapshot: Snapshot): void;
  ops(ops: readonly Op[], seq: number): void;
  /** Accepted ops not yet applied must be dropped: a snapshot will replace them. */
  discard?(): void;
}

export type BatchOutcome = 'applied' | 'duplicate' | 'gap' | 'waiting';

export interface SyncCounters {
  snapshots: number;
  batches: number;
  duplicates: number;
  gaps: number;
  snapshotRequests: number;
  mismatches: number;
}

export class SyncClient {
  /** Seq of the newest accepted snapshot or batch; -1 before the first snapshot. */
  private lastSeq = -1;
  /** From a gap or a disconnect until the next snapshot. */
  private awaiting = true;
  /** A snapshot was asked for since the gap; don't ask again for every later batch. */
  private requested = false;
  readonly counters: SyncCounters = { snapshots: 0, batches: 0, duplicates: 0, gaps: 0, snapshotRequests: 0, mismatches: 0 };

  constructor(
    private readonly port: SyncPort,
    private readonly sink: SyncSink,
  ) {}

  get seq(): number {
    return this.lastSeq;
  }

  /** True when batches are being accepted. */
  get inSync(): boolean {
    return !this.awaiting;
  }

  snapshot(snapshot: Snapshot): void {
    if (snapshot.protocol !== PROTOCOL_VERSION) {
      this.counters.mismatches++;
      this.disconnected();
      this.port.protocolMismatch?.(snapshot.protocol);
      return;
    }
    this.lastSeq = snapshot.seq;
    this.awaiting = false;
    this.requested = false;
    this.counters.snapshots++;
    this.sink.discard?.();
    adoptState(snapshot.state);
    this.sink.snapshot(snapshot);
  }

  batch(batch: OpBatch): BatchOutcome {
    if (this.awaiting) return 'waiting';
    if (batch.seq <= this.lastSeq) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    if (batch.seq !== this.lastSeq + 1) {
      this.counters.gaps++;
      this.awaiting = true;
      this.sink.discard?.();
      this.askOnce();
      return 'gap';
    }
    this.lastSeq = batch.seq;
    this.counters.batches++;
    this.sink.ops(batch.ops, batch.seq);
    return 'applied';
  }

  /**
   * The socket went down. The server sends a snapshot on every connect, so
   * there is nothing to ask for; just stop accepting until it arrives.
   */
  disconnected(): void {
    this.awaiting = true;
    this.requested = true;
    this.sink.discard?.();
  }

  private askOnce(): void {
    if (this.requested) return;
    this.requested = true;
    this.counters.snapshotRequests++;
    this.port.requestSnapshot();
  }
}

const COUNTER_KEYS = [
  'snapshots',
  'batches',
  'duplicates',
  'gaps',
  'snapshotRequests',
  'mismatches',
] as const satisfies readonly (keyof SyncCounters)[];

/** How a client of several PBXs asks for one PBX's snapshot. */
export interface BoardsPort {
  requestSnapshot(pbx: string): void;
  protocolMismatch?(serverVersion: unknown): void;
}

/** Where the accepted data of each PBX goes. */
export interface BoardsSink {
  snapshot(snapshot: Snapshot): void;
  ops(pbx: string, ops: readonly Op[], seq: number): void;
  discard?(pbx: string): void;
}

/** A server lists its PBXs; more than this is not a PBX list but a peer filling our memory. */
export const MAX_PBXS = 64;

/**
 * One SyncClient per PBX, with what arrives routed by its `pbx`. Each PBX
 * has its own seq, so a gap on one asks for that PBX's snapshot only, and
 * the others keep applying. A PBX is known from its first snapshot; a batch
 * for a PBX without one waits, like any batch before a snapshot.
 */
export class BoardsSync {
  private readonly clients = new Map<string, SyncClient>();

  constructor(
    private readonly port: BoardsPort,
    private readonly sink: BoardsSink,
  ) {}

  /** The sync client of one PBX, once its first snapshot arrived. */
  of(pbx: string): SyncClient | undefined {
    return this.clients.get(pbx);
  }

  get pbxs(): string[] {
    return [...this.clients.keys()];
  }

  snapshot(snapshot: Snapshot): void {
    const pbx = snapshot.pbx;
    if (typeof pbx !== 'string') {
      // A snapshot without a PBX is a server of protocol 1: reload into its bundle.
      if (snapshot.protocol !== PROTOCOL_VERSION) this.port.protocolMismatch?.(snapshot.protocol);
      return;
    }
    let client = this.clients.get(pbx);
    if (!client) {
      if (this.clients.size >= MAX_PBXS) return;
      client = new SyncClient(
        { requestSnapshot: () => this.port.requestSnapshot(pbx), protocolMismatch: (v) => this.port.protocolMismatch?.(v) },
        {
          snapshot: (s) => this.sink.snapshot(s),
          ops: (ops, seq) => this.sink.ops(pbx, ops, seq),
          discard: () => this.sink.discard?.(pbx),
        },
      );
      this.clients.set(pbx, client);
    }
    client.snapshot(snapshot);
  }

  batch(batch: OpBatch): BatchOutcome {
    const client = typeof batch.pbx === 'string' ? this.clients.get(batch.pbx) : undefined;
    return client ? client.batch(batch) : 'waiting';
  }

  disconnected(): void {
    for (const client of this.clients.values()) client.disconnected();
  }

  /** The sum of every PBX's counters. */
  get counters(): SyncCounters {
    const sum: SyncCounters = { snapshots: 0, batches: 0, duplicates: 0, gaps: 0, snapshotRequests: 0, mismatches: 0 };
    for (const c of this.clients.values()) for (const k of COUNTER_KEYS) sum[k] += c.counters[k];
    return sum;
  }
}

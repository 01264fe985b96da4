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

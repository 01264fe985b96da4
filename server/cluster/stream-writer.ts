/**
 * The event reader's side of a PBX's op stream: every op batch of its
 * session, a snapshot at intervals, and a heartbeat each second, each
 * appended through the fenced script, so nothing is written once the lease
 * is another node's.
 *
 * Until its first snapshot a new term sends status ops only: the link
 * coming up, the lists running. Mirrors keep showing the last board, marked
 * syncing, exactly like one node does on a reconnect. The snapshot goes out
 * in place of the batch that makes the board live, so no client ever sees
 * a live board that is not the new reader's.
 *
 * An append that failed (Redis away) leaves a hole no mirror could see, so
 * the next entry after a failure is a snapshot.
 */
import type { Redis } from 'ioredis';
import { isPbxLive } from '@/lib/pbx/model';
import { status, type Op, type PbxState } from '@/lib/protocol';
import type { PbxHealth } from '../pbx-session';
import { snapshotStateKey, type PbxKeys } from './keys';
import type { LeaseTerm } from './lease';
import type { StreamEntry } from './entries';
import { FENCED_APPEND } from './scripts';

/** What the writer reads of the event session. */
export interface WriterSource {
  readonly state: PbxState;
  readonly connected: boolean;
  onOps(listener: (ops: readonly Op[]) => void): () => void;
  health(): PbxHealth;
}

export interface StreamWriterOptions {
  redis: Redis;
  keys: PbxKeys;
  term: LeaseTerm;
  node: string;
  source: WriterSource;
  /** Stream length kept (approximate trim). */
  maxLen?: number;
  snapshotMs?: number;
  heartbeatMs?: number;
  /** At least this long between two snapshots, however many appends failed. */
  minSnapshotGapMs?: number;
  /** The script refused: the lease is not ours any more. */
  onFenced(): void;
  onError?(err: unknown): void;
}

type Body = { t: 'ops'; ops: Op[] } | { t: 'snap' } | { t: 'hb' };

/** A snapshot's state outlives a few later ones (one every 10 s): long enough for any mirror that needs it to read it. */
const SNAPSHOT_TTL_MS = 60_000;
const MIN_SNAPSHOT_GAP_MS = 2_000;

export class StreamWriter {
  private s = 0;
  private pending: Op[] = [];
  private flushQueued = false;
  private snapped = false;
  private needSnapshot = false;
  private lastSnapshotAt = -Infinity;
  private readonly minSnapshotGapMs: number;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Counters for /api/health and the bench. */
  readonly stats = { entries: 0, bytes: 0, snapshots: 0, failures: 0 };

  constructor(private readonly opts: StreamWriterOptions) {
    this.minSnapshotGapMs = opts.minSnapshotGapMs ?? MIN_SNAPSHOT_GAP_MS;
    this.unsubscribe = opts.source.onOps((ops) => this.take(ops));
    this.timers.push(setInterval(() => this.beat(), opts.heartbeatMs ?? 1_000));
    this.timers.push(
      setInterval(() => {
        if (this.snapped) this.needSnapshot = true;
        this.queueFlush();
      }, opts.snapshotMs ?? 10_000),
    );
    // A node that takes over a board already live (its session kept running) snapshots at once.
    if (isPbxLive(opts.source.state.pbx)) this.needSnapshot = true;
    this.append({ t: 'hb' });
    this.queueFlush();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    this.pending = [];
  }

  /** A snapshot owed since a failure is the heartbeat too: it is retried here, not in a loop while Redis is away. */
  private beat(): void {
    if (this.needSnapshot && performance.now() - this.lastSnapshotAt >= this.minSnapshotGapMs) this.queueFlush();
    else this.append({ t: 'hb' });
  }

  private take(ops: readonly Op[]): void {
    if (this.stopped) return;
    for (const op of ops) this.pending.push(op);
    this.queueFlush();
  }

  /** One entry per turn of the event loop: a burst of events is one append, not one each. */
  private queueFlush(): void {
    if (this.flushQueued || this.stopped) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.stopped) return;
    const ops = this.pending;
    this.pending = [];
    const live = isPbxLive(this.opts.source.state.pbx);
    const now = performance.now();
    // At most one snapshot per gap: an append that timed out may well have landed, and a snapshot per timeout on a
    // loaded node would load it more. Mirrors find a real hole by `s` anyway, and wait for the snapshot.
    const snapshotDue = this.needSnapshot && now - this.lastSnapshotAt >= this.minSnapshotGapMs;
    if (snapshotDue || (!this.snapped && live)) {
      // The snapshot holds these ops already (the session applied them before we heard them), but a mirror in step
      // skips a snapshot unread: it must get them as ops first. Before this term's first snapshot no mirror is in step.
      if (this.snapped && ops.length) this.append({ t: 'ops', ops });
      this.needSnapshot = false;
      this.snapped = true;
      this.lastSnapshotAt = now;
      this.append({ t: 'snap' });
      return;
    }
    if (!this.snapped) {
      // The link's steps only: when the data was last good is the mirrors' to say until this reader's snapshot.
      const statusOnly = ops.flatMap((op): Op[] => {
        if (op[0] !== 's') return [];
        const { lastLiveAt: _, ...rest } = op[1];
        return Object.keys(rest).length ? [status(rest)] : [];
      });
      if (statusOnly.length) this.append({ t: 'ops', ops: statusOnly });
      return;
    }
    if (ops.length) this.append({ t: 'ops', ops });
  }

  private append(body: Body): void {
    if (this.stopped) return;
    const { redis, keys, term, node, source } = this.opts;
    const headOf = { ep: term.epoch, tk: term.token, s: ++this.s, node };
    let entry: StreamEntry;
    let state = '';
    const stateKey = snapshotStateKey(keys, term.token, headOf.s);
    if (body.t === 'snap') {
      entry = { ...headOf, t: 'snap', key: stateKey };
      state = JSON.stringify(source.state);
    } else if (body.t === 'hb') entry = { ...headOf, t: 'hb', health: source.health(), connected: source.connected };
    else entry = { ...headOf, t: 'ops', ops: body.ops };
    const text = JSON.stringify(entry);
    this.stats.entries++;
    this.stats.bytes += Buffer.byteLength(text) + Buffer.byteLength(state);
    if (body.t === 'snap') this.stats.snapshots++;
    redis
      .eval(
        FENCED_APPEND,
        4,
        keys.lease,
        keys.ops,
        keys.snapshot,
        stateKey,
        term.value,
        text,
        body.t === 'snap' ? '1' : '0',
        this.opts.maxLen ?? 10_000,
        state,
        SNAPSHOT_TTL_MS,
      )
      .then(
        (id) => {
          if (id === null && !this.stopped) this.opts.onFenced();
        },
        (err: unknown) => {
          if (this.stopped) return;
          this.stats.failures++;
          // A hole: mirrors would skip it unseen. The next entry is a snapshot, whatever the order of failures.
          if (this.snapped) this.needSnapshot = true;
          this.opts.onError?.(err);
        },
      );
  }
}

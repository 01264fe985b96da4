/**
 * One PBX's board on a node, rebuilt from the PBX's op stream with the same
 * `applyOps` everyone uses. The node's fan-out reads it as it would a
 * session, so per-node slow-client handling, views and scopes are untouched.
 *
 * - Joining, or after Redis came back, or on a hole in the entries: start
 *   from the latest snapshot, applied as a difference against what the
 *   board shows, so clients see changes, never a cleared board.
 * - A new term (a new event reader) starts with status entries, then a
 *   snapshot: its difference is the only thing clients see of the change.
 * - No entry for `staleAfterMs` (the writer is gone, or we cannot reach
 *   Redis): the board is marked down, the way a lost AMI link marks it, and
 *   the writer's own link status comes back with the next entry.
 */
import type { Redis } from 'ioredis';
import { stateDifference } from '@/lib/pbx/difference';
import { emptyState, isPbxLive, type PbxStatus } from '@/lib/pbx/model';
import { applyOps, status, type Op, type PbxState } from '@/lib/protocol';
import type { Logger } from '../log';
import type { PbxHealth } from '../pbx-session';
import { decodeEntry, decodeSnapshotKey, decodeState, isLaterTerm, type StreamEntry } from './entries';
import type { PbxKeys } from './keys';

export interface StreamMirrorOptions {
  /** A connection of its own: XREAD BLOCK holds it. */
  redis: Redis;
  keys: PbxKeys;
  log: Logger;
  now?: () => number;
  staleAfterMs?: number;
  blockMs?: number;
  /** Shown before any writer has said anything. */
  label: string;
  demo: boolean;
}

type LinkFields = Pick<PbxStatus, 'link' | 'linkSince' | 'lastLiveAt'>;

export class StreamMirror {
  readonly state: PbxState = emptyState();
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  private lastId = '0-0';
  private ep: string | null = null;
  private tk = 0;
  private s = 0;
  /** A hole was seen: nothing but a snapshot is applied until one comes. */
  private needSnapshot = true;
  private needJoin = true;
  private running = false;
  private lastHeard = 0;
  private lastHeardAt = 0;
  /** The writer's link fields while we show the board down for lack of news. */
  private hidden: LinkFields | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private remote: { health: PbxHealth; connected: boolean } | null = null;
  /** The node whose entries came last: the event reader, as far as this mirror knows. */
  private writerNode: string | null = null;
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  readonly stats = { entries: 0, snapshots: 0, snapshotsSkipped: 0, holes: 0, ignored: 0, bad: 0, stale: 0 };

  constructor(private readonly opts: StreamMirrorOptions) {
    this.now = opts.now ?? Date.now;
    this.staleAfterMs = opts.staleAfterMs ?? 3_000;
    applyOps(this.state, [status({ demo: opts.demo, label: opts.label, link: 'connecting', linkSince: this.now() })]);
  }

  onOps(listener: (ops: readonly Op[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The writer's health from its last heartbeat; null before one came. */
  get writer(): { health: PbxHealth; connected: boolean } | null {
    return this.remote;
  }

  get readerNode(): string | null {
    return this.writerNode;
  }

  /** Whether the board is shown down for lack of entries (not because the writer's AMI link is down). */
  get stale(): boolean {
    return this.hidden !== null;
  }

  get position(): { lastId: string; epoch: string | null; token: number; s: number } {
    return { lastId: this.lastId, epoch: this.ep, token: this.tk, s: this.s };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastHeard = performance.now();
    this.watchdog = setInterval(() => this.checkSilence(), Math.min(250, this.staleAfterMs / 4));
    void this.run();
  }

  stop(): void {
    this.running = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  private async run(): Promise<void> {
    const { redis, keys } = this.opts;
    while (this.running) {
      try {
        if (this.needJoin) await this.join();
        const answer = (await redis.xread('COUNT', 1000, 'BLOCK', this.opts.blockMs ?? 1_000, 'STREAMS', keys.ops, this.lastId)) as
          [string, [string, string[]][]][] | null;
        if (!this.running) return;
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            await this.read(fields[0] === 'e' ? fields[1] : '');
          }
        }
      } catch (err) {
        if (!this.running) return;
        this.opts.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'cluster: stream read failed');
        // Whatever happened while we could not read may be gone from the stream (Redis restarted, or trimmed).
        this.needJoin = true;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Where to read from: the latest snapshot if it is ahead of us, else on from where we are. */
  private async join(): Promise<void> {
    const snap = decodeSnapshotKey(await this.opts.redis.get(this.opts.keys.snapshot));
    this.needJoin = false;
    if (!snap) {
      // Nothing stored: a fresh Redis. Read the stream from its start, the whole of the term that began there.
      this.lastId = '0-0';
      return;
    }
    if (compareIds(snap.id, this.lastId) <= 0 && !isLaterTerm(snap.entry, this.ep, this.tk)) return;
    const state = decodeState(await this.opts.redis.get(snap.entry.key));
    // Read on from the latest marker either way: if its state expired (no reader for a minute), the next comes soon.
    this.lastId = snap.id;
    if (state) this.accept(snap.entry, false, state);
    else this.follow(snap.entry);
  }

  private async read(text: string): Promise<void> {
    const entry = decodeEntry(text);
    if (!entry) {
      this.stats.bad++;
      return;
    }
    this.stats.entries++;
    const later = isLaterTerm(entry, this.ep, this.tk);
    if (!later && entry.tk < this.tk) {
      // A writer that lost its lease: the fence kept it out, so this would be a bug; never apply it.
      this.stats.ignored++;
      return;
    }
    // A new reader's board replaces ours: until its snapshot comes, only its link steps are taken.
    if (later) this.needSnapshot = true;
    if (entry.t === 'snap') {
      const continuous = !later && entry.s === this.s + 1;
      // In step, the snapshot holds nothing this board lacks: its state is not even read.
      if (continuous && !this.needSnapshot) {
        this.stats.snapshotsSkipped++;
        this.accept(entry);
        return;
      }
      const state = decodeState(await this.opts.redis.get(entry.key));
      if (state) this.accept(entry, false, state);
      else this.hole(entry);
      return;
    }
    const next = later ? entry.s === 1 : entry.s === this.s + 1;
    if (!next || (this.needSnapshot && entry.t === 'ops' && !isStatusOnly(entry.ops))) {
      this.hole(entry);
      return;
    }
    this.accept(entry, later);
  }

  private hole(entry: StreamEntry): void {
    if (!this.needSnapshot) {
      this.stats.holes++;
      this.needSnapshot = true;
      this.opts.log.warn({ at: this.lastId, s: entry.s, expected: this.s + 1 }, 'cluster: a hole in the op stream; waiting for a snapshot');
      this.needJoin = true;
      // Ops are missing until the snapshot: the board must not say Live meanwhile.
      const pbx = this.state.pbx;
      if (!this.hidden && isPbxLive(pbx)) this.emit([status(this.syncing(this.now()))]);
    }
    this.follow(entry);
    // Still news from a writer: the board is not stale, but it is not complete either until the snapshot.
    this.heard();
  }

  /** Follow the entry's term and place, so what comes next is judged against it. */
  private follow(entry: StreamEntry): void {
    this.writerNode = entry.node;
    this.ep = entry.ep;
    this.tk = entry.tk;
    this.s = entry.s;
  }

  /** `newTerm`: the first entry of a new reader that has sent no snapshot yet. `state`: a snapshot's, read from its key. */
  private accept(entry: StreamEntry, newTerm = false, state?: PbxState): void {
    this.heard(newTerm);
    this.follow(entry);
    if (entry.t === 'hb') {
      this.remote = { health: entry.health, connected: entry.connected };
      return;
    }
    if (entry.t === 'snap') {
      if (!state) return;
      this.stats.snapshots++;
      this.needSnapshot = false;
      this.emit(stateDifference(this.state, state));
      return;
    }
    try {
      this.emit(entry.ops);
    } catch (err) {
      this.stats.bad++;
      this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'cluster: an op batch did not apply');
      this.needSnapshot = true;
    }
  }

  /**
   * News from a writer ends the silence. From the same writer, its link
   * status comes back as it was. From a new one, the board it will replace
   * is not live any more: Syncing (link up, lists not read since) until its
   * snapshot, never the old reader's Live.
   */
  private heard(newTerm = false): void {
    this.lastHeard = performance.now();
    this.lastHeardAt = this.now();
    const pbx = this.state.pbx;
    if (this.hidden) {
      const back = newTerm ? this.syncing(pbx.lastLiveAt) : this.hidden;
      this.hidden = null;
      this.emit([status(back)]);
    } else if (newTerm) {
      this.emit([status(this.syncing(isPbxLive(pbx) ? this.now() : pbx.lastLiveAt))]);
    }
  }

  private syncing(lastLiveAt: number): LinkFields {
    return { link: 'connected', linkSince: this.now(), lastLiveAt };
  }

  private checkSilence(): void {
    if (this.hidden || performance.now() - this.lastHeard < this.staleAfterMs) return;
    const pbx = this.state.pbx;
    this.hidden = { link: pbx.link, linkSince: pbx.linkSince, lastLiveAt: pbx.lastLiveAt };
    this.stats.stale++;
    const lastLiveAt = isPbxLive(pbx) ? this.lastHeardAt || this.now() : pbx.lastLiveAt;
    this.opts.log.warn(
      { silentMs: Math.round(performance.now() - this.lastHeard) },
      'cluster: no news from the event reader; the board is stale',
    );
    this.emit([status({ link: 'disconnected', linkSince: this.now(), lastLiveAt })]);
  }

  /** The one op path: applied to the board, then told to the fan-out. */
  private emit(ops: readonly Op[]): void {
    if (!ops.length) return;
    applyOps(this.state, ops);
    for (const listener of this.listeners) listener(ops);
  }
}

function isStatusOnly(ops: readonly Op[]): boolean {
  return ops.every((op) => op[0] === 's');
}

/** Stream ids `ms-seq`, compared as numbers. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

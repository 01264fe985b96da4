/**
 * One PBX on one node of several (docs/architecture.md, "Several nodes"):
 *
 * - the board clients see is the mirror of the PBX's op stream, on every
 *   node, the event reader's own included, so all nodes show the same;
 * - the event session runs only while this node holds the lease, and its
 *   ops go to the stream through the fenced writer;
 * - actions go out on this node's own action link.
 *
 * It stands where a PbxSession stands for one node (PbxBoard), so the
 * fan-out, the REST routes and the action runner do not know the difference.
 */
import type { Redis } from 'ioredis';
import type { AmiAction } from '@/lib/ami/client';
import type { AmiPacket } from '@/lib/ami/packet';
import { remove, upsert, type Op, type PbxState } from '@/lib/protocol';
import type { Logger } from '../log';
import type { PbxHealth, PbxSession, ResyncReason } from '../pbx-session';
import { noWarnings } from '../pbx-warnings';
import { noDrift } from '../pbx/drift';
import type { ActionLink } from './action-link';
import { askReader, type CommandReader } from './commands';
import { pbxKeys, type PbxKeys } from './keys';
import { Lease, type LeaseOptions, type LeaseTerm } from './lease';
import { StreamMirror } from './stream-mirror';
import { StreamWriter } from './stream-writer';

export interface ClusterTiming {
  lease?: Pick<LeaseOptions, 'ttlMs' | 'renewMs' | 'takeMs' | 'safetyMs'>;
  staleAfterMs?: number;
  snapshotMs?: number;
  heartbeatMs?: number;
  maxLen?: number;
}

export interface ClusterPbxOptions {
  pbx: string;
  node: string;
  /** Commands: the appends, the alert requests. */
  redis: Redis;
  /** The lease's own connection: a renewal must never wait behind a snapshot's append. */
  leases: Redis;
  /** The mirror's own connection (it blocks). */
  reader: Redis;
  /** The event session: started only while the lease is ours. */
  session: PbxSession;
  actions: ActionLink;
  /** Applies the other nodes' requests while this node reads. */
  commands?: CommandReader;
  log: Logger;
  label: string;
  demo: boolean;
  now?: () => number;
  timing?: ClusterTiming;
  keyPrefix?: string;
}

/** Before the reader's first heartbeat: nothing known, and so not complete. */
const NO_HEALTH: PbxHealth = {
  complete: false,
  warnings: noWarnings(),
  drift: noDrift(),
  absentLists: [],
};

export class ClusterPbx {
  readonly keys: PbxKeys;
  readonly mirror: StreamMirror;
  private readonly lease: Lease;
  private writer: StreamWriter | null = null;
  private readonly log: Logger;
  /** Terms this node held, for /api/health and the tests. */
  readonly stats = { gained: 0, lost: 0, fenced: 0 };

  constructor(private readonly opts: ClusterPbxOptions) {
    this.keys = pbxKeys(opts.pbx, opts.keyPrefix);
    this.log = opts.log.child({ module: 'cluster', pbx: opts.pbx });
    const timing = opts.timing ?? {};
    this.mirror = new StreamMirror({
      redis: opts.reader,
      keys: this.keys,
      log: this.log,
      now: opts.now,
      staleAfterMs: timing.staleAfterMs,
      label: opts.label,
      demo: opts.demo,
    });
    this.lease = new Lease({
      redis: opts.leases,
      keys: this.keys,
      node: opts.node,
      ...timing.lease,
      onGained: (term) => this.gained(term),
      onLost: (term, why) => this.lost(term, why),
      onError: (err) => this.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'cluster: lease request failed'),
    });
  }

  get state(): PbxState {
    return this.mirror.state;
  }

  onOps(listener: (ops: readonly Op[]) => void): () => void {
    return this.mirror.onOps(listener);
  }

  /** Whether actions can go out now: this node's own link. */
  get connected(): boolean {
    return this.opts.actions.connected;
  }

  /** Whether this node reads the PBX's events now. */
  get reading(): boolean {
    return this.lease.held !== null;
  }

  /** The reader's health, as its last heartbeat told it (this node's own when it reads). */
  health(): PbxHealth {
    if (this.reading) return this.opts.session.health();
    return this.mirror.writer?.health ?? NO_HEALTH;
  }

  command(action: AmiAction, timeoutMs: number): Promise<AmiPacket> {
    return this.opts.actions.command(action, timeoutMs);
  }

  /**
   * The lists run on the event session, so only the reader can run them: another node asks it, and answers once its
   * own mirror shows a resync done after the request.
   */
  resync(reason?: ResyncReason): Promise<void> {
    if (this.reading) return this.opts.session.resync(reason);
    const before = this.mirror.state.pbx.lastResync;
    const asked = { redis: this.opts.redis, keys: this.keys, mirror: this.mirror };
    return askReader(asked, { k: 'resync', node: this.opts.node }, () => (this.mirror.state.pbx.lastResync > before ? true : null)).then(
      () => undefined,
    );
  }

  start(): void {
    this.mirror.start();
    this.opts.actions.start();
    this.lease.start();
  }

  async stop(): Promise<void> {
    await this.lease.stop();
    this.mirror.stop();
    this.opts.actions.stop();
  }

  private gained(term: LeaseTerm): void {
    this.stats.gained++;
    this.log.info({ token: term.token }, 'cluster: this node now reads the PBX events');
    const timing = this.opts.timing ?? {};
    this.writer = new StreamWriter({
      redis: this.opts.redis,
      keys: this.keys,
      term,
      node: this.opts.node,
      source: this.opts.session,
      maxLen: timing.maxLen,
      snapshotMs: timing.snapshotMs,
      heartbeatMs: timing.heartbeatMs,
      onFenced: () => {
        this.stats.fenced++;
        this.log.warn({ token: term.token }, 'cluster: an append was refused, the lease is another node’s');
        this.stopReading();
      },
      onError: (err) => this.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'cluster: append failed'),
    });
    this.inheritAlerts();
    this.opts.session.start();
    this.opts.commands?.start();
  }

  /**
   * The alerts the cluster shows become this engine's, before it first
   * evaluates: an acknowledged alert stays acknowledged across a change of
   * reader, and one still true is not raised (nor sent to webhooks) again.
   */
  private inheritAlerts(): void {
    const shown = this.mirror.state.alerts;
    const held = this.opts.session.state.alerts;
    const ops: Op[] = [];
    for (const id in held) if (!Object.hasOwn(shown, id)) ops.push(remove('alerts', id));
    for (const id in shown) ops.push(upsert('alerts', id, shown[id]));
    if (ops.length) this.opts.session.publish(ops);
  }

  private lost(term: LeaseTerm, why: string): void {
    this.stats.lost++;
    this.log.warn({ token: term.token, why }, 'cluster: this node no longer reads the PBX events');
    this.stopReading();
  }

  /** Stop writing first, then close the event session: its last "disconnected" is not the board's truth. */
  private stopReading(): void {
    this.opts.commands?.stop();
    this.writer?.stop();
    this.writer = null;
    this.opts.session.stop();
  }

  /** For /api/health: counts and flags only, no node name (it may be a host name) and no key. */
  healthInfo() {
    return {
      reading: this.reading,
      stale: this.mirror.stale,
      terms: { ...this.stats },
      mirror: { ...this.mirror.stats },
      ...(this.writer && { writer: { ...this.writer.stats } }),
    };
  }
}

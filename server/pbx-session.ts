/**
 * One PBX: one AMI client and the live state built from its events.
 *
 * On every (re)connect the three lists run (CoreShowChannels, QueueStatus,
 * BridgeList; `Status` when CoreShowChannels is refused; CoreSettings once
 * for Asterisk's version) and their
 * difference to the state we hold goes out as ordinary ops: nothing is
 * cleared under the users' eyes, and while the link is down the last state
 * stays, marked stale by the link status. Steady state sends nothing but the
 * client's Ping keepalive.
 *
 * Events that arrive while the lists run are held back and replayed, in
 * order, on top of the resync. Some of them may predate the lists (Asterisk
 * flushes the events queued before it reads an action ahead of the answer);
 * replaying those is harmless because events set fields to absolute values:
 * whatever an event touched ends at the value of the last event that touched
 * it, which is the live value, and everything else keeps the lists' value.
 */
import { AmiActionError, AmiClient, AmiConnectionError, type AmiAction, type AmiEvent, type AmiResult, type AmiStatus } from '@/lib/ami/client';
import type { AmiPacket } from '@/lib/ami/packet';
import { resync as resyncOps, step } from '@/lib/pbx';
import { applyOps, status, type Op } from '@/lib/protocol';
import { emptyState, type LinkState, type PbxState } from '@/lib/pbx/model';
import type { Logger } from './log';

/**
 * The event classes the state engine consumes: `call` (channels, bridges,
 * dials, hold, device and extension state, OriginateResponse), `agent`
 * (queue callers and members), `system` (FullyBooted, Reload, Shutdown),
 * `dialplan` (Newexten: a channel's current application). Everything else
 * (cdr, cel, user, dtmf, …) would only cost bandwidth.
 */
export const EVENT_CLASSES = ['call', 'agent', 'system', 'dialplan'] as const;

const LIST_TIMEOUT_MS = 30_000;

export interface AmiTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
  tls: boolean;
}

export interface PbxSessionOptions {
  ami: AmiTarget;
  log: Logger;
  /** Shown in the UI, e.g. the host. */
  label: string;
  demo: boolean;
  now?: () => number;
  /** Extra AmiClient options (timeouts in tests). */
  client?: Partial<ConstructorParameters<typeof AmiClient>[0]>;
}

export class PbxSession {
  readonly state: PbxState = emptyState();
  private readonly client: AmiClient;
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  private readonly now: () => number;
  private readonly log: Logger;
  /** Events held back while a resync runs; null when none runs. */
  private held: AmiEvent[] | null = null;
  private running: Promise<void> | null = null;
  private generation = 0;
  private runningGeneration = -1;
  private lastEventAt = 0;
  private lastFailure = '';

  constructor(private readonly opts: PbxSessionOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ module: 'pbx' });
    this.client = new AmiClient({
      host: opts.ami.host,
      port: opts.ami.port,
      tls: opts.ami.tls,
      username: opts.ami.username,
      secret: opts.ami.secret,
      events: [...EVENT_CLASSES],
      ...opts.client,
    });
    this.client.onStatus((s) => this.onStatus(s));
    this.client.onEvent((e) => this.onEvent(e));
    this.apply([status({ demo: opts.demo, label: opts.label, link: 'connecting', linkSince: this.now() })]);
  }

  get connected(): boolean {
    return this.client.status.state === 'connected';
  }

  onOps(listener: (ops: readonly Op[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
  }

  /** Sends one action; resolves with the packet that answered it (an async Originate's OriginateResponse). */
  async command(action: AmiAction, timeoutMs: number): Promise<AmiPacket> {
    const result: AmiResult = await this.client.send(action, { timeoutMs });
    return result.originateResponse ?? result.response;
  }

  /** Runs the lists now (also done on every connect). Joins a resync already running. */
  resync(): Promise<void> {
    if (!this.connected) return Promise.resolve();
    if (this.running && this.runningGeneration === this.generation) return this.running;
    const run: Promise<void> = this.runResync().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    this.runningGeneration = this.generation;
    return run;
  }

  private onStatus(s: AmiStatus): void {
    const now = this.now();
    switch (s.state) {
      case 'connected':
        this.generation++;
        this.lastFailure = '';
        this.log.info({ version: s.version }, 'AMI link up');
        this.setLink('connected', now, { lastLiveAt: now, version: this.state.pbx.version || (s.version ? `AMI ${s.version}` : '') });
        void this.resync();
        void this.learnVersion();
        break;
      case 'connecting':
        // A retry loop alternates connecting/disconnected; the UI only needs "down since".
        if (this.state.pbx.link !== 'disconnected' && this.state.pbx.link !== 'auth-failed') this.setLink('connecting', now);
        break;
      case 'disconnected':
        if (this.state.pbx.link === 'connected') {
          this.log.warn({ reason: s.reason }, 'AMI link down; keeping the last state as stale');
          this.lastFailure = s.reason;
          // Silence-detected drops were already dead before now.
          const lastLiveAt = /no data/.test(s.reason) ? Math.max(this.lastEventAt, this.state.pbx.linkSince) : now;
          this.setLink('disconnected', now, { lastLiveAt });
        } else if (this.state.pbx.link !== 'disconnected') {
          this.setLink('disconnected', now);
        }
        // Say why the link cannot come up, once per distinct reason, not on every retry.
        if (s.reason !== this.lastFailure && s.reason !== 'client stopped') {
          this.lastFailure = s.reason;
          this.log.warn(
            { reason: s.reason, retryInMs: s.retryInMs },
            `AMI link to ${this.opts.ami.host}:${this.opts.ami.port} is down`,
          );
        }
        this.abandonHeld();
        break;
      case 'auth-failed':
        this.log.error({ message: s.message }, 'Asterisk refused the AMI login (check AMI_USERNAME/AMI_SECRET and manager.conf)');
        this.setLink('auth-failed', now);
        this.abandonHeld();
        break;
    }
  }

  /** Asterisk's own version (the greeting only names the AMI protocol's). Optional: needs system or reporting write. */
  private async learnVersion(): Promise<void> {
    try {
      const answer = await this.client.send({ Action: 'CoreSettings' }, { timeoutMs: LIST_TIMEOUT_MS });
      const version = answer.response.fields.AsteriskVersion;
      if (version && version !== this.state.pbx.version) this.apply([status({ version })]);
    } catch {
      // Refused or link gone: the AMI version stays.
    }
  }

  private setLink(link: LinkState, now: number, extra: { lastLiveAt?: number; version?: string } = {}): void {
    if (this.state.pbx.link === link && extra.lastLiveAt === undefined) return;
    this.apply([status({ link, linkSince: now, ...extra })]);
  }

  private onEvent(event: AmiEvent): void {
    this.lastEventAt = this.now();
    if (this.held) {
      this.held.push(event);
      return;
    }
    this.apply(step(this.state, event, this.now()), true);
  }

  private async runResync(): Promise<void> {
    const generation = this.generation;
    const held: AmiEvent[] = (this.held ??= []);
    const started = this.now();
    const list = (action: string) => this.client.send({ Action: action }, { timeoutMs: LIST_TIMEOUT_MS });
    const refused: { action: string; message: string }[] = [];
    const items = (action: string, r: PromiseSettledResult<AmiResult>): AmiPacket[] | undefined => {
      if (r.status === 'fulfilled') return r.value.events;
      if (r.reason instanceof AmiActionError) {
        refused.push({ action, message: r.reason.amiMessage });
        this.log.warn({ action, message: r.reason.amiMessage }, 'list refused by Asterisk');
      } else if (!(r.reason instanceof AmiConnectionError)) {
        this.log.warn({ action, err: String(r.reason) }, 'list failed');
      }
      return undefined;
    };
    try {
      const [c, q, b] = await Promise.allSettled([list('CoreShowChannels'), list('QueueStatus'), list('BridgeList')]);
      if (generation !== this.generation) return;
      const channels = items('CoreShowChannels', c);
      let statusItems: AmiPacket[] | undefined;
      if (!channels && c.status === 'rejected' && c.reason instanceof AmiActionError) {
        statusItems = items('Status', (await Promise.allSettled([list('Status')]))[0]);
        if (generation !== this.generation) return;
      }
      const queues = items('QueueStatus', q);
      const bridges = items('BridgeList', b);
      // A list cut off by a dropped link proves nothing: wait for the next connect.
      if (!this.connected) return;
      const now = this.now();
      const ops = resyncOps(this.state, { channels, status: statusItems, queues, bridges, refused }, now);
      this.emit(ops);
      this.log.info(
        { ms: now - started, ops: ops.length, channels: Object.keys(this.state.channels).length, held: held.length, refused: refused.map((r) => r.action) },
        'resync done',
      );
    } finally {
      if (this.held === held && generation === this.generation) this.replayHeld();
    }
  }

  /** Applies the held-back events, in order, on top of the resynced state. */
  private replayHeld(): void {
    const held = this.held;
    this.held = null;
    if (!held?.length) return;
    const ops: Op[] = [];
    for (const event of held) {
      for (const op of step(this.state, event, this.now())) ops.push(op);
    }
    this.emit(ops);
  }

  /** The link dropped mid-resync: the held events still happened, so apply them. */
  private abandonHeld(): void {
    if (this.held) this.replayHeld();
  }

  /** Ops that `step`/`resync` already applied go straight out; others are applied first. */
  private apply(ops: readonly Op[], alreadyApplied = false): void {
    if (!ops.length) return;
    if (!alreadyApplied) applyOps(this.state, ops);
    for (const listener of this.listeners) listener(ops);
  }

  private emit(ops: readonly Op[]): void {
    this.apply(ops, true);
  }
}

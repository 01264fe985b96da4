/**
 * One PBX: one AMI client and the live state built from its events.
 *
 * On every (re)connect the lists run (BridgeList, CoreShowChannels, QueueStatus;
 * `Status` when CoreShowChannels is refused; CoreSettings once for Asterisk's
 * version) and their difference to the state we hold goes out as ordinary ops:
 * nothing is cleared under the users' eyes, and while the link is down the last
 * state stays, marked stale by the link status. Steady state sends nothing but
 * the client's Ping keepalive.
 *
 * Where a list lands in the event stream: Asterisk's manager.c writes a list's
 * Response, items and Complete from inside the action handler, and flushes the
 * session's queued events only between actions. So every event before the
 * Response is older than the list, and every event generated while (or after)
 * the list was taken comes after its Complete. Each list is therefore applied
 * exactly at its Complete: the events before it first, the ones after it on
 * top. That matters for queue counters (an AgentConnect counted by QueueStatus
 * and applied again would move holdtime) and for channels (a Hangup right after
 * the Complete, applied before the list, would bring the channel back as a
 * ghost). The lists run one at a time, so no list's Complete waits behind
 * another's.
 *
 * Before the lists, an exclude `Filter` (server/event-filter.ts) asks Asterisk
 * to keep the events nothing here reads off the wire, so the busy moments
 * right after a connect are already filtered. Only ignored events are
 * excluded, so whether it lands before or after any list changes nothing.
 */
import { AmiActionError, AmiClient, AmiConnectionError, type AmiAction, type AmiEvent, type AmiResult, type AmiStatus } from '@/lib/ami/client';
import { headerOf } from '@/lib/ami/decode';
import type { AmiPacket } from '@/lib/ami/packet';
import { describeRefusal, resync as resyncOps, step, type ResyncLists, type StepOptions, type TrunkPredicate } from '@/lib/pbx';
import { applyOps, status, type Op } from '@/lib/protocol';
import { emptyState, type LinkState, type PbxState } from '@/lib/pbx/model';
import { filterAction, type EventFilterState } from './event-filter';
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
  /** Which channels are trunks (call direction); lib/pbx's default when absent. */
  isTrunk?: TrunkPredicate;
  now?: () => number;
  /** Send the exclude `Filter` on every connect (CALLBOARD_AMI_FILTER); on unless false. */
  eventFilter?: boolean;
  /** Extra AmiClient options (timeouts in tests). */
  client?: Partial<ConstructorParameters<typeof AmiClient>[0]>;
}

type ListOutcome = { items: AmiPacket[] } | { refused: string } | { failed: true };

export class PbxSession {
  readonly state: PbxState = emptyState();
  private readonly client: AmiClient;
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly stepOptions: StepOptions;
  /** The list whose answer is awaited; while there is one, events go through the microtask queue (see onEvent). */
  private openList: object | null = null;
  /** Events queued as microtasks and not yet applied: later ones must queue behind them. */
  private queuedEvents = 0;
  /** Uniqueids hung up while the channel list was open: the list must not bring them back. */
  private hungUp: Set<string> | null = null;
  /** Events applied during the resync that runs (for its log line). */
  private eventsDuringResync = 0;
  private running: Promise<void> | null = null;
  private generation = 0;
  private runningGeneration = -1;
  private lastEventAt = 0;
  private lastFailure = '';
  private filter: EventFilterState;
  private filterRefusalLogged = false;

  constructor(private readonly opts: PbxSessionOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ module: 'pbx' });
    this.stepOptions = opts.isTrunk ? { isTrunk: opts.isTrunk } : {};
    this.filter = opts.eventFilter === false ? 'off' : 'pending';
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

  /** Whether Asterisk filters the ignored events on the current link (see server/event-filter.ts). */
  get eventFilter(): EventFilterState {
    return this.filter;
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
        // Written before the lists' actions: Asterisk runs a session's actions in order.
        if (this.filter !== 'off') void this.installFilter();
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
          // A link dropped for silence was dead since its last byte (a Pong counts: a quiet PBX is live too).
          const silentMs = /no data from Asterisk for (\d+) ms/.exec(s.reason);
          const lastLiveAt = silentMs ? Math.max(now - Number(silentMs[1]), this.lastEventAt, this.state.pbx.linkSince) : now;
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
        break;
      case 'auth-failed':
        this.log.error({ message: s.message }, 'Asterisk refused the AMI login (check AMI_USERNAME/AMI_SECRET and manager.conf)');
        this.setLink('auth-failed', now);
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

  /**
   * Filters live and die with the manager session, so every connect adds it
   * again. A refusal (no `write=system`) is no fault: Callboard reads the same,
   * Asterisk only sends more. Said once at info, not as a UI warning.
   */
  private async installFilter(): Promise<void> {
    const generation = this.generation;
    this.filter = 'pending';
    try {
      await this.client.send(filterAction(), { timeoutMs: LIST_TIMEOUT_MS });
      if (generation === this.generation) this.filter = 'installed';
    } catch (err) {
      if (generation !== this.generation || !(err instanceof AmiActionError)) return;
      this.filter = 'refused';
      if (this.filterRefusalLogged) return;
      this.filterRefusalLogged = true;
      this.log.info(
        { message: err.amiMessage },
        'Asterisk refused the event Filter (it needs write=system); events the board ignores still arrive, nothing else changes',
      );
    }
  }

  private setLink(link: LinkState, now: number, extra: { lastLiveAt?: number; version?: string } = {}): void {
    if (this.state.pbx.link === link && extra.lastLiveAt === undefined) return;
    this.apply([status({ link, linkSince: now, ...extra })]);
  }

  /**
   * While a list is open, events take the microtask queue. The client settles
   * a list's promise synchronously on its Complete, which queues the list's
   * `then` reaction right there, between the microtasks of the events parsed
   * before the Complete and those parsed after it in the same chunk. So the
   * list lands at its exact place in the stream, not after the whole chunk.
   */
  private onEvent(event: AmiEvent): void {
    this.lastEventAt = this.now();
    if (this.openList === null && this.queuedEvents === 0) {
      this.applyEvent(event);
      return;
    }
    this.queuedEvents++;
    queueMicrotask(() => {
      this.queuedEvents--;
      this.applyEvent(event);
    });
  }

  private applyEvent(event: AmiEvent): void {
    if (this.running) this.eventsDuringResync++;
    const name = headerOf(event, 'Event');
    if (this.hungUp && name === 'Hangup') {
      const uid = headerOf(event, 'Uniqueid');
      if (uid) this.hungUp.add(uid);
    }
    this.apply(step(this.state, event, this.now(), this.stepOptions), true);
    // A reload can add or drop queues and static members without one event saying so.
    if (name === 'Reload') this.resyncAfterReload();
  }

  private resyncAfterReload(): void {
    const again = () => void this.resync();
    // A resync already running may have read its queues before the reload.
    if (this.running) void this.running.then(again, again);
    else again();
  }

  private async runResync(): Promise<void> {
    const generation = this.generation;
    const started = this.now();
    this.eventsDuringResync = 0;
    const refused: { action: string; message: string }[] = [];
    const current = () => generation === this.generation && this.connected;
    const outcome = (action: string, o: ListOutcome): AmiPacket[] | undefined => {
      if ('refused' in o) {
        refused.push({ action, message: o.refused });
        this.log.warn({ action, message: o.refused }, 'list refused by Asterisk');
      }
      return 'items' in o ? o.items : undefined;
    };

    // BridgeList first: the channel list fills in the members of the bridges we know.
    const bridges = outcome('BridgeList', await this.runList('BridgeList', (items) => ({ bridges: items })));
    if (!current()) return;
    let channels = outcome('CoreShowChannels', await this.runList('CoreShowChannels', (items) => ({ channels: items })));
    if (!current()) return;
    if (channels === undefined && refused.some((r) => r.action === 'CoreShowChannels')) {
      channels = outcome('Status', await this.runList('Status', (items) => ({ status: items })));
      if (!current()) return;
    }
    const queues = outcome('QueueStatus', await this.runList('QueueStatus', (items) => ({ queues: items })));
    // A list cut off by a dropped link proves nothing: the next connect resyncs.
    if (!current()) return;

    const now = this.now();
    this.apply([status({ lastResync: now, warnings: refused.map((r) => describeRefusal(r.action, r.message)) })]);
    this.log.info(
      {
        ms: now - started,
        channels: Object.keys(this.state.channels).length,
        listed: { bridges: bridges?.length, channels: channels?.length, queues: queues?.length },
        events: this.eventsDuringResync,
        refused: refused.map((r) => r.action),
      },
      'resync done',
    );
  }

  /**
   * Runs one list and applies it in the promise's own reaction, which runs at
   * the list's place in the event stream (see onEvent). Awaiting a derived
   * promise instead would land later, after the events that followed it.
   */
  private runList(action: string, lists: (items: AmiPacket[]) => ResyncLists): Promise<ListOutcome> {
    const generation = this.generation;
    const token = {};
    this.openList = token;
    const channelList = action === 'CoreShowChannels' || action === 'Status';
    if (channelList) this.hungUp = new Set();
    const close = () => {
      if (this.openList === token) this.openList = null;
      const hungUp = this.hungUp;
      if (channelList) this.hungUp = null;
      return hungUp;
    };
    return this.client.send({ Action: action }, { timeoutMs: LIST_TIMEOUT_MS }).then(
      (result): ListOutcome => {
        const hungUp = close();
        if (generation !== this.generation || !this.connected) return { failed: true };
        // Asterisk drops a channel from its cache before it announces the Hangup, so this only
        // guards against a list taken item by item: a channel gone while it ran must stay gone.
        const items = hungUp?.size ? result.events.filter((p) => !hungUp.has(headerOf(p, 'Uniqueid') ?? '')) : result.events;
        this.applyList(lists(items));
        return { items };
      },
      (err: unknown): ListOutcome => {
        close();
        if (err instanceof AmiActionError) return { refused: err.amiMessage };
        if (!(err instanceof AmiConnectionError)) this.log.warn({ action, err: String(err) }, 'list failed');
        return { failed: true };
      },
    );
  }

  /** One list's corrections. The whole resync is stamped (lastResync) once, when all lists are in. */
  private applyList(lists: ResyncLists): void {
    const lastResync = this.state.pbx.lastResync;
    const ops = resyncOps(this.state, lists, this.now(), this.stepOptions);
    this.state.pbx = { ...this.state.pbx, lastResync };
    const out: Op[] = [];
    for (const op of ops) {
      if (op[0] !== 's') out.push(op);
      else {
        const { lastResync: _stamp, ...rest } = op[1];
        if (Object.keys(rest).length) out.push(status(rest));
      }
    }
    this.emit(out);
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

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
 * Only when every list succeeded since the connect is the data live
 * (`lastResync`): a list that timed out, failed or passed the item bound is
 * retried with backoff, and said in the warnings meanwhile. A permission
 * refusal is no failure: it has its fallback (or none) and its warning.
 *
 * A drift check is a resync whose differences are counted: on a board that
 * followed every event there are none. It runs every `driftCheckMs` and soon
 * after any event the state engine failed on, and its result goes to
 * /api/health and `state.pbx`; each difference is logged.
 *
 * Before the lists, an exclude `Filter` (server/event-filter.ts) asks Asterisk
 * to keep the events nothing here reads off the wire, so the busy moments
 * right after a connect are already filtered. Only ignored events are
 * excluded, so whether it lands before or after any list changes nothing.
 */
import {
  AmiActionError,
  AmiClient,
  AmiConnectionError,
  type AmiAction,
  type AmiEvent,
  type AmiResult,
  type AmiStatus,
  type AmiWarningKind,
} from '@/lib/ami/client';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '@/lib/ami/backoff';
import { headerOf } from '@/lib/ami/decode';
import type { AmiPacket } from '@/lib/ami/packet';
import {
  describeRefusal,
  DriftRecorder,
  ReducerError,
  resync as resyncOps,
  step,
  type Drop,
  type DriftSummary,
  type ResyncLists,
  type StepOptions,
  type TrunkPredicate,
} from '@/lib/pbx';
import { applyOps, status, type Op } from '@/lib/protocol';
import { emptyState, type EntityKind, type LinkState, type PbxState } from '@/lib/pbx/model';
import { DEFAULT_DRIFT_CHECK_MINUTES, DEFAULT_LIMITS, type PbxLimits } from './config';
import { filterAction, type EventFilterState } from './event-filter';
import type { Logger } from './log';
import { PbxWarnings, type WarningCounts } from './pbx-warnings';

/**
 * The event classes the state engine consumes: `call` (channels, bridges,
 * dials, hold, device and extension state, OriginateResponse), `agent`
 * (queue callers and members), `system` (FullyBooted, Reload, Shutdown),
 * `dialplan` (Newexten: a channel's current application). Everything else
 * (cdr, cel, user, dtmf, …) would only cost bandwidth.
 */
export const EVENT_CLASSES = ['call', 'agent', 'system', 'dialplan'] as const;

const LIST_TIMEOUT_MS = 30_000;
/** A failed list is retried from 1 s up to 5 min apart. */
const LIST_RETRY: BackoffOptions = { ...DEFAULT_BACKOFF, initialMs: 1_000, maxMs: 300_000 };
/** After an event the engine failed on, a drift check runs within this (errors in a burst share one). */
const CHECK_AFTER_ERROR_MS = 2_000;
/** Differences of one drift check logged one by one; the rest in one line. */
const DIFFERENCES_LOGGED = 100;

/** Which resyncs count their differences as drift: not the one after a connect, a reload or a failure. */
export type ResyncReason = 'connect' | 'reload' | 'retry' | 'interval' | 'reducer-error' | 'manual';
const DRIFT_CHECKS: ReadonlySet<ResyncReason> = new Set(['interval', 'reducer-error', 'manual']);

/** Which entity kinds each bound covers. */
const CHANNEL_KINDS: readonly EntityKind[] = ['channels', 'calls', 'bridges', 'callers'];
const DEVICE_KINDS: readonly EntityKind[] = ['devices', 'queues', 'members'];
const LIMIT_NAME = (kind: EntityKind): string => (CHANNEL_KINDS.includes(kind) ? 'CALLBOARD_MAX_CHANNELS' : 'CALLBOARD_MAX_DEVICES');

export interface DriftStatus {
  /** ms between checks; 0: off. */
  intervalMs: number;
  checks: number;
  /** When the last check finished (null: none yet), its reason and what it found. */
  lastCheckedAt: number | null;
  lastReason: ResyncReason | null;
  lastDifferences: number;
  lastByKind: DriftSummary['byKind'];
  /** Differences over every check since start. */
  totalDifferences: number;
}

export interface PbxHealth {
  /** False while a bound dropped an entity or a list is not in: the board may miss what Asterisk has. */
  complete: boolean;
  warnings: WarningCounts;
  drift: DriftStatus;
}

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
  /** Bounds on entities, list items and text length (config defaults when absent). */
  limits?: Partial<PbxLimits>;
  /** ms between drift checks; 0 turns them off. Default 15 min. */
  driftCheckMs?: number;
  /** Time a list may take, ms (default 30 s). */
  listTimeoutMs?: number;
  /** Backoff between retries of a failed list. */
  listRetry?: Partial<BackoffOptions>;
  /** Extra AmiClient options (timeouts in tests). */
  client?: Partial<ConstructorParameters<typeof AmiClient>[0]>;
}

type ListOutcome = { items: AmiPacket[] } | { refused: string } | { failed: string };

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
  private readonly limits: PbxLimits;
  private readonly warnings: PbxWarnings;
  /** Warnings shown in `state.pbx.warnings`, by source (a refusal, a failed list, a bound). */
  private readonly notices = new Map<string, string>();
  private noticesChanged = false;
  /** Notices raised during the resync that runs: those not raised again are cleared when it succeeds. */
  private raisedDuringResync = new Set<string>();
  private readonly listTimeoutMs: number;
  private readonly listRetry: BackoffOptions;
  private retryAttempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly driftCheckMs: number;
  private driftTimer: NodeJS.Timeout | null = null;
  private errorCheckTimer: NodeJS.Timeout | null = null;
  private readonly drift: DriftStatus;

  constructor(private readonly opts: PbxSessionOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ module: 'pbx' });
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.warnings = new PbxWarnings(this.log, this.now);
    const maxEntities: Partial<Record<EntityKind, number>> = {};
    for (const kind of CHANNEL_KINDS) maxEntities[kind] = this.limits.maxChannels;
    for (const kind of DEVICE_KINDS) maxEntities[kind] = this.limits.maxDevices;
    this.stepOptions = {
      ...(opts.isTrunk ? { isTrunk: opts.isTrunk } : {}),
      limits: { maxEntities, maxFieldLength: this.limits.maxFieldLength },
      onDrop: (drop) => this.onDrop(drop),
    };
    this.listTimeoutMs = opts.listTimeoutMs ?? LIST_TIMEOUT_MS;
    this.listRetry = { ...LIST_RETRY, ...opts.listRetry };
    this.driftCheckMs = opts.driftCheckMs ?? DEFAULT_DRIFT_CHECK_MINUTES * 60_000;
    this.drift = {
      intervalMs: this.driftCheckMs,
      checks: 0,
      lastCheckedAt: null,
      lastReason: null,
      lastDifferences: 0,
      lastByKind: {},
      totalDifferences: 0,
    };
    this.filter = opts.eventFilter === false ? 'off' : 'pending';
    this.client = new AmiClient({
      host: opts.ami.host,
      port: opts.ami.port,
      tls: opts.ami.tls,
      username: opts.ami.username,
      secret: opts.ami.secret,
      events: [...EVENT_CLASSES],
      maxListItems: this.limits.maxListItems,
      onWarning: (message, kind) => this.onClientWarning(message, kind),
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
    this.clearTimers();
    this.client.stop();
  }

  /** Counts for /api/health: what went wrong, whether the board may be incomplete, the drift checks. */
  health(): PbxHealth {
    let complete = true;
    // A refusal has its own warning and fallback; a value shown cut is still shown.
    for (const key of this.notices.keys())
      if (key.startsWith('failed:') || (key.startsWith('bound:') && key !== 'bound:fields')) complete = false;
    return {
      complete,
      warnings: { ...this.warnings.counts, entitiesDropped: { ...this.warnings.counts.entitiesDropped } },
      drift: { ...this.drift, lastByKind: { ...this.drift.lastByKind } },
    };
  }

  /** Sends one action; resolves with the packet that answered it (an async Originate's OriginateResponse). */
  async command(action: AmiAction, timeoutMs: number): Promise<AmiPacket> {
    const result: AmiResult = await this.client.send(action, { timeoutMs });
    return result.originateResponse ?? result.response;
  }

  /**
   * Runs the lists now (also done on every connect). Joins a resync already
   * running. Unless `reason` is a connect, reload or retry, its differences
   * are counted as drift.
   */
  resync(reason: ResyncReason = 'manual'): Promise<void> {
    if (!this.connected) return Promise.resolve();
    if (this.running && this.runningGeneration === this.generation) return this.running;
    const run: Promise<void> = this.runResync(reason).finally(() => {
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
        this.clearTimers();
        this.retryAttempt = 0;
        void this.resync('connect');
        void this.learnVersion();
        break;
      case 'connecting':
        // A retry loop alternates connecting/disconnected; the UI only needs "down since".
        if (this.state.pbx.link !== 'disconnected' && this.state.pbx.link !== 'auth-failed') this.setLink('connecting', now);
        break;
      case 'disconnected':
        // The next connect resyncs anyway.
        this.clearTimers();
        if (this.state.pbx.link === 'connected') {
          this.log.warn({ reason: s.reason }, 'AMI link down; keeping the last state as stale');
          this.lastFailure = s.reason;
          // A link dropped for silence was dead since its last byte (a Pong counts: a quiet PBX is live too).
          const lastLiveAt =
            s.cause.kind === 'silent' ? Math.max(now - s.cause.silentForMs, this.lastEventAt, this.state.pbx.linkSince) : now;
          this.setLink('disconnected', now, { lastLiveAt });
        } else if (this.state.pbx.link !== 'disconnected') {
          this.setLink('disconnected', now);
        }
        // Say why the link cannot come up, once per distinct reason, not on every retry.
        if (s.reason !== this.lastFailure && s.reason !== 'client stopped') {
          this.lastFailure = s.reason;
          this.log.warn({ reason: s.reason, retryInMs: s.retryInMs }, `AMI link to ${this.opts.ami.host}:${this.opts.ami.port} is down`);
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
      const answer = await this.client.send({ Action: 'CoreSettings' }, { timeoutMs: this.listTimeoutMs });
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
      await this.client.send(filterAction(), { timeoutMs: this.listTimeoutMs });
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
    let ops: Op[];
    try {
      ops = step(this.state, event, this.now(), this.stepOptions);
    } catch (err) {
      this.onReducerError(err, eventForLog(event), 'event');
      return;
    } finally {
      this.flushNotices();
    }
    this.apply(ops, true);
    // A reload can add or drop queues and static members without one event saying so.
    if (name === 'Reload') this.resyncAfterReload();
  }

  /**
   * The engine failed part way: what it applied still goes out, so every
   * client's copy stays equal to ours, and a drift check soon repairs (and
   * counts) the rest.
   */
  private onReducerError(err: unknown, input: Record<string, unknown>, what: 'event' | 'list'): void {
    const applied = err instanceof ReducerError ? err.ops : [];
    this.apply(applied, true);
    this.warnings.count('reducerErrors');
    const cause = err instanceof ReducerError ? err.cause : err;
    this.warnings.report(
      'reducer-error',
      'error',
      {
        err: cause instanceof Error ? { message: cause.message, stack: cause.stack } : String(cause),
        [what]: input,
        opsApplied: applied.length,
      },
      `the state engine failed on an ${what}; a drift check follows`,
    );
    if (this.errorCheckTimer === null) {
      this.errorCheckTimer = setTimeout(() => {
        this.errorCheckTimer = null;
        void this.resync('reducer-error');
      }, CHECK_AFTER_ERROR_MS);
      this.errorCheckTimer.unref?.();
    }
  }

  private onClientWarning(message: string, kind: AmiWarningKind): void {
    if (kind === 'oversized-packet') this.warnings.count('oversizedPackets');
    else this.warnings.count('listenerErrors');
    this.warnings.report(kind, kind === 'oversized-packet' ? 'warn' : 'error', {}, message);
  }

  /** A bound refused an entity or cut a value: counted, logged (rate-limited) and said on the board. */
  private onDrop(drop: Drop): void {
    switch (drop.what) {
      case 'entity':
        this.warnings.countDropped(drop.kind);
        this.warnings.report(
          'entity-dropped',
          'warn',
          { entity: drop.kind, id: drop.id, limit: drop.limit },
          `${drop.kind} over the bound of ${drop.limit} (${LIMIT_NAME(drop.kind)}): not stored`,
        );
        this.raise(
          `bound:${drop.kind}`,
          `Board incomplete: Asterisk has more ${drop.kind} than the ${drop.limit.toLocaleString('en')} Callboard keeps (${LIMIT_NAME(drop.kind)}); some are not shown`,
        );
        break;
      case 'id':
        this.warnings.count('idsRefused');
        this.warnings.report(
          'id-refused',
          'warn',
          { entity: drop.kind, id: drop.id, length: drop.length, limit: drop.limit },
          `${drop.kind} id of ${drop.length} characters (over CALLBOARD_MAX_FIELD_LENGTH): not stored`,
        );
        this.raise(
          'bound:ids',
          `Board incomplete: some ids are longer than ${drop.limit} characters (CALLBOARD_MAX_FIELD_LENGTH); those entities are not shown`,
        );
        break;
      case 'field':
        this.warnings.count('fieldsCut');
        this.warnings.report(
          'field-cut',
          'warn',
          { entity: drop.kind, id: drop.id, field: drop.field, length: drop.length, limit: drop.limit },
          `${drop.field} of ${drop.length} characters cut to ${drop.limit} (CALLBOARD_MAX_FIELD_LENGTH)`,
        );
        this.raise('bound:fields', `Some values are longer than ${drop.limit} characters (CALLBOARD_MAX_FIELD_LENGTH) and are shown cut`);
        break;
    }
  }

  /** Sets a warning of the board (applied by flushNotices, outside any reduction). */
  private raise(key: string, text: string): void {
    if (this.running) this.raisedDuringResync.add(key);
    if (this.notices.get(key) === text) return;
    this.notices.set(key, text);
    this.noticesChanged = true;
  }

  private clear(key: string): void {
    if (this.notices.delete(key)) this.noticesChanged = true;
  }

  /** The warnings to show when they differ from those shown, else undefined. */
  private takeNotices(): string[] | undefined {
    if (!this.noticesChanged) return undefined;
    this.noticesChanged = false;
    const warnings = [...this.notices.values()];
    const shown = this.state.pbx.warnings;
    if (warnings.length === shown.length && warnings.every((w, i) => w === shown[i])) return undefined;
    return warnings;
  }

  private flushNotices(): void {
    const warnings = this.takeNotices();
    if (warnings) this.apply([status({ warnings })]);
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.driftTimer, this.errorCheckTimer]) if (t) clearTimeout(t);
    this.retryTimer = this.driftTimer = this.errorCheckTimer = null;
  }

  private resyncAfterReload(): void {
    const again = () => void this.resync('reload');
    // A resync already running may have read its queues before the reload.
    if (this.running) void this.running.then(again, again);
    else again();
  }

  private async runResync(reason: ResyncReason): Promise<void> {
    const generation = this.generation;
    const started = this.now();
    this.eventsDuringResync = 0;
    this.raisedDuringResync = new Set();
    const recorder = DRIFT_CHECKS.has(reason) ? new DriftRecorder() : undefined;
    const refused: { action: string; message: string }[] = [];
    const failed: { action: string; reason: string }[] = [];
    const current = () => generation === this.generation && this.connected;
    const outcome = (action: string, o: ListOutcome): AmiPacket[] | undefined => {
      if ('refused' in o) {
        refused.push({ action, message: o.refused });
        this.log.warn({ action, message: o.refused }, 'list refused by Asterisk');
      } else if ('failed' in o) {
        failed.push({ action, reason: o.failed });
      }
      return 'items' in o ? o.items : undefined;
    };
    const run = (action: string, lists: (items: AmiPacket[]) => ResyncLists) => this.runList(action, lists, recorder);

    // BridgeList first: the channel list fills in the members of the bridges we know.
    const bridges = outcome('BridgeList', await run('BridgeList', (items) => ({ bridges: items })));
    if (!current()) return;
    let channels = outcome('CoreShowChannels', await run('CoreShowChannels', (items) => ({ channels: items })));
    if (!current()) return;
    if (channels === undefined && refused.some((r) => r.action === 'CoreShowChannels')) {
      channels = outcome('Status', await run('Status', (items) => ({ status: items })));
      if (!current()) return;
    }
    const queues = outcome('QueueStatus', await run('QueueStatus', (items) => ({ queues: items })));
    // A list cut off by a dropped link proves nothing: the next connect resyncs.
    if (!current()) return;

    const now = this.now();
    for (const key of [...this.notices.keys()]) {
      // Refusals and failures are this run's; a bound not hit again during a complete run is over.
      if (key.startsWith('refused:') || key.startsWith('failed:')) this.clear(key);
      else if (failed.length === 0 && key.startsWith('bound:') && !this.raisedDuringResync.has(key)) this.clear(key);
    }
    for (const r of refused) this.raise(`refused:${r.action}`, describeRefusal(r.action, r.message));
    if (failed.length > 0) {
      this.warnings.count('listFailures', failed.length);
      const delay = backoffDelay(this.retryAttempt++, Math.random(), this.listRetry);
      for (const f of failed) {
        this.raise(
          `failed:${f.action}`,
          `${f.action} failed (${f.reason}): the board may miss what Asterisk has until it succeeds; retrying in ${Math.max(1, Math.round(delay / 1000))} s`,
        );
      }
      this.log.warn({ failed, retryInMs: delay }, 'resync incomplete: not live until every list succeeds');
      this.flushNotices();
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.resync('retry');
      }, delay);
      this.retryTimer.unref?.();
      return;
    }
    this.retryAttempt = 0;
    const drift = recorder === undefined ? {} : this.recordDrift(reason, recorder.summary(), now);
    const warnings = this.takeNotices();
    // Every list is in: the board is Asterisk's view as of now. One status op says so, with what the run changed in the warnings.
    this.apply([status({ ...(warnings ? { warnings } : {}), lastResync: now, ...drift })]);
    this.log.info(
      {
        reason,
        ms: now - started,
        channels: Object.keys(this.state.channels).length,
        listed: { bridges: bridges?.length, channels: channels?.length, queues: queues?.length },
        events: this.eventsDuringResync,
        refused: refused.map((r) => r.action),
      },
      'resync done',
    );
    this.scheduleDriftCheck();
  }

  private scheduleDriftCheck(): void {
    if (this.driftCheckMs <= 0) return;
    if (this.driftTimer) clearTimeout(this.driftTimer);
    this.driftTimer = setTimeout(() => {
      this.driftTimer = null;
      void this.resync('interval');
    }, this.driftCheckMs);
    this.driftTimer.unref?.();
  }

  /** Counts and logs what a drift check found; returns the status fields for the board. */
  private recordDrift(reason: ResyncReason, summary: DriftSummary, now: number): { driftCheckedAt: number; driftDifferences: number } {
    const d = this.drift;
    d.checks++;
    d.lastCheckedAt = now;
    d.lastReason = reason;
    d.lastDifferences = summary.total;
    d.lastByKind = summary.byKind;
    d.totalDifferences += summary.total;
    for (const diff of summary.differences.slice(0, DIFFERENCES_LOGGED)) {
      this.log.warn({ reason, ...diff }, `drift: ${diff.kind} ${diff.id} ${diff.change} (the board differed from Asterisk's lists)`);
    }
    if (summary.total > DIFFERENCES_LOGGED)
      this.log.warn({ reason, more: summary.total - DIFFERENCES_LOGGED }, 'drift: more differences not logged one by one');
    const line = { reason, differences: summary.total, byKind: summary.byKind };
    if (summary.total > 0) this.log.warn(line, `drift check found ${summary.total} differences with Asterisk (corrected)`);
    else this.log.info(line, 'drift check: the board equals Asterisk');
    return { driftCheckedAt: now, driftDifferences: summary.total };
  }

  /**
   * Runs one list and applies it in the promise's own reaction, which runs at
   * the list's place in the event stream (see onEvent). Awaiting a derived
   * promise instead would land later, after the events that followed it.
   */
  private runList(action: string, lists: (items: AmiPacket[]) => ResyncLists, drift: DriftRecorder | undefined): Promise<ListOutcome> {
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
    return this.client.send({ Action: action }, { timeoutMs: this.listTimeoutMs }).then(
      (result): ListOutcome => {
        const hungUp = close();
        if (generation !== this.generation || !this.connected) return { failed: 'link lost' };
        if (result.dropped) {
          // Part of a list is no list: applied, it would remove what the missing part holds.
          this.warnings.count('listItemsDropped', result.dropped);
          this.warnings.report(
            'list-items-dropped',
            'warn',
            { action, kept: result.events.length, dropped: result.dropped },
            `${action} listed more than ${this.limits.maxListItems} items (CALLBOARD_MAX_LIST_ITEMS): not applied`,
          );
          return { failed: `more than ${this.limits.maxListItems.toLocaleString('en')} items, CALLBOARD_MAX_LIST_ITEMS` };
        }
        // Asterisk drops a channel from its cache before it announces the Hangup, so this only
        // guards against a list taken item by item: a channel gone while it ran must stay gone.
        const items = hungUp?.size ? result.events.filter((p) => !hungUp.has(headerOf(p, 'Uniqueid') ?? '')) : result.events;
        if (!this.applyList(lists(items), drift)) return { failed: 'the state engine failed on it' };
        return { items };
      },
      (err: unknown): ListOutcome => {
        close();
        if (err instanceof AmiActionError) return { refused: err.amiMessage };
        if (!(err instanceof AmiConnectionError)) this.log.warn({ action, err: String(err) }, 'list failed');
        return { failed: err instanceof Error ? err.message : String(err) };
      },
    );
  }

  /** One list's corrections, already applied by `resync`. False when the engine failed on the list. */
  private applyList(lists: ResyncLists, drift: DriftRecorder | undefined): boolean {
    let ops: Op[];
    try {
      ops = resyncOps(this.state, lists, this.now(), drift ? { ...this.stepOptions, drift } : this.stepOptions);
    } catch (err) {
      this.onReducerError(err, listForLog(lists), 'list');
      this.flushNotices();
      return false;
    }
    this.emit(ops);
    // A bound a list hit shows now, not after the lists still to come.
    this.flushNotices();
    return true;
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

/** An event for a log line: its headers, each value shortened (a hostile one may be 1 MB). */
function eventForLog(event: AmiPacket): Record<string, unknown> {
  // Header names come from the wire too.
  const out = Object.create(null) as Record<string, string>;
  let n = 0;
  for (const key in event.fields) {
    if (++n > 40) break;
    const v = event.fields[key];
    out[key] = v.length > 200 ? `${v.slice(0, 200)}… (${v.length} characters)` : v;
  }
  return out;
}

function listForLog(lists: ResyncLists): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, items] of Object.entries(lists)) if (Array.isArray(items)) out[name] = `${items.length} items`;
  return out;
}

/**
 * One PBX: one AMI client and the live state built from its events. This is
 * the composition; each job has its own module under server/pbx/:
 *
 * - link-state.ts: the link status the board shows, and the link's generation;
 * - resync-runner.ts: the lists on every connect, after a Reload, on a drift
 *   check or on demand, live only once every list succeeded, retried with
 *   backoff; drift.ts counts what the checks found;
 * - extras.ts: the exclude Filter;
 * - system-info.ts: what Asterisk says about itself (CoreSettings, CoreStatus)
 *   and the link's event rate, for the system panel;
 * - notices.ts: the warnings the board shows.
 *
 * What stays here is the event path: every packet through `step`, in the
 * order that puts each list at its place in the stream, and the one op path
 * (`apply`) every change takes on its way to the listeners. While the link is
 * down the last state stays, marked stale by the link status. Steady state
 * sends nothing but the client's Ping keepalive and the system panel's
 * CoreStatus (once a minute by default).
 */
import { AmiClient, type AmiAction, type AmiEvent, type AmiResult, type AmiWarningKind } from '@/lib/ami/client';
import { DEFAULT_BACKOFF, type BackoffOptions } from '@/lib/ami/backoff';
import { headerOf } from '@/lib/ami/decode';
import type { AmiPacket } from '@/lib/ami/packet';
import { ReducerError, step, type StepOptions, type TrunkPredicate } from '@/lib/pbx';
import { applyOps, status, type Op } from '@/lib/protocol';
import { emptyState, type EntityKind, type PbxState } from '@/lib/pbx/model';
import { DEFAULT_DRIFT_CHECK_MINUTES, DEFAULT_LIMITS, type PbxLimits } from './config';
import { ignoredEvents, type EventFilterState } from './event-filter';
import type { Logger } from './log';
import { PbxWarnings, type WarningCounts } from './pbx-warnings';
import type { DriftStatus, ResyncReason } from './pbx/drift';
import { ConnectExtras } from './pbx/extras';
import { LinkState } from './pbx/link-state';
import { BoardNotices, CHANNEL_KINDS, DEVICE_KINDS } from './pbx/notices';
import { CONTACT_CHECK_MS, ContactExpiry } from './pbx/contact-expiry';
import { ResyncRunner } from './pbx/resync-runner';
import { SystemInfo } from './pbx/system-info';

export type { DriftStatus, ResyncReason } from './pbx/drift';

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

export interface PbxHealth {
  /** False while a bound dropped an entity or a list is not in: the board may miss what Asterisk has. */
  complete: boolean;
  warnings: WarningCounts;
  drift: DriftStatus;
  /** Optional lists this Asterisk does not know (no res_pjsip is normal): said here, not on the board. */
  absentLists: string[];
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
  /** ms between checks for contacts past their expiry (contact-expiry.ts); 0 turns them off. Default 30 s. */
  contactCheckMs?: number;
  /** ms between CoreStatus checks for the system panel (system-info.ts); 0 turns them off. Default 60 s. */
  systemCheckMs?: number;
  /** Time a list may take, ms (default 30 s). */
  listTimeoutMs?: number;
  /** Backoff between retries of a failed list. */
  listRetry?: Partial<BackoffOptions>;
  /** Extra AmiClient options (timeouts in tests). */
  client?: Partial<ConstructorParameters<typeof AmiClient>[0]>;
  /**
   * What a reader besides the state engine needs (the call history): more
   * event classes in the login's `Events`, and events the exclude Filter
   * must let through.
   */
  alsoRead?: { classes: readonly string[]; events: readonly string[] };
}

/** Told of every event after the state engine applied it, with the `now` it was given; it must not change the state. */
export type EventTap = (event: AmiPacket, name: string | undefined, now: number) => void;

export class PbxSession {
  readonly state: PbxState = emptyState();
  private readonly client: AmiClient;
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly stepOptions: StepOptions;
  private readonly warnings: PbxWarnings;
  private readonly notices: BoardNotices;
  private readonly link: LinkState;
  private readonly lists: ResyncRunner;
  private readonly contactCheckMs: number;
  private readonly extras: ConnectExtras;
  /** The system panel's figures (server/pbx/system-info.ts). */
  readonly systemInfo: SystemInfo;
  /** Removes registrations that ended without an event (server/pbx/contact-expiry.ts). */
  readonly contactExpiry: ContactExpiry;
  /** Events queued as microtasks and not yet applied: later ones must queue behind them. */
  private queuedEvents = 0;
  private tap: EventTap | undefined;

  constructor(opts: PbxSessionOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ module: 'pbx' });
    const limits: PbxLimits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.warnings = new PbxWarnings(this.log, this.now);
    this.notices = new BoardNotices(() => this.state.pbx);
    const maxEntities: Partial<Record<EntityKind, number>> = {};
    for (const kind of CHANNEL_KINDS) maxEntities[kind] = limits.maxChannels;
    for (const kind of DEVICE_KINDS) maxEntities[kind] = limits.maxDevices;
    this.stepOptions = {
      ...(opts.isTrunk ? { isTrunk: opts.isTrunk } : {}),
      limits: { maxEntities, maxFieldLength: limits.maxFieldLength },
      onDrop: (drop) => this.notices.drop(drop, this.warnings),
    };
    this.client = new AmiClient({
      host: opts.ami.host,
      port: opts.ami.port,
      tls: opts.ami.tls,
      username: opts.ami.username,
      secret: opts.ami.secret,
      events: [...new Set([...EVENT_CLASSES, ...(opts.alsoRead?.classes ?? [])])],
      maxListItems: limits.maxListItems,
      onWarning: (message, kind) => this.onClientWarning(message, kind),
      ...opts.client,
    });
    const listTimeoutMs = opts.listTimeoutMs ?? LIST_TIMEOUT_MS;
    const apply = (ops: readonly Op[], alreadyApplied?: boolean) => this.apply(ops, alreadyApplied);
    const generation = () => this.link.generation;
    this.lists = new ResyncRunner({
      client: this.client,
      state: this.state,
      stepOptions: this.stepOptions,
      apply,
      flushNotices: () => this.flushNotices(),
      notices: this.notices,
      warnings: this.warnings,
      onReducerError: (err, input) => this.onReducerError(err, input, 'list'),
      log: this.log,
      now: this.now,
      generation,
      connected: () => this.connected,
      maxListItems: limits.maxListItems,
      listTimeoutMs,
      listRetry: { ...LIST_RETRY, ...opts.listRetry },
      driftCheckMs: opts.driftCheckMs ?? DEFAULT_DRIFT_CHECK_MINUTES * 60_000,
    });
    this.contactExpiry = new ContactExpiry({
      state: this.state,
      refresh: () => this.lists.refreshContacts(),
      apply,
      now: this.now,
      ...(opts.contactCheckMs ? { intervalMs: opts.contactCheckMs } : {}),
    });
    this.contactCheckMs = opts.contactCheckMs ?? CONTACT_CHECK_MS;
    this.extras = new ConnectExtras({
      client: this.client,
      state: this.state,
      apply,
      log: this.log,
      generation,
      timeoutMs: listTimeoutMs,
      filter: opts.eventFilter !== false,
      ignored: ignoredEvents(opts.alsoRead?.events),
    });
    this.systemInfo = new SystemInfo({
      client: this.client,
      state: this.state,
      apply,
      log: this.log,
      generation,
      connected: () => this.connected,
      now: this.now,
      timeoutMs: listTimeoutMs,
      ...(opts.systemCheckMs === undefined ? {} : { checkMs: opts.systemCheckMs }),
    });
    this.link = new LinkState({
      state: this.state,
      apply,
      log: this.log,
      now: this.now,
      target: `${opts.ami.host}:${opts.ami.port}`,
      onUp: () => {
        // Written before the lists' actions: Asterisk runs a session's actions in order.
        this.extras.beforeLists();
        this.lists.onConnect();
        // After the lists' first action: the panel can wait, the board's truth cannot.
        this.systemInfo.onConnect();
      },
      onDown: () => this.lists.stop(),
    });
    this.client.onStatus((s) => this.link.onStatus(s));
    this.client.onEvent((e) => this.onEvent(e));
    this.apply([status({ demo: opts.demo, label: opts.label, link: 'connecting', linkSince: this.now() })]);
  }

  get connected(): boolean {
    return this.client.status.state === 'connected';
  }

  /** Whether Asterisk filters the ignored events on the current link (see server/event-filter.ts). */
  get eventFilter(): EventFilterState {
    return this.extras.filter;
  }

  onOps(listener: (ops: readonly Op[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ops from outside the state engine (today's figures): applied, numbered and fanned out like its own. */
  publish(ops: readonly Op[]): void {
    this.apply(ops);
  }

  /** One reader of every event after `step` (the call journal); a second replaces the first. */
  tapEvents(tap: EventTap | undefined): void {
    this.tap = tap;
  }

  start(): void {
    this.client.start();
    this.systemInfo.start();
    if (this.contactCheckMs > 0) this.contactExpiry.start();
  }

  stop(): void {
    this.contactExpiry.stop();
    this.systemInfo.stop();
    this.lists.stop();
    this.client.stop();
  }

  /** Counts for /api/health: what went wrong, whether the board may be incomplete, the drift checks. */
  health(): PbxHealth {
    return {
      complete: this.notices.complete,
      warnings: { ...this.warnings.counts, entitiesDropped: { ...this.warnings.counts.entitiesDropped } },
      drift: this.lists.drift.current,
      absentLists: [...this.lists.absentLists],
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
    return this.lists.resync(reason);
  }

  /**
   * While a list is open, events take the microtask queue. The client settles
   * a list's promise synchronously on its Complete, which queues the list's
   * `then` reaction right there, between the microtasks of the events parsed
   * before the Complete and those parsed after it in the same chunk. So the
   * list lands at its exact place in the stream, not after the whole chunk.
   */
  private onEvent(event: AmiEvent): void {
    const now = this.now();
    this.link.heard(now);
    this.systemInfo.heard(now);
    if (!this.lists.listOpen && this.queuedEvents === 0) {
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
    const name = headerOf(event, 'Event');
    this.lists.sawEvent(name, event);
    let ops: Op[];
    const now = this.now();
    try {
      ops = step(this.state, event, now, this.stepOptions);
    } catch (err) {
      this.onReducerError(err, eventForLog(event), 'event');
      return;
    } finally {
      this.flushNotices();
      // Also after a failure: what the engine applied is the state the tap reads, and a conversation must not lose its hangup.
      if (this.tap) this.runTap(this.tap, event, name, now);
    }
    this.apply(ops, true);
    if (name === 'Reload') {
      this.lists.afterReload();
      this.systemInfo.afterReload();
    }
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
    this.lists.checkSoon();
  }

  /** A reader that throws (a bug in the journal) must cost its own record, never the board's event path. */
  private runTap(tap: EventTap, event: AmiEvent, name: string | undefined, now: number): void {
    try {
      tap(event, name, now);
    } catch (err) {
      this.warnings.count('listenerErrors');
      this.warnings.report(
        'listener-error',
        'error',
        { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), event: eventForLog(event) },
        'an event reader besides the state engine (the call history) failed on an event',
      );
    }
  }

  private onClientWarning(message: string, kind: AmiWarningKind): void {
    if (kind === 'oversized-packet') this.warnings.count('oversizedPackets');
    else this.warnings.count('listenerErrors');
    this.warnings.report(kind, kind === 'oversized-packet' ? 'warn' : 'error', {}, message);
  }

  /** Board warnings changed outside a resync's end (an event hit a bound, a list failed) go out in their own status op. */
  private flushNotices(): void {
    const changed = this.notices.take();
    if (changed) this.apply([status(changed)]);
  }

  /** The one op path: ops that `step`/`resync` already applied go straight out; others are applied first. */
  private apply(ops: readonly Op[], alreadyApplied = false): void {
    if (!ops.length) return;
    if (!alreadyApplied) applyOps(this.state, ops);
    for (const listener of this.listeners) listener(ops);
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

/**
 * The lists on every (re)connect, after a `Reload`, on a drift check and on
 * demand: BridgeList, CoreShowChannels (`Status` when that is refused),
 * QueueStatus, ParkedCalls, then the phones (PJSIPShowContacts,
 * PJSIPShowEndpoints, DeviceStateList, ExtensionStateList), one at a time so
 * no list's Complete waits behind another's.
 * Their difference to the state we hold goes out as ordinary ops.
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
 * ghost). While a list is open the session routes events through the
 * microtask queue (see `listOpen`) so that this holds within one TCP chunk.
 *
 * Only when every list succeeded since the connect is the data live
 * (`lastResync`, stamped here and only here, in the one status op that ends a
 * complete run): a list that timed out, failed or passed the item bound is
 * retried with backoff, and said in the warnings meanwhile. A permission
 * refusal is no failure: it has its fallback (or none) and its warning.
 *
 * A drift check (server/pbx/drift.ts) runs every `driftCheckMs` and soon after
 * any event the state engine failed on.
 */
import { AmiActionError, AmiConnectionError, type AmiClient } from '@/lib/ami/client';
import { backoffDelay, type BackoffOptions } from '@/lib/ami/backoff';
import { headerOf } from '@/lib/ami/decode';
import type { AmiPacket } from '@/lib/ami/packet';
import { DriftRecorder, resync as resyncOps, type ResyncLists, type StepOptions } from '@/lib/pbx';
import type { PbxState } from '@/lib/pbx/model';
import { status, type Op } from '@/lib/protocol';
import type { Logger } from '../log';
import type { PbxWarnings } from '../pbx-warnings';
import { DRIFT_CHECKS, DriftLog, type ResyncReason } from './drift';
import type { BoardNotices } from './notices';

/** After an event the engine failed on, a drift check runs within this (errors in a burst share one). */
const CHECK_AFTER_ERROR_MS = 2_000;

/** `absent`: Asterisk does not know the action (its module is not loaded); for a list where that means none, `items` too. */
type ListOutcome = { items: AmiPacket[]; absent?: string } | { absent: string } | { refused: string } | { failed: string };

/** How a list answers when it cannot or need not list anything. */
interface ListSpec {
  /** The error res_pjsip answers an empty list with (08: "No Contacts found"): an empty list, no refusal. */
  empty?: RegExp;
  /** Without its module the list is optional: no board warning, only /api/health says so. */
  optional?: 'none' | 'keep';
}

const UNKNOWN = /^invalid\/unknown command/i;
/** No res_pjsip, no PJSIP endpoints: what the board held of them goes. */
const CONTACTS: ListSpec = { empty: /^No Contacts found/, optional: 'none' };
const ENDPOINTS: ListSpec = { empty: /^No endpoints found/, optional: 'none' };
/** DeviceStateList is res_manager_devicestate's: without it the events alone keep the device states. */
const DEVICE_LISTS: ListSpec = { optional: 'keep' };

export interface ResyncRunnerOptions {
  client: Pick<AmiClient, 'send'>;
  state: PbxState;
  stepOptions: StepOptions;
  /** Applies ops through the session's one op path; `alreadyApplied` for those `resync` applied itself. */
  apply: (ops: readonly Op[], alreadyApplied?: boolean) => void;
  /** Shows the board warnings that changed, in their own status op. */
  flushNotices: () => void;
  notices: BoardNotices;
  warnings: PbxWarnings;
  /** The engine failed on a list: the session reports it like a failed event. */
  onReducerError: (err: unknown, input: Record<string, unknown>) => void;
  log: Logger;
  now: () => number;
  /** The link's generation and whether it is up: a list from an older link proves nothing. */
  generation: () => number;
  connected: () => boolean;
  maxListItems: number;
  listTimeoutMs: number;
  listRetry: BackoffOptions;
  /** ms between drift checks; 0: off. */
  driftCheckMs: number;
}

export class ResyncRunner {
  readonly drift: DriftLog;
  private running: Promise<void> | null = null;
  private runningGeneration = -1;
  /** The list whose answer is awaited. */
  private openList: object | null = null;
  /** Uniqueids hung up while the channel list was open: the list must not bring them back. */
  private hungUp: Set<string> | null = null;
  /** Events applied during the resync that runs (for its log line). */
  private eventsDuringRun = 0;
  private retryAttempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private driftTimer: NodeJS.Timeout | null = null;
  private errorCheckTimer: NodeJS.Timeout | null = null;
  private absent: readonly string[] = [];

  constructor(private readonly opts: ResyncRunnerOptions) {
    this.drift = new DriftLog(opts.log, opts.driftCheckMs);
  }

  /** While a list's answer is awaited, events must queue behind it (see the session's onEvent). */
  get listOpen(): boolean {
    return this.openList !== null;
  }

  /** The optional lists this Asterisk did not know at the last complete resync (no res_pjsip is normal): for /api/health. */
  get absentLists(): readonly string[] {
    return this.absent;
  }

  /**
   * PJSIPShowContacts alone, for the contact expiry (contact-expiry.ts):
   * true when it was applied. Not while a resync runs, which reads it anyway.
   */
  async refreshContacts(): Promise<boolean> {
    if (!this.opts.connected() || this.running || this.openList) return false;
    const o = await this.runList('PJSIPShowContacts', (items) => ({ contacts: items }), undefined, CONTACTS);
    return 'items' in o;
  }

  /** The link came up: a fresh run, and a failure from the old link no longer counts towards the backoff. */
  onConnect(): void {
    this.clearTimers();
    this.retryAttempt = 0;
    void this.resync('connect');
  }

  stop(): void {
    this.clearTimers();
  }

  /** Joins a run already going on the current link. */
  resync(reason: ResyncReason): Promise<void> {
    if (!this.opts.connected()) return Promise.resolve();
    const generation = this.opts.generation();
    if (this.running && this.runningGeneration === generation) return this.running;
    const run: Promise<void> = this.run(reason).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    this.runningGeneration = generation;
    return run;
  }

  /** An event was applied; a Hangup while the channel list is open must keep its channel gone. */
  sawEvent(name: string | undefined, event: AmiPacket): void {
    if (this.running) this.eventsDuringRun++;
    if (this.hungUp && name === 'Hangup') {
      const uid = headerOf(event, 'Uniqueid');
      if (uid) this.hungUp.add(uid);
    }
  }

  /** A reload can add or drop queues and static members without one event saying so. */
  afterReload(): void {
    const again = () => void this.resync('reload');
    // A run already going may have read its queues before the reload.
    if (this.running) void this.running.then(again, again);
    else again();
  }

  /** The engine failed on an event: a drift check soon repairs (and counts) what it missed. */
  checkSoon(): void {
    if (this.errorCheckTimer !== null) return;
    this.errorCheckTimer = setTimeout(() => {
      this.errorCheckTimer = null;
      void this.resync('reducer-error');
    }, CHECK_AFTER_ERROR_MS);
    this.errorCheckTimer.unref?.();
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.driftTimer, this.errorCheckTimer]) if (t) clearTimeout(t);
    this.retryTimer = this.driftTimer = this.errorCheckTimer = null;
  }

  private async run(reason: ResyncReason): Promise<void> {
    const run = this.opts.notices.beginRun();
    try {
      await this.runLists(reason);
    } finally {
      this.opts.notices.abandonRun(run);
    }
  }

  private async runLists(reason: ResyncReason): Promise<void> {
    const { notices, log } = this.opts;
    const generation = this.opts.generation();
    const started = this.opts.now();
    this.eventsDuringRun = 0;
    const recorder = DRIFT_CHECKS.has(reason) ? new DriftRecorder() : undefined;
    const refused: { action: string; message: string }[] = [];
    const failed: { action: string; reason: string }[] = [];
    const absent: string[] = [];
    const current = () => generation === this.opts.generation() && this.opts.connected();
    const outcome = (action: string, o: ListOutcome): AmiPacket[] | undefined => {
      if ('absent' in o && o.absent !== undefined) {
        absent.push(action);
        log.info({ action, message: o.absent }, 'optional list unknown to this Asterisk');
      }
      if ('refused' in o) {
        refused.push({ action, message: o.refused });
        log.warn({ action, message: o.refused }, 'list refused by Asterisk');
      } else if ('failed' in o) {
        failed.push({ action, reason: o.failed });
      }
      return 'items' in o ? o.items : undefined;
    };
    const run = (action: string, lists: (items: AmiPacket[]) => ResyncLists, spec?: ListSpec) =>
      this.runList(action, lists, recorder, spec);

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
    if (!current()) return;
    // Without res_parking the action is unknown ("Invalid/unknown command"), and a user without `call` is refused:
    // either is a refusal, so there are no parked calls to show, and its warning says why.
    const parked = outcome('ParkedCalls', await run('ParkedCalls', (items) => ({ parked: items })));
    if (!current()) return;
    // The phones. Contacts before endpoints: a contact EndpointList names that ContactList did not give is a static one.
    // A PBX without res_pjsip is normal, so an unknown action is no board warning; a Permission denied is (it lacks "system").
    // PJSIPShowAors is not read: its Contacts are EndpointList's, and nothing else it says is on the board.
    const contacts = outcome('PJSIPShowContacts', await run('PJSIPShowContacts', (items) => ({ contacts: items }), CONTACTS));
    if (!current()) return;
    const endpoints = outcome('PJSIPShowEndpoints', await run('PJSIPShowEndpoints', (items) => ({ endpoints: items }), ENDPOINTS));
    if (!current()) return;
    const devices = outcome('DeviceStateList', await run('DeviceStateList', (items) => ({ devices: items }), DEVICE_LISTS));
    if (!current()) return;
    const hints = outcome('ExtensionStateList', await run('ExtensionStateList', (items) => ({ hints: items }), DEVICE_LISTS));
    // A list cut off by a dropped link proves nothing: the next connect resyncs.
    if (!current()) return;

    const now = this.opts.now();
    if (failed.length > 0) {
      this.opts.warnings.count('listFailures', failed.length);
      const delay = backoffDelay(this.retryAttempt++, Math.random(), this.opts.listRetry);
      notices.endRun({ refused, failed, retryInMs: delay });
      log.warn({ failed, retryInMs: delay }, 'resync incomplete: not live until every list succeeds');
      this.opts.flushNotices();
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.resync('retry');
      }, delay);
      this.retryTimer.unref?.();
      return;
    }
    this.retryAttempt = 0;
    this.absent = absent;
    notices.endRun({ refused, failed, retryInMs: 0 });
    const drift = recorder === undefined ? {} : this.drift.record(reason, recorder.summary(), now);
    const changed = notices.take();
    // Every list is in: the board is Asterisk's view as of now. One status op says so, with what the run changed in the notices.
    this.opts.apply([status({ ...changed, lastResync: now, ...drift })]);
    log.info(
      {
        reason,
        ms: now - started,
        channels: Object.keys(this.opts.state.channels).length,
        listed: {
          bridges: bridges?.length,
          channels: channels?.length,
          queues: queues?.length,
          parked: parked?.length,
          contacts: contacts?.length,
          endpoints: endpoints?.length,
          devices: devices?.length,
          hints: hints?.length,
        },
        absent,
        events: this.eventsDuringRun,
        refused: refused.map((r) => r.action),
      },
      'resync done',
    );
    this.scheduleDriftCheck();
  }

  private scheduleDriftCheck(): void {
    if (this.opts.driftCheckMs <= 0) return;
    if (this.driftTimer) clearTimeout(this.driftTimer);
    this.driftTimer = setTimeout(() => {
      this.driftTimer = null;
      void this.resync('interval');
    }, this.opts.driftCheckMs);
    this.driftTimer.unref?.();
  }

  /**
   * Runs one list and applies it in the promise's own reaction, which runs at
   * the list's place in the event stream (see `listOpen`). Awaiting a derived
   * promise instead would land later, after the events that followed it.
   */
  private runList(
    action: string,
    lists: (items: AmiPacket[]) => ResyncLists,
    drift: DriftRecorder | undefined,
    spec: ListSpec = {},
  ): Promise<ListOutcome> {
    const generation = this.opts.generation();
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
    const { maxListItems } = this.opts;
    return this.opts.client.send({ Action: action }, { timeoutMs: this.opts.listTimeoutMs }).then(
      (result): ListOutcome => {
        const hungUp = close();
        if (generation !== this.opts.generation() || !this.opts.connected()) return { failed: 'link lost' };
        if (result.dropped) {
          // Part of a list is no list: applied, it would remove what the missing part holds.
          this.opts.warnings.count('listItemsDropped', result.dropped);
          this.opts.warnings.report(
            'list-items-dropped',
            'warn',
            { action, kept: result.events.length, dropped: result.dropped },
            `${action} listed more than ${maxListItems} items (CALLBOARD_MAX_LIST_ITEMS): not applied`,
          );
          return { failed: `more than ${maxListItems.toLocaleString('en')} items, CALLBOARD_MAX_LIST_ITEMS` };
        }
        // Asterisk drops a channel from its cache before it announces the Hangup, so this only
        // guards against a list taken item by item: a channel gone while it ran must stay gone.
        const items = hungUp?.size ? result.events.filter((p) => !hungUp.has(headerOf(p, 'Uniqueid') ?? '')) : result.events;
        if (!this.applyList(lists(items), drift)) return { failed: 'the state engine failed on it' };
        return { items };
      },
      (err: unknown): ListOutcome => {
        close();
        if (err instanceof AmiActionError) {
          if (generation !== this.opts.generation() || !this.opts.connected()) return { failed: 'link lost' };
          const message = err.amiMessage.trim();
          const unknown = UNKNOWN.test(message);
          if (unknown && spec.optional === 'keep') return { absent: message };
          if ((unknown && spec.optional === 'none') || spec.empty?.test(message)) {
            // Applied here, at the answer's place in the stream, like any list.
            if (!this.applyList(lists([]), drift)) return { failed: 'the state engine failed on it' };
            return unknown ? { items: [], absent: message } : { items: [] };
          }
          return { refused: err.amiMessage };
        }
        if (!(err instanceof AmiConnectionError)) this.opts.log.warn({ action, err: String(err) }, 'list failed');
        return { failed: err instanceof Error ? err.message : String(err) };
      },
    );
  }

  /** One list's corrections, already applied by `resync`. False when the engine failed on the list. */
  private applyList(lists: ResyncLists, drift: DriftRecorder | undefined): boolean {
    const { stepOptions } = this.opts;
    let ops: Op[];
    try {
      ops = resyncOps(this.opts.state, lists, this.opts.now(), drift ? { ...stepOptions, drift } : stepOptions);
    } catch (err) {
      this.opts.onReducerError(err, listForLog(lists));
      this.opts.flushNotices();
      return false;
    }
    this.opts.apply(ops, true);
    // A bound a list hit shows now, not after the lists still to come.
    this.opts.flushNotices();
    return true;
  }
}

function listForLog(lists: ResyncLists): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, items] of Object.entries(lists)) if (Array.isArray(items)) out[name] = `${items.length} items`;
  return out;
}

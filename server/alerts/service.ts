/**
 * The alert rules of one PBX, evaluated on the server against the session's
 * state (lib/alerts/evaluate.ts) and published on the board as `alerts` ops
 * through the session's `publish`, so they are numbered, scoped and fanned
 * out like every other change.
 *
 * When: a state change schedules a pass at once, but passes are at least
 * `minGapMs` (200) apart, so a burst of events costs one pass per gap and the
 * first change after a quiet spell is seen at once; a pass every `tickMs` (1 s)
 * regardless, since waits and pauses grow without events; and at once on a
 * change of the rules. Events go to the sink; a sink that throws is counted
 * and logged (rate-limited), never rethrown into the event path.
 */
import { performance } from 'node:perf_hooks';
import type { AlertEvent } from '@/lib/alerts/model';
import { acknowledge, snooze, type AlertChange } from '@/lib/alerts/acknowledge';
import { AlertMemory, evaluateAlerts, MAX_ALERTS } from '@/lib/alerts/evaluate';
import type { PbxState } from '@/lib/pbx/model';
import type { Op } from '@/lib/protocol';
import type { Logger } from '../log';
import type { AlertRuleSource, EventSink } from './ports';

export interface AlertSession {
  readonly state: PbxState;
  onOps(listener: (ops: readonly Op[]) => void): () => void;
  publish(ops: readonly Op[]): void;
}

export interface AlertServiceOptions {
  pbx: string;
  session: AlertSession;
  rules: AlertRuleSource;
  sink: EventSink;
  now: () => number;
  /** The board's zone (CALLBOARD_TIME_ZONE), for quiet hours. */
  timeZone: string;
  log: Logger;
  /** Least time between two passes caused by state changes, ms (default 200). */
  minGapMs?: number;
  /** A pass at least this often, ms (default 1000). */
  tickMs?: number;
}

export interface AlertHealth {
  alerts: number;
  passes: number;
  /** CPU time of the passes, ms in all. */
  passMs: number;
  /** Fires refused because the PBX had MAX_ALERTS already, and conditions not followed for want of room. */
  dropped: number;
  droppedPending: number;
  sinkErrors: number;
}

/** A log line about the same trouble at most this often. */
const LOG_EVERY_MS = 60_000;

export class AlertService {
  readonly memory = new AlertMemory();
  private readonly stops: (() => void)[] = [];
  private tick: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private lastPass = -Infinity;
  /** Our own publish reaches our own op listener: it must not schedule another pass. */
  private publishing = false;
  private closed = false;
  private passes = 0;
  private passMs = 0;
  private sinkErrors = 0;
  private readonly loggedAt = new Map<string, number>();
  private readonly minGapMs: number;

  constructor(private readonly opts: AlertServiceOptions) {
    this.minGapMs = opts.minGapMs ?? 200;
  }

  start(): void {
    this.stops.push(
      this.opts.session.onOps(() => {
        if (!this.publishing) this.schedule();
      }),
      this.opts.rules.onChange(() => this.pass()),
    );
    this.tick = setInterval(() => this.pass(), this.opts.tickMs ?? 1000);
    this.tick.unref();
    this.pass();
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    if (this.tick) clearInterval(this.tick);
    if (this.soon) clearTimeout(this.soon);
    this.tick = this.soon = null;
  }

  health(): AlertHealth {
    let alerts = 0;
    for (const _ in this.opts.session.state.alerts) alerts++;
    return {
      alerts,
      passes: this.passes,
      passMs: Math.round(this.passMs * 1000) / 1000,
      dropped: this.memory.droppedAlerts,
      droppedPending: this.memory.droppedPending,
      sinkErrors: this.sinkErrors,
    };
  }

  acknowledge(id: string, by: string): AlertChange {
    return this.applyChange(acknowledge(this.context(), id, by, this.opts.now()));
  }

  /** Snoozes for `minutes` from now (the route checks the range). */
  snooze(id: string, by: string, minutes: number): AlertChange {
    const now = this.opts.now();
    return this.applyChange(snooze(this.context(), id, by, now + minutes * 60_000, now));
  }

  /** One pass now (also what the timers run). */
  pass(): void {
    if (this.closed) return;
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    const started = performance.now();
    const now = this.opts.now();
    this.lastPass = now;
    const out = evaluateAlerts({
      pbx: this.opts.pbx,
      state: this.opts.session.state,
      rules: this.opts.rules.rules(),
      now,
      timeZone: this.opts.timeZone,
      memory: this.memory,
    });
    this.publish(out.ops);
    for (const event of out.events) this.deliver(event);
    if (out.dropped > 0)
      this.logSometimes('dropped', now, () =>
        this.opts.log.warn(
          { dropped: out.dropped, droppedSinceStart: this.memory.droppedAlerts, limit: MAX_ALERTS },
          `alerts over the bound of ${MAX_ALERTS} per PBX: not raised`,
        ),
      );
    this.passes++;
    this.passMs += performance.now() - started;
  }

  private schedule(): void {
    if (this.soon || this.closed) return;
    const wait = Math.max(0, this.lastPass + this.minGapMs - this.opts.now());
    this.soon = setTimeout(() => this.pass(), wait);
  }

  private context() {
    return { pbx: this.opts.pbx, state: this.opts.session.state, rules: this.opts.rules.rules(), memory: this.memory };
  }

  private applyChange(change: AlertChange): AlertChange {
    if (!change.ok) return change;
    this.publish(change.ops);
    this.deliver(change.event);
    return change;
  }

  private publish(ops: readonly Op[]): void {
    if (!ops.length) return;
    this.publishing = true;
    try {
      this.opts.session.publish(ops);
    } finally {
      this.publishing = false;
    }
  }

  private deliver(event: AlertEvent): void {
    try {
      this.opts.sink.alert(event);
    } catch (err) {
      this.sinkErrors++;
      this.logSometimes('sink', event.at, () =>
        this.opts.log.error(
          { err: err instanceof Error ? err.message : String(err), errors: this.sinkErrors },
          'the alert event sink threw; the event is not delivered',
        ),
      );
    }
  }

  private logSometimes(key: string, now: number, log: () => void): void {
    const last = this.loggedAt.get(key);
    if (last !== undefined && now - last < LOG_EVERY_MS) return;
    this.loggedAt.set(key, now);
    log();
  }
}

/**
 * Today's figures of one PBX, kept on the board: counted from the call
 * history (the calls of the day read back at start, then each batch the
 * writer stores) and from the memberships' finished pauses and log-ins,
 * published as `queueDays`/`memberDays` ops at most once a `publishMs`.
 * At the day's end they start again from zero; a restart of ours or of
 * Asterisk changes nothing, since nothing here comes from Asterisk's counters.
 */
import type { CallRecord } from '@/lib/history/record';
import type { PbxState } from '@/lib/pbx/model';
import { remove, type Op } from '@/lib/protocol';
import { dayAt, type DayRule, type DayWindow } from '@/lib/stats/day';
import { DayTally } from '@/lib/stats/tally';
import type { Logger } from '../log';
import type { HistoryStore } from '../history/store';
import { insertSpans, recordsOfDay, spansOfDay } from './day-source';
import { MemberSpanTracker, type MemberSpan } from './member-spans';
import { WaitingSamples } from './waiting-samples';

/** Spans held for the database while it fails; past it the oldest go (their seconds stay counted until the restart). */
const MAX_HELD_SPANS = 10_000;
/** Record ids remembered per day against a batch counted twice (a load racing a write); past it, no longer checked. */
const MAX_COUNTED_IDS = 1_000_000;

export interface OwedCallbacks {
  owedByQueue(pbx: string): Promise<ReadonlyMap<string, number>>;
  onChange(listener: () => void): () => void;
}

export interface TodayOptions {
  pbx: string;
  session: { readonly state: PbxState; onOps(listener: (ops: readonly Op[]) => void): () => void; publish(ops: readonly Op[]): void };
  store: HistoryStore;
  onStored(listener: (records: readonly CallRecord[]) => void): () => void;
  rule: DayRule;
  now: () => number;
  log: Logger;
  callbacks?: OwedCallbacks;
  publishMs?: number;
}

export class TodayFigures {
  private tally: DayTally;
  private readonly counted = new Set<string>();
  private loading = true;
  private readonly heldRecords: CallRecord[] = [];
  private readonly heldSpans: MemberSpan[] = [];
  /** Spans waiting for the database. */
  private unwritten: MemberSpan[] = [];
  private writing: Promise<void> | null = null;
  private readonly stops: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private load: Promise<void> | null = null;
  private owedStale = true;
  /** Callers waiting per queue over the last hour, for the charts. */
  readonly waiting: WaitingSamples;

  constructor(private readonly opts: TodayOptions) {
    this.waiting = new WaitingSamples(opts.session.state);
    this.tally = new DayTally(dayAt(opts.now(), opts.rule));
    const tracker = new MemberSpanTracker(opts.session.state, opts.now, (span) => this.onSpan(span));
    this.stops.push(
      opts.session.onOps((ops) => tracker.ops(ops)),
      opts.onStored((records) => this.onRecords(records)),
    );
    if (opts.callbacks) this.stops.push(opts.callbacks.onChange(() => (this.owedStale = true)));
  }

  get day(): DayWindow {
    return this.tally.day;
  }

  /** Reads the day so far; resolves when the board has it. */
  start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), this.opts.publishMs ?? 1000);
    this.timer.unref();
    return (this.load = this.loadDay(this.tally.day));
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.load;
    await this.writeSpans();
  }

  private async loadDay(day: DayWindow): Promise<void> {
    const started = this.opts.now();
    this.loading = true;
    const tally = new DayTally(day);
    this.counted.clear();
    let calls = 0;
    try {
      for await (const page of recordsOfDay(this.opts.store, this.opts.pbx, day)) {
        for (const r of page) this.count(tally, r);
        calls += page.length;
      }
      for (const s of await spansOfDay(this.opts.store, this.opts.pbx, day)) addSpan(tally, s);
    } catch (err) {
      // The board still counts from now on; what the day had before stays missing until the next start, and says so in the log.
      this.opts.log.error(
        { err: err instanceof Error ? err.message : String(err), date: day.date },
        "today's figures: the day so far could not be read",
      );
    }
    for (const r of this.heldRecords.splice(0)) this.count(tally, r);
    for (const s of this.heldSpans.splice(0)) {
      addSpan(tally, s);
      this.unwritten.push(s);
    }
    this.tally = tally;
    this.loading = false;
    this.owedStale = true;
    this.publish(this.clearOps(day));
    this.opts.log.info({ date: day.date, calls, ms: this.opts.now() - started }, "today's figures read from the call history");
  }

  /** Deletes of the figures of another day than `day`, which the board still holds. */
  private clearOps(day: DayWindow): Op[] {
    const ops: Op[] = [];
    const { state } = this.opts.session;
    for (const id in state.queueDays) if (state.queueDays[id].date !== day.date) ops.push(remove('queueDays', id));
    for (const id in state.memberDays) if (state.memberDays[id].date !== day.date) ops.push(remove('memberDays', id));
    return ops;
  }

  private count(tally: DayTally, r: CallRecord): void {
    if (r.pbx !== this.opts.pbx || !tally.counts(r)) return;
    if (this.counted.has(r.id)) return;
    if (this.counted.size < MAX_COUNTED_IDS) this.counted.add(r.id);
    tally.addRecord(r);
  }

  private onRecords(records: readonly CallRecord[]): void {
    for (const r of records) {
      if (r.pbx !== this.opts.pbx) continue;
      if (this.loading) this.heldRecords.push(r);
      else this.count(this.tally, r);
    }
  }

  private onSpan(span: MemberSpan): void {
    // Held until the day is read, so a span is never both read back and counted as new.
    if (this.loading) {
      if (this.heldSpans.length < MAX_HELD_SPANS) this.heldSpans.push(span);
      return;
    }
    addSpan(this.tally, span);
    this.unwritten.push(span);
    if (this.unwritten.length > MAX_HELD_SPANS) this.unwritten.splice(0, this.unwritten.length - MAX_HELD_SPANS);
  }

  private tick(): void {
    const now = this.opts.now();
    if (now - this.waiting.last >= this.waiting.stepMs) this.waiting.sample(now);
    if (this.loading) return;
    const today = dayAt(this.opts.now(), this.opts.rule);
    if (today.date !== this.tally.day.date) {
      this.load = this.loadDay(today);
      return;
    }
    void this.writeSpans();
    this.tally.ensureQueues(Object.keys(this.opts.session.state.queues));
    if (this.owedStale && this.opts.callbacks) {
      this.owedStale = false;
      this.opts.callbacks.owedByQueue(this.opts.pbx).then(
        (owed) => {
          if (this.tally.day.date === today.date) this.tally.setCallbacksOwed(owed);
        },
        (err: unknown) => {
          this.owedStale = true;
          this.opts.log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            "today's figures: the callbacks owed could not be read",
          );
        },
      );
    }
    this.publish([]);
  }

  private publish(first: Op[]): void {
    const ops = first.concat(this.tally.takeOps());
    if (ops.length) this.opts.session.publish(ops);
  }

  private async writeSpans(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.unwritten.length === 0) return;
    const batch = this.unwritten.splice(0, 500);
    this.writing = insertSpans(this.opts.store, this.opts.pbx, batch)
      .catch((err: unknown) => {
        this.unwritten = batch.concat(this.unwritten).slice(-MAX_HELD_SPANS);
        this.opts.log.warn(
          { err: err instanceof Error ? err.message : String(err), held: this.unwritten.length },
          "today's figures: pauses not stored yet",
        );
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }
}

function addSpan(tally: DayTally, s: MemberSpan): void {
  if (s.kind === 'pause') tally.addPause(s.queue, s.interface, s.reason, s.startedAt, s.endedAt);
  else tally.addLogin(s.queue, s.interface, s.startedAt, s.endedAt);
}

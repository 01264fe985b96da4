/**
 * Delivers alert and call events to webhooks without ever making the board
 * wait: `alert()` and `call()` only pick the webhooks and enqueue. Each
 * webhook has its own bounded queue (the oldest goes when it is full,
 * counted) and one request in flight, so events reach it in order and one
 * slow endpoint holds back only itself; a global cap bounds the requests of
 * all of them together. An attempt times out; network errors, timeouts,
 * 5xx, 408 and 429 are retried with exponential backoff and jitter (a
 * Retry-After is honoured up to the cap), any other answer is final.
 * Secrets and whole URLs never reach a log line: a webhook is named by its
 * id, its name and its URL's origin.
 */
import type { AlertEvent, CallEvent, Delivery, WebhookConfig } from '@/lib/alerts/model';
import type { DeliveryDesk, EventSink, WebhookSource } from '../alerts/ports';
import type { Logger } from '../log';
import { eventKey, render, type OutgoingEvent } from './formats';
import { postOnce, type Poster } from './post';
import { signedHeaders } from './sign';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface DispatcherOptions {
  webhooks: WebhookSource;
  /** Where each attempt is written (the delivery log). */
  record: (d: Delivery) => void;
  /** Mints a delivery's id. */
  nextId?: (at: number) => string;
  log: Logger;
  now?: () => number;
  timers?: Timers;
  random?: () => number;
  /** How a body is posted (tests may count); default one node:http(s) request. */
  post?: Poster;
  /** Events held per webhook (default 1,000). */
  queueCap?: number;
  /** Requests in flight across every webhook (default 8). */
  maxConcurrent?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The least time between two "queue full" log lines of one webhook. */
  dropLogEveryMs?: number;
}

export interface WebhookStats {
  id: string;
  name: string;
  queued: number;
  inFlight: boolean;
  dropped: number;
  sent: number;
  failed: number;
}

export interface DispatcherStats {
  queued: number;
  inFlight: number;
  sent: number;
  retried: number;
  failed: number;
  dropped: number;
  webhooks: WebhookStats[];
}

interface Job {
  ev: OutgoingEvent;
  attempt: number;
}

interface Lane {
  id: string;
  queue: Job[];
  /** Sending or waiting out a backoff: the lane's one slot is taken. */
  busy: boolean;
  abort: AbortController | null;
  retryTimer: unknown;
  dropped: number;
  droppedSinceLog: number;
  lastDropLog: number;
  sent: number;
  failed: number;
}

interface Answer {
  status: number;
  answer: string;
  retryAfterMs: number | null;
}

const ANSWER_CHARS = 200;

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** The log fields that name a webhook: never its URL's path (a Slack or Teams URL is a secret) nor its secret. */
export const logName = (w: Pick<WebhookConfig, 'id' | 'name' | 'url'>) => ({ webhook: w.id, name: w.name, origin: originOf(w.url) });

/** Retry-After in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

export const retryable = (status: number): boolean => status === 0 || status === 408 || status === 429 || status >= 500;

export class WebhookDispatcher implements EventSink, DeliveryDesk {
  private readonly lanes = new Map<string, Lane>();
  private byId = new Map<string, WebhookConfig>();
  /** Lanes with work that wait for a free global slot, in the order they asked. */
  private readonly waiting = new Set<Lane>();
  private inFlight = 0;
  /** The attempts under way, so close() can wait until each has written its row. */
  private readonly running = new Set<Promise<void>>();
  private retried = 0;
  private faults = 0;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly postFn: Poster;
  private readonly queueCap: number;
  private readonly maxConcurrent: number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? REAL_TIMERS;
    this.random = opts.random ?? Math.random;
    this.postFn = opts.post ?? postOnce;
    this.queueCap = opts.queueCap ?? 1_000;
    this.maxConcurrent = opts.maxConcurrent ?? 8;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.baseDelayMs = opts.baseDelayMs ?? 1_000;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
    this.reload();
    this.unsubscribe = opts.webhooks.onChange(() => this.reload());
  }

  /** The webhooks by id, rebuilt on every change; a webhook removed or disabled loses what it still held. */
  private reload(): void {
    this.byId = new Map(this.opts.webhooks.webhooks().map((w) => [w.id, w]));
    for (const lane of this.lanes.values()) {
      const w = this.byId.get(lane.id);
      if (w?.enabled) continue;
      lane.queue.length = 0;
      lane.abort?.abort();
      if (lane.retryTimer !== null) this.timers.clearTimeout(lane.retryTimer);
      lane.retryTimer = null;
      this.waiting.delete(lane);
      if (!lane.busy) this.lanes.delete(lane.id);
    }
  }

  alert(event: AlertEvent): void {
    // A test goes only through `test()`; an event in quiet hours or the cooldown is shown, not delivered.
    if (this.closed || event.type === 'alert.test' || !event.notify) return;
    this.guard(() => {
      for (const id of event.rule.webhooks) {
        const w = this.byId.get(id);
        if (w?.enabled && w.events.includes('alerts')) this.enqueue(w, { alert: event });
      }
    });
  }

  call(event: CallEvent): void {
    if (this.closed) return;
    this.guard(() => {
      for (const w of this.byId.values()) {
        if (!w.enabled || !w.events.includes(event.type)) continue;
        if (w.queues !== null && (event.queue === null || !w.queues.includes(event.queue))) continue;
        this.enqueue(w, { call: event });
      }
    });
  }

  /** The sink never throws into its caller (the alert engine, the op path): a fault here is counted and logged, sparsely. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (this.faults++ % 1000 === 0)
        this.opts.log.error(
          { err: err instanceof Error ? err.message : String(err), faults: this.faults },
          'webhooks: an event was not queued',
        );
    }
  }

  private enqueue(w: WebhookConfig, ev: OutgoingEvent): void {
    let lane = this.lanes.get(w.id);
    if (!lane) {
      lane = {
        id: w.id,
        queue: [],
        busy: false,
        abort: null,
        retryTimer: null,
        dropped: 0,
        droppedSinceLog: 0,
        lastDropLog: -Infinity,
        sent: 0,
        failed: 0,
      };
      this.lanes.set(w.id, lane);
    }
    if (lane.queue.length >= this.queueCap) {
      lane.queue.shift();
      lane.dropped++;
      lane.droppedSinceLog++;
      const now = this.now();
      if (now - lane.lastDropLog >= (this.opts.dropLogEveryMs ?? 60_000)) {
        this.opts.log.warn(
          { ...logName(w), dropped: lane.droppedSinceLog, cap: this.queueCap },
          'webhook queue full: the oldest events were dropped',
        );
        lane.lastDropLog = now;
        lane.droppedSinceLog = 0;
      }
    }
    lane.queue.push({ ev, attempt: 1 });
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    if (this.closed || lane.busy || lane.queue.length === 0) return;
    if (this.inFlight >= this.maxConcurrent) {
      this.waiting.add(lane);
      return;
    }
    const w = this.byId.get(lane.id);
    if (!w?.enabled) {
      lane.queue.length = 0;
      return;
    }
    const job = lane.queue.shift()!;
    lane.busy = true;
    this.inFlight++;
    const running = this.run(lane, w, job).finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** One attempt of a queued job, then what follows it: done, a retry after a delay, or giving up. */
  private async run(lane: Lane, w: WebhookConfig, job: Job): Promise<void> {
    lane.abort = new AbortController();
    const d = await this.attempt(w, job.ev, job.attempt, lane.abort);
    lane.abort = null;
    this.inFlight--;
    this.wakeWaiting();
    const current = this.byId.get(lane.id);
    const gone = this.closed || !current?.enabled;
    let delay: number | null = null;
    if (d.status >= 200 && d.status < 300) lane.sent++;
    else if (!gone && retryable(d.status) && job.attempt < this.maxAttempts) {
      delay = this.delayFor(job.attempt, d.retryAfterMs);
      this.retried++;
    } else {
      lane.failed++;
      if (!gone)
        this.opts.log.warn({ ...logName(w), event: d.delivery.event, status: d.status, attempts: job.attempt }, 'webhook delivery failed');
    }
    const outcome: Delivery['outcome'] = d.status >= 200 && d.status < 300 ? 'sent' : delay !== null ? 'retrying' : 'failed';
    this.opts.record({ ...d.delivery, outcome });
    if (delay !== null) {
      lane.retryTimer = this.timers.setTimeout(() => {
        lane.retryTimer = null;
        // Back of the global line like any other; the lane's slot stays taken, so order holds.
        this.resume(lane, { ev: job.ev, attempt: job.attempt + 1 });
      }, delay);
      return;
    }
    lane.busy = false;
    if (gone && lane.queue.length === 0 && !this.byId.get(lane.id)?.enabled) this.lanes.delete(lane.id);
    this.pump(lane);
  }

  private resume(lane: Lane, job: Job): void {
    const w = this.byId.get(lane.id);
    if (this.closed || !w?.enabled) {
      lane.busy = false;
      return;
    }
    lane.busy = false;
    lane.queue.unshift(job);
    this.pump(lane);
  }

  private wakeWaiting(): void {
    for (const lane of this.waiting) {
      if (this.inFlight >= this.maxConcurrent) return;
      this.waiting.delete(lane);
      this.pump(lane);
    }
  }

  /** 1 s, 2 s, 4 s … capped, each scaled by a random 0.75–1.25 so many retries do not land at once; Retry-After wins. */
  delayFor(attempt: number, retryAfterMs: number | null): number {
    if (retryAfterMs !== null) return Math.min(this.maxDelayMs, Math.max(0, retryAfterMs));
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.min(this.maxDelayMs, Math.round(exp * (0.75 + this.random() * 0.5)));
  }

  /** Posts once and says what came back; never throws. */
  private async attempt(
    w: WebhookConfig,
    ev: OutgoingEvent,
    attempt: number,
    abort: AbortController,
  ): Promise<{ delivery: Omit<Delivery, 'outcome'>; status: number; retryAfterMs: number | null }> {
    const at = this.now();
    const { event, subject } = eventKey(ev);
    const base = {
      id: this.opts.nextId?.(at) ?? `${at}-${Math.random().toString(36).slice(2, 10)}`,
      webhook: w.id,
      event,
      subject,
      at,
      attempt,
    };
    let a: Answer;
    try {
      const body = render(w.format, ev);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Callboard-Webhook/1' };
      if (w.format === 'json' && w.secret) Object.assign(headers, signedHeaders(w.secret, at, body));
      a = await this.post(w.url, headers, body, abort);
    } catch (err) {
      a = { status: 0, answer: errorText(err, w.url, abort.signal), retryAfterMs: null };
    }
    return {
      delivery: { ...base, status: a.status, answer: a.answer, ms: Math.max(0, this.now() - at) },
      status: a.status,
      retryAfterMs: a.retryAfterMs,
    };
  }

  private async post(url: string, headers: Record<string, string>, body: string, abort: AbortController): Promise<Answer> {
    const timer = this.timers.setTimeout(() => abort.abort(new TimeoutError(this.timeoutMs)), this.timeoutMs);
    try {
      // A redirect is not followed (a 3xx is final): the body and its signature go only where the admin said.
      const res = await this.postFn(url, headers, body, abort.signal);
      return {
        status: res.status,
        answer: res.body.slice(0, ANSWER_CHARS),
        retryAfterMs: res.status === 429 || res.status === 503 ? parseRetryAfter(res.retryAfter, this.now()) : null,
      };
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  async test(webhook: WebhookConfig, event: AlertEvent): Promise<Delivery> {
    const d = await this.attempt(webhook, { alert: event }, 1, new AbortController());
    const delivery: Delivery = { ...d.delivery, outcome: d.status >= 200 && d.status < 300 ? 'sent' : 'failed' };
    this.opts.record(delivery);
    return delivery;
  }

  /** Provided by openDelivery (it owns the log); a dispatcher on its own has none to read. */
  recent(_options: { webhook?: string; limit: number }): Promise<Delivery[]> {
    return Promise.resolve([]);
  }

  stats(): DispatcherStats {
    const webhooks: WebhookStats[] = [];
    let queued = 0;
    let dropped = 0;
    let sent = 0;
    let failed = 0;
    for (const lane of this.lanes.values()) {
      queued += lane.queue.length;
      dropped += lane.dropped;
      sent += lane.sent;
      failed += lane.failed;
      webhooks.push({
        id: lane.id,
        name: this.byId.get(lane.id)?.name ?? '',
        queued: lane.queue.length,
        inFlight: lane.abort !== null,
        dropped: lane.dropped,
        sent: lane.sent,
        failed: lane.failed,
      });
    }
    return { queued, inFlight: this.inFlight, sent, retried: this.retried, failed, dropped, webhooks };
  }

  /** Stops: what is queued is dropped, what is in flight is aborted (its attempt logged), no retry runs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const lane of this.lanes.values()) {
      lane.queue.length = 0;
      lane.abort?.abort();
      if (lane.retryTimer !== null) this.timers.clearTimeout(lane.retryTimer);
      lane.retryTimer = null;
    }
    this.waiting.clear();
    await Promise.allSettled([...this.running]);
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The error as the delivery log shows it, with the URL (a secret for Slack and Teams) cut to its origin. */
function errorText(err: unknown, url: string, signal: AbortSignal): string {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  const e = reason instanceof Error ? reason : err;
  let text = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
  if (cause && !text.includes(cause)) text = `${text}: ${cause}`;
  return text.split(url).join(originOf(url)).slice(0, ANSWER_CHARS);
}

/**
 * What the webhook tests share: a receiver on loopback (node:http) whose
 * answers a test scripts, injected timers and clock, and the events.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Alert, AlertEvent, AlertRule, CallEvent, WebhookConfig } from '../../lib/alerts/model';
import type { WebhookSource } from '../../server/alerts/ports';
import type { Timers } from '../../server/webhooks/dispatcher';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** `hang`: never answers (until the receiver closes). */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  origin: string;
  received: Received[];
  /** Answers to give, in order; once used up, `fallback`. */
  replies: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

export async function startReceiver(fallback: Reply = { status: 200, body: 'ok' }): Promise<Receiver> {
  const hanging = new Set<http.ServerResponse>();
  const r: Receiver = { url: '', origin: '', received: [], replies: [], fallback, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = r.replies.shift() ?? r.fallback;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  r.origin = `http://127.0.0.1:${port}`;
  r.url = `${r.origin}/hooks/T0SECRET/B0SECRET/xyzzy`;
  r.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return r;
}

/** Timers that run only when the test moves the clock. */
export class ManualClock implements Timers {
  t = 1_764_633_600_000; // 2025-12-02T00:00:00Z
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.due.delete(h as number);
  };
  /** When the next timer is due, ms from now; null when none is. */
  next(): number | null {
    let min: number | null = null;
    for (const d of this.due.values()) if (min === null || d.at < min) min = d.at;
    return min === null ? null : min - this.t;
  }
  get pending(): number {
    return this.due.size;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | null = null;
      for (const e of this.due) if (e[1].at <= end && (!first || e[1].at < first[1].at)) first = e;
      if (!first) break;
      this.due.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
    }
    this.t = end;
  }
}

export class StaticWebhooks implements WebhookSource {
  private listeners = new Set<() => void>();
  constructor(public list: WebhookConfig[]) {}
  webhooks(): readonly WebhookConfig[] {
    return this.list;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(list: WebhookConfig[]): void {
    this.list = list;
    for (const l of this.listeners) l();
  }
}

export function webhook(over: Partial<WebhookConfig> & { url: string }): WebhookConfig {
  return {
    id: 'wh1',
    name: 'Ops channel',
    format: 'json',
    events: ['alerts'],
    queues: null,
    secret: null,
    enabled: true,
    createdAt: 1,
    updatedAt: 1,
    updatedBy: 'admin',
    ...over,
  };
}

export const RULE: AlertRule = {
  id: 'r1',
  name: 'Long wait in support',
  kind: 'longest-wait',
  severity: 'critical',
  pbx: null,
  queue: 'support',
  threshold: 120,
  clearAt: null,
  forSeconds: 0,
  reason: null,
  cooldownSeconds: 300,
  quietHours: null,
  webhooks: ['wh1'],
  enabled: true,
  createdAt: 1,
  updatedAt: 1,
  updatedBy: 'admin',
};

export const ALERT: Alert = {
  id: 'r1|support',
  ruleId: 'r1',
  ruleName: 'Long wait in support',
  kind: 'longest-wait',
  severity: 'critical',
  subject: 'support',
  queue: 'support',
  agent: '',
  value: 135,
  threshold: 120,
  firedAt: 1_764_633_600_000,
  quiet: false,
  ackedBy: null,
  ackedAt: null,
  snoozedBy: null,
  snoozedUntil: null,
};

export function alertEvent(over: Partial<AlertEvent> = {}): AlertEvent {
  return { type: 'alert.fired', pbx: 'main', at: 1_764_633_605_000, alert: ALERT, rule: RULE, notify: true, ...over };
}

export function callEvent(over: Partial<CallEvent> = {}): CallEvent {
  return {
    type: 'call.ringing',
    pbx: 'main',
    at: 1_764_633_605_000,
    call: '1700000000.1',
    queue: 'sales',
    callerNum: '+4930123456',
    callerName: 'Alice Smith',
    agent: '201',
    ...over,
  };
}

/** A pino logger whose every line the test can read. */
export function capturedLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(l);
      done();
    },
  });
  return { log: pino({ level: 'debug', base: undefined }, stream), lines };
}

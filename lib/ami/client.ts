/**
 * One AMI session to one Asterisk, kept alive: connect, greeting, login,
 * Ping keepalive, reconnect with backoff. The protocol rules live in pure
 * modules (parser, serialize, correlator, login, backoff); this file only owns
 * the socket and the timers, and both can be injected.
 *
 * ```ts
 * const ami = new AmiClient({ host, port, username, secret, events: ['call', 'agent', 'system'] });
 * ami.onStatus((s) => …);          // connecting | connected | disconnected | auth-failed
 * ami.onEvent((e) => …);           // every event (e.fields.Event), including FullyBooted after each login
 * ami.start();
 * const r = await ami.send({ Action: 'CoreShowChannels' });   // r.events: the list items, r.complete: the Complete event
 * const o = await ami.send({ Action: 'Originate', Channel, Context, Exten, Priority: 1, Async: true });
 *                                  // resolves on its OriginateResponse (o.originateResponse)
 * ami.stop();
 * ```
 *
 * Also: `status` (the last AmiStatus), `greeting` and `amiVersion` (from the banner,
 * e.g. `11.0.0`), and the `onWarning` option for things worth a log line (a skipped
 * oversized packet, a listener that threw; listeners' exceptions never break the session).
 *
 * `send` contract:
 * - resolves with `AmiResult` `{ response, events, complete?, originateResponse? }` on success;
 * - rejects with `AmiActionError` when Asterisk refuses (`Response: Error`, or an async
 *   Originate's `OriginateResponse` with `Response: Failure`); `err.amiMessage` is
 *   Asterisk's `Message` verbatim (`No such channel`, `Permission denied`, …);
 * - rejects with `AmiTimeoutError` after `timeoutMs` (default 10 s; an async Originate
 *   waits its own `Timeout` plus 10 s);
 * - rejects with `AmiConnectionError` when not connected (status is not `connected`) or when the
 *   connection drops while it waits. Nothing is ever re-sent by the client;
 * - rejects with `AmiSerializeError` when a key or value cannot go on the wire (CR, LF, NUL,
 *   bad header name). Nothing is written then.
 * The client sets ActionID itself (unique per connection); a caller's ActionID is ignored.
 *
 * Status: `connecting` → `connected` (after login) → `disconnected` (with `reason` and,
 * when a retry is scheduled, `retryInMs`). A refused login gives `auth-failed` with
 * Asterisk's message and retries only after `authFailedRetryMs` (default 60 s).
 * Reconnects use exponential backoff with jitter; a dead link is one silent for
 * `deadAfterMs` (default 10 s; a quiet link is pinged after `pingIntervalMs`, default 5 s).
 *
 * Events: packets with an `Event` header that are not items of one of our lists reach
 * `onEvent` subscribers in order. OriginateResponse events reach them too (ours or not).
 * After every (re)login the `connected` status is emitted before any event of the new
 * session, so a subscriber can resync on `connected` and then apply events.
 * Packets decode their fields on first access (see `LazyPacket`): `headerOf(e, key)`
 * reads one header without that, `toPlainPacket(e)` makes a plain copy (to spread or clone).
 */
import net from 'node:net';
import tls from 'node:tls';
import { AmiParser } from './parser';
import type { AmiPacket } from './packet';
import { serializeActionText, validateHeaderValue, type AmiAction } from './serialize';
import { Correlator, type AmiResult, type Settle } from './correlator';
import { AmiActionError, AmiConnectionError, AmiTimeoutError } from './errors';
import { amiVersionOf, challengeAction, eventsHeader, loginAction, type AmiAuthType, type AmiEventsMask } from './login';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { isEvent, type AmiEvent } from './events';

export type { AmiResult } from './correlator';
export type { AmiAction } from './serialize';
export type { AmiEvent } from './events';
export type { AmiEventsMask } from './login';
export { AmiActionError, AmiConnectionError, AmiTimeoutError, AmiSerializeError } from './errors';

/** Why a connection ended, for code to act on; `reason` is the same for people. */
export type AmiDisconnectCause =
  /** No byte from Asterisk for `silentForMs` (at least `deadAfterMs`): the link was dead since its last byte. */
  | { readonly kind: 'silent'; readonly silentForMs: number }
  /** Asterisk (or something between) closed the socket. */
  | { readonly kind: 'closed' }
  /** The socket failed, or the connection could not be made. */
  | { readonly kind: 'socket-error' }
  /** The greeting or login did not go as the protocol says. */
  | { readonly kind: 'handshake' }
  /** `stop()` was called. */
  | { readonly kind: 'stopped' };

export type AmiStatus =
  /** `attempt` counts the tries since the last successful login (or since start). */
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'connected'; readonly greeting: string; readonly version: string | undefined }
  | { readonly state: 'disconnected'; readonly reason: string; readonly cause: AmiDisconnectCause; readonly retryInMs?: number }
  | { readonly state: 'auth-failed'; readonly message: string; readonly retryInMs?: number };

/** The byte stream the client needs; a `net.Socket` or `tls.TLSSocket` is one. */
export interface AmiTransport {
  write(data: Uint8Array): unknown;
  destroy(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface AmiConnectTarget {
  host: string;
  port: number;
  tls?: boolean | tls.ConnectionOptions;
}

export interface AmiTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AmiClientOptions {
  host: string;
  /** Default 5038. */
  port?: number;
  /** TLS (Asterisk's `tlsenable`, usually port 5039). `true`, or node:tls options. */
  tls?: boolean | tls.ConnectionOptions;
  username: string;
  secret: string;
  /** Default `md5`: challenge-response, the secret never crosses the wire. */
  authType?: AmiAuthType;
  /** Default `on`. */
  events?: AmiEventsMask;
  /** Default timeout of `send`, ms. Default 10 000. */
  timeoutMs?: number;
  /** Greeting plus login must complete within this, ms. Default 10 000. */
  handshakeTimeoutMs?: number;
  /** Send a Ping when nothing arrived for this long, ms. Default 5 000. */
  pingIntervalMs?: number;
  /** Drop the link when nothing arrived for this long, ms. Default 10 000. */
  deadAfterMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Delay before retrying after `Authentication failed`, ms. Default 60 000. */
  authFailedRetryMs?: number;
  maxPacketBytes?: number;
  /** Items a list keeps; past it they are counted in `AmiResult.dropped`, not kept. Default: no bound. */
  maxListItems?: number;
  /** Things worth a log line that are not errors of any call: a skipped oversized packet, a listener that threw. */
  onWarning?: (message: string, kind: AmiWarningKind) => void;
  /** Injection points for tests and special transports. */
  connect?: (target: AmiConnectTarget) => AmiTransport;
  timers?: AmiTimers;
  now?: () => number;
  random?: () => number;
}

type Phase = 'idle' | 'greeting' | 'login' | 'ready';

/** What a warning is about, for counting: a packet over `maxPacketBytes` skipped, a subscriber that threw. */
export type AmiWarningKind = 'oversized-packet' | 'event-listener-threw' | 'status-listener-threw';

interface ResolvedOptions {
  timeoutMs: number;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  deadAfterMs: number;
  backoff: BackoffOptions;
  authFailedRetryMs: number;
}

const defaultTimers: AmiTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function defaultConnect(target: AmiConnectTarget): AmiTransport {
  if (target.tls) {
    const extra = typeof target.tls === 'object' ? target.tls : {};
    return tls.connect({ servername: net.isIP(target.host) ? undefined : target.host, ...extra, host: target.host, port: target.port });
  }
  const socket = net.connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  return socket;
}

export class AmiClient {
  private readonly options: AmiClientOptions;
  private readonly cfg: ResolvedOptions;
  private readonly timers: AmiTimers;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly connectFn: (target: AmiConnectTarget) => AmiTransport;

  private readonly eventListeners = new Set<(event: AmiEvent) => void>();
  private readonly statusListeners = new Set<(status: AmiStatus) => void>();

  private running = false;
  private phase: Phase = 'idle';
  private socket: AmiTransport | null = null;
  private parser: AmiParser | null = null;
  private correlator: Correlator | null = null;
  private readonly actionTimers = new Map<string, unknown>();
  private handshakeTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private reconnectTimer: unknown = null;
  /** Consecutive failed attempts, for the backoff. */
  private failures = 0;
  private attempts = 0;
  private lastReceivedAt = 0;
  private pinging = false;
  private currentStatus: AmiStatus = { state: 'disconnected', reason: 'not started', cause: { kind: 'stopped' } };
  private currentGreeting: string | undefined;

  /** Throws when the options can never work (CR/LF in the credentials, a bad events mask). */
  constructor(options: AmiClientOptions) {
    validateHeaderValue('Username', options.username);
    validateHeaderValue('Secret', options.secret);
    eventsHeader(options.events);
    this.options = options;
    this.cfg = {
      timeoutMs: options.timeoutMs ?? 10_000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      pingIntervalMs: options.pingIntervalMs ?? 5_000,
      deadAfterMs: options.deadAfterMs ?? 10_000,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      authFailedRetryMs: options.authFailedRetryMs ?? 60_000,
    };
    this.timers = options.timers ?? defaultTimers;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.connectFn = options.connect ?? defaultConnect;
  }

  get status(): AmiStatus {
    return this.currentStatus;
  }

  /** The banner of the current (or last) connection, e.g. `Asterisk Call Manager/11.0.0`. */
  get greeting(): string | undefined {
    return this.currentGreeting;
  }

  /** The AMI protocol version from the greeting, e.g. `11.0.0` (Asterisk 22 says 11.0.0). */
  get amiVersion(): string | undefined {
    return this.currentGreeting === undefined ? undefined : amiVersionOf(this.currentGreeting);
  }

  onEvent(listener: (event: AmiEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (status: AmiStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Connects, and keeps reconnecting until `stop()`. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.connect();
  }

  /** Closes the link for good; pending actions fail with AmiConnectionError. Idempotent. */
  stop(): void {
    if (!this.running && this.socket === null) return;
    this.running = false;
    this.clearTimer('reconnectTimer');
    if (this.socket !== null) {
      this.teardown('client stopped');
    } else {
      this.setStatus({ state: 'disconnected', reason: 'client stopped', cause: { kind: 'stopped' } });
    }
  }

  send(action: AmiAction, options: { timeoutMs?: number } = {}): Promise<AmiResult> {
    return new Promise<AmiResult>((resolve, reject) => {
      const name = String(action.Action);
      const correlator = this.correlator;
      if (this.phase !== 'ready' || correlator === null) {
        reject(new AmiConnectionError(name, 'not connected to Asterisk'));
        return;
      }
      const asyncOriginate = name.toLowerCase() === 'originate' && isTrue(action.Async);
      const asked = options.timeoutMs;
      const timeoutMs =
        asked !== undefined && Number.isFinite(asked) && asked > 0 ? asked : asyncOriginate ? originateWaitMs(action) : this.cfg.timeoutMs;
      this.dispatchAction(correlator, action, asyncOriginate, timeoutMs, (error, result) => (error ? reject(error) : resolve(result!)));
    });
  }

  // ── connection lifecycle ────────────────────────────────────────────────

  private connect(): void {
    this.attempts++;
    this.phase = 'greeting';
    this.currentGreeting = undefined;
    this.setStatus({ state: 'connecting', attempt: this.attempts });
    // Handlers ignore a parser that is no longer current: a listener may stop()/start() mid-chunk.
    const parser: AmiParser = new AmiParser(
      {
        onPacket: (packet) => {
          if (this.parser === parser) this.onPacket(packet);
        },
        onGreeting: (line) => {
          if (this.parser === parser) this.onGreeting(line);
        },
        onOversize: (bytes) => {
          if (this.parser === parser) this.warn(`skipped an AMI packet of ${bytes} bytes (over the size limit)`, 'oversized-packet');
        },
      },
      { expectGreeting: true, maxPacketBytes: this.options.maxPacketBytes },
    );
    this.parser = parser;
    this.correlator = new Correlator(this.newPrefix(), this.options.maxListItems);
    this.lastReceivedAt = this.now();
    this.handshakeTimer = this.timers.setTimeout(() => {
      this.handshakeTimer = null;
      this.drop(this.phase === 'greeting' ? 'no AMI greeting' : 'login got no answer', true, { kind: 'handshake' });
    }, this.cfg.handshakeTimeoutMs);

    let socket: AmiTransport;
    try {
      socket = this.connectFn({ host: this.options.host, port: this.options.port ?? 5038, tls: this.options.tls });
    } catch (error) {
      this.drop(`connect failed: ${messageOf(error)}`, true, { kind: 'socket-error' });
      return;
    }
    this.socket = socket;
    socket.on('data', (chunk) => {
      if (this.socket !== socket) return;
      this.lastReceivedAt = this.now();
      parser.push(chunk);
    });
    socket.on('error', (error) => {
      if (this.socket === socket) this.drop(error.message || 'socket error', true, { kind: 'socket-error' });
    });
    socket.on('close', () => {
      if (this.socket === socket) this.drop('connection closed by peer', true, { kind: 'closed' });
    });
  }

  private onGreeting(line: string): void {
    if (this.phase !== 'greeting') return;
    this.currentGreeting = line;
    this.phase = 'login';
    const correlator = this.correlator!;
    const loginTimeout = this.cfg.handshakeTimeoutMs;
    const credentials = {
      username: this.options.username,
      secret: this.options.secret,
      authType: this.options.authType,
      events: this.options.events,
    };
    const afterLogin: Settle = (error) => {
      if (this.correlator !== correlator) return;
      if (error === null) this.onLoggedIn();
      else if (error instanceof AmiActionError) this.onAuthFailed(error.amiMessage);
      else this.drop(`login failed: ${error.message}`, true, { kind: 'handshake' });
    };
    try {
      if ((this.options.authType ?? 'md5') === 'md5') {
        this.dispatchAction(correlator, challengeAction(), false, loginTimeout, (error, result) => {
          if (this.correlator !== correlator) return;
          const challenge = result?.response.fields.Challenge;
          if (error !== null) afterLogin(error, null);
          else if (!challenge) this.drop('Challenge answer had no Challenge', true, { kind: 'handshake' });
          else this.dispatchAction(correlator, loginAction(credentials, challenge), false, loginTimeout, afterLogin);
        });
      } else {
        this.dispatchAction(correlator, loginAction(credentials), false, loginTimeout, afterLogin);
      }
    } catch (error) {
      // Bad credentials shape (CR/LF in the secret, bad event class): retrying cannot help.
      this.running = false;
      this.drop(`login not sent: ${messageOf(error)}`, false, { kind: 'handshake' });
    }
  }

  private onLoggedIn(): void {
    this.clearTimer('handshakeTimer');
    this.phase = 'ready';
    this.failures = 0;
    this.attempts = 0;
    this.setStatus({ state: 'connected', greeting: this.currentGreeting ?? '', version: this.amiVersion });
    this.scheduleKeepalive();
  }

  private onAuthFailed(message: string): void {
    const retryInMs = this.running ? Math.max(this.cfg.authFailedRetryMs, this.nextBackoff()) : undefined;
    this.teardown(`authentication failed: ${message}`, { state: 'auth-failed', message, retryInMs });
    if (retryInMs !== undefined) this.scheduleReconnect(retryInMs);
  }

  private onPacket(packet: AmiPacket): void {
    const correlator = this.correlator;
    if (correlator === null) return;
    if (this.phase === 'greeting') {
      this.drop('stream did not start with an AMI greeting', true, { kind: 'handshake' });
      return;
    }
    if (correlator.accept(packet)) return;
    if (!isEvent(packet)) return;
    for (const listener of this.eventListeners) {
      try {
        listener(packet);
      } catch (error) {
        // A subscriber's bug must not break the session or starve the other subscribers.
        this.warn(`an event listener threw: ${describe(error)}`, 'event-listener-threw');
      }
    }
  }

  /** Ends the current connection because of `reason` and, if still running, schedules the next attempt. */
  private drop(reason: string, retry: boolean, cause: AmiDisconnectCause): void {
    if (this.phase !== 'ready') this.failures++;
    const retryInMs = this.running && retry ? this.nextBackoff() : undefined;
    if (!retry) this.running = false;
    this.teardown(reason, { state: 'disconnected', reason, cause, retryInMs });
    if (retryInMs !== undefined) this.scheduleReconnect(retryInMs);
  }

  private teardown(reason: string, status: AmiStatus = { state: 'disconnected', reason, cause: { kind: 'stopped' } }): void {
    const socket = this.socket;
    const correlator = this.correlator;
    this.socket = null;
    this.correlator = null;
    this.parser = null;
    this.phase = 'idle';
    this.clearTimer('handshakeTimer');
    this.clearTimer('keepaliveTimer');
    this.pinging = false;
    for (const handle of this.actionTimers.values()) this.timers.clearTimeout(handle);
    this.actionTimers.clear();
    if (socket !== null) {
      try {
        socket.destroy();
      } catch {
        // Already gone.
      }
    }
    correlator?.failAll((action) => new AmiConnectionError(action, `connection lost (${reason})`));
    this.setStatus(status);
  }

  private nextBackoff(): number {
    return backoffDelay(Math.max(0, this.failures - 1), this.random(), this.cfg.backoff);
  }

  private scheduleReconnect(delayMs: number): void {
    this.clearTimer('reconnectTimer');
    // A status listener may have called stop() meanwhile.
    if (!this.running) return;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running && this.socket === null) this.connect();
    }, delayMs);
  }

  /**
   * Pings a link that was quiet for `pingIntervalMs`, and drops it once it was
   * silent for `deadAfterMs`. Wakes exactly when one of those can next be due,
   * so a dead peer is noticed `deadAfterMs` after its last byte.
   */
  private scheduleKeepalive(delayMs = this.cfg.pingIntervalMs): void {
    this.keepaliveTimer = this.timers.setTimeout(() => {
      this.keepaliveTimer = null;
      if (this.phase !== 'ready') return;
      const silentFor = this.now() - this.lastReceivedAt;
      if (silentFor >= this.cfg.deadAfterMs) {
        this.drop(`no data from Asterisk for ${silentFor} ms`, true, { kind: 'silent', silentForMs: silentFor });
        return;
      }
      if (silentFor >= this.cfg.pingIntervalMs && !this.pinging) {
        this.pinging = true;
        this.send({ Action: 'Ping' }, { timeoutMs: this.cfg.deadAfterMs })
          .catch(() => {
            // Silence is judged by received bytes, not by this one answer.
          })
          .finally(() => (this.pinging = false));
      }
      const untilPing = this.cfg.pingIntervalMs - silentFor;
      const untilDead = this.cfg.deadAfterMs - silentFor;
      this.scheduleKeepalive(Math.max(1, untilPing > 0 ? Math.min(untilPing, untilDead) : untilDead));
    }, delayMs);
  }

  // ── plumbing ────────────────────────────────────────────────────────────

  /** Serialises, tracks and writes one action; `settle` runs exactly once. Throws AmiSerializeError before writing anything. */
  private dispatchAction(correlator: Correlator, action: AmiAction, asyncOriginate: boolean, timeoutMs: number, settle: Settle): void {
    const name = String(action.Action);
    const actionId = correlator.nextActionId();
    let text: string;
    try {
      text = serializeActionText({ ...action, ActionID: actionId });
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    const timer = this.timers.setTimeout(() => {
      this.actionTimers.delete(actionId);
      correlator.cancel(actionId, new AmiTimeoutError(name, timeoutMs));
    }, timeoutMs);
    this.actionTimers.set(actionId, timer);
    correlator.track(actionId, name, asyncOriginate, (error, result) => {
      const handle = this.actionTimers.get(actionId);
      if (handle !== undefined) {
        this.timers.clearTimeout(handle);
        this.actionTimers.delete(actionId);
      }
      settle(error, result);
    });
    this.socket!.write(Buffer.from(text, 'utf8'));
  }

  private clearTimer(name: 'handshakeTimer' | 'keepaliveTimer' | 'reconnectTimer'): void {
    const handle = this[name];
    if (handle !== null) {
      this.timers.clearTimeout(handle);
      this[name] = null;
    }
  }

  private setStatus(status: AmiStatus): void {
    this.currentStatus = status;
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch (error) {
        this.warn(`a status listener threw: ${describe(error)}`, 'status-listener-threw');
      }
    }
  }

  private warn(message: string, kind: AmiWarningKind): void {
    try {
      this.options.onWarning?.(message, kind);
    } catch {
      // Nowhere left to report it.
    }
  }

  private newPrefix(): string {
    // Short, unique per connection: late answers of an earlier connection never match.
    const r = Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0');
    return `cb${r}-`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function isTrue(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value !== 'string') return false;
  return /^(true|yes|on|1|y|t)$/i.test(value.trim());
}

/** An async Originate answers when the call is answered or fails: its own Timeout (default 30 s) plus slack. */
function originateWaitMs(action: AmiAction): number {
  const t = Number(action.Timeout);
  return (Number.isFinite(t) && t > 0 ? t : 30_000) + 10_000;
}

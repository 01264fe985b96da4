import type { Socket } from 'node:net';
import { AmiParser } from '../../lib/ami/parser';
import type { AmiPacket } from '../../lib/ami/packet';
import { ACTIONS } from './actions';
import type { Dialplan } from './dialplan';
import type { PbxCore } from './core';
import type { Registrar } from './phones';
import { ALL_BITS, GREETING, amiTimestamp, error, eventTv, packet, type AmiEvent } from './dialect';
import { ACTION_AUTHORITY, classMask } from './permissions';

export interface ManagerUser {
  username: string;
  secret: string;
  read: string[];
  write: string[];
}

/** What a session needs from the PBX around it. */
export interface SessionHost {
  readonly core: PbxCore;
  readonly plan: Dialplan;
  readonly registrar: Registrar;
  readonly stalled: boolean;
  readonly writeDelayMs: number;
  findUser(username: string): ManagerUser | undefined;
  record(chunk: Buffer): void;
  closed(session: AmiSession): void;
}

export interface ActionContext {
  session: AmiSession;
  pbx: SessionHost;
  id: string | undefined;
  get(name: string): string | undefined;
  all(name: string): string[];
  reply(text: string): void;
  timestamp(): string;
}

/** A client that will not read gets dropped rather than buffered without bound. */
const MAX_BUFFERED = 64 * 1024 * 1024;
const MAX_ACTION_BYTES = 64 * 1024;
const AUTH_TIMEOUT_MS = 30_000;

/** One AMI connection: login, permissions, event mask and filters, and a batched writer. */
export class AmiSession {
  authenticated = false;
  user?: ManagerUser;
  readMask = 0;
  writeMask = 0;
  /** Login `Events:` / the Events action; all classes unless the client says otherwise. */
  sendMask = ALL_BITS;
  challenge?: string;
  readonly sessionId = `0x7f${Math.floor(Math.random() * 0xffffffffff)
    .toString(16)
    .padStart(10, '0')}`;
  private readonly startedMs: number;
  private readonly filters: { re: RegExp; negate: boolean }[] = [];
  private readonly parser: AmiParser;
  private out: string[] = [];
  private outBytes = 0;
  private flushScheduled = false;
  private ending = false;
  private dead = false;
  private heldInput: Buffer[] = [];
  private readonly authTimer: NodeJS.Timeout;

  constructor(
    private readonly host: SessionHost,
    readonly socket: Socket,
  ) {
    this.startedMs = host.core.now();
    this.parser = new AmiParser({ onPacket: (p) => this.onPacket(p) }, { maxPacketBytes: MAX_ACTION_BYTES });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.dead = true;
      clearTimeout(this.authTimer);
      host.closed(this);
    });
    this.send(GREETING);
    // manager.conf authtimeout: a connection that never logs in is dropped.
    this.authTimer = setTimeout(() => {
      if (!this.authenticated) this.socket.destroy();
    }, AUTH_TIMEOUT_MS);
    this.authTimer.unref();
  }

  // ── input ───────────────────────────────────────────────────────────────

  private onData(chunk: Buffer): void {
    this.host.record(chunk);
    if (this.host.stalled) {
      this.heldInput.push(chunk);
      return;
    }
    this.parser.push(chunk);
  }

  /** After a stall: act on what arrived meanwhile and write what piled up. */
  resume(): void {
    const held = this.heldInput;
    this.heldInput = [];
    for (const chunk of held) if (!this.dead) this.parser.push(chunk);
    this.scheduleFlush();
  }

  private onPacket(p: AmiPacket): void {
    if (this.dead || this.ending) return;
    const headers = headerMap(p);
    const get = (name: string) => headers.get(name.toLowerCase())?.[0];
    const id = get('ActionID');
    const action = get('Action');
    if (!action) {
      this.badFormat('NONE');
      this.send(error(id, 'Missing action in request'));
      return;
    }
    const name = action.toLowerCase();
    if (!this.authenticated && name !== 'login' && name !== 'logoff' && name !== 'challenge') {
      this.send(error(id, 'Permission denied'));
      return;
    }
    const handler = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!handler) {
      this.send(error(id, `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`));
      this.badFormat(`Action: ${action}`);
      return;
    }
    const authority = ACTION_AUTHORITY[name] ?? 0;
    if (authority !== 0 && (this.writeMask & authority) === 0) {
      this.send(error(id, 'Permission denied'));
      this.securityEvent('RequestNotAllowed', 'Error', [['RequestType', `Action: ${action}`]]);
      return;
    }
    const ctx: ActionContext = {
      session: this,
      pbx: this.host,
      id,
      get,
      all: (n) => headers.get(n.toLowerCase()) ?? [],
      reply: (text) => this.send(text),
      timestamp: () => amiTimestamp(this.host.core.now()),
    };
    try {
      handler(ctx);
    } catch {
      // A bug in one action must not take the PBX down; the client still gets an answer.
      this.send(error(id, 'Internal error'));
    }
  }

  // ── login and filtering ─────────────────────────────────────────────────

  newChallenge(): string {
    this.challenge ??= String(Math.floor(Math.random() * 900_000_000) + 100_000_000);
    return this.challenge;
  }

  authenticate(user: ManagerUser, events: number | undefined): void {
    this.authenticated = true;
    clearTimeout(this.authTimer);
    this.user = user;
    this.readMask = classMask(user.read);
    this.writeMask = classMask(user.write);
    if (events !== undefined && events >= 0) this.sendMask = events;
  }

  /** What Asterisk writes right after `Authentication accepted`. */
  afterLogin(): void {
    const core = this.host.core;
    const system = 1;
    if (this.readMask & this.sendMask & system) {
      const now = core.now();
      this.send(
        packet([
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Uptime', Math.floor((now - core.bootMs) / 1000)],
          ['LastReload', Math.floor((now - core.reloadMs) / 1000)],
          ['Status', 'Fully Booted'],
        ]),
      );
    }
    this.securityEvent('SuccessfulAuth', 'Informational', [['UsingPassword', 0]], true);
  }

  addFilter(text: string): boolean {
    const negate = text.startsWith('!');
    try {
      this.filters.push({ re: new RegExp(negate ? text.slice(1) : text), negate });
      return true;
    } catch {
      return false;
    }
  }

  /** manager.c match_filter: pass if any include-filter matches (or none exist) and no exclude-filter does. */
  private passesFilters(text: string): boolean {
    let hasInclude = false;
    let included = false;
    for (const f of this.filters) {
      if (f.negate) {
        if (f.re.test(text)) return false;
      } else {
        hasInclude = true;
        if (!included && f.re.test(text)) included = true;
      }
    }
    return !hasInclude || included;
  }

  deliver(ev: AmiEvent): void {
    if (!this.authenticated || this.dead) return;
    if ((this.readMask & ev.classBit) !== ev.classBit || (this.sendMask & ev.classBit) !== ev.classBit) return;
    if (this.filters.length > 0 && !this.passesFilters(ev.text)) return;
    this.send(ev.text);
  }

  private securityEvent(
    name: 'SuccessfulAuth' | 'RequestBadFormat' | 'RequestNotAllowed',
    severity: string,
    extra: [string, string | number][],
    accountFirst = false,
  ): void {
    const core = this.host.core;
    const now = core.now();
    const account: [string, string][] = [['AccountID', this.user?.username ?? '']];
    const body: [string, string | number][] = [
      ['EventTV', eventTv(now)],
      ['Severity', severity],
      ['Service', 'AMI'],
      ['EventVersion', 1],
      ...(accountFirst ? account : []),
      ['SessionID', this.sessionId],
      ['LocalAddress', `IPV4/TCP/${this.socket.localAddress ?? '127.0.0.1'}/${this.socket.localPort ?? 0}`],
      ['RemoteAddress', `IPV4/TCP/${this.socket.remoteAddress ?? '127.0.0.1'}/${this.socket.remotePort ?? 0}`],
      ...(accountFirst ? extra : []),
      ...(accountFirst ? [] : extra),
      ['SessionTV', eventTv(this.startedMs)],
      ...(accountFirst ? [] : account),
    ];
    core.emit(name, body);
  }

  private badFormat(requestType: string): void {
    if (this.authenticated) this.securityEvent('RequestBadFormat', 'Error', [['RequestType', requestType]]);
  }

  // ── output ──────────────────────────────────────────────────────────────

  send(text: string): void {
    if (this.dead) return;
    this.out.push(text);
    this.outBytes += text.length;
    if (this.outBytes > MAX_BUFFERED) {
      this.socket.destroy();
      return;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.host.stalled || this.dead) return;
    this.flushScheduled = true;
    const delay = this.host.writeDelayMs;
    if (delay > 0) setTimeout(() => this.flush(), delay);
    else setImmediate(() => this.flush());
  }

  /** One write per tick, however many events arrived: that is what keeps load mode cheap. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.dead || this.host.stalled) return;
    if (this.out.length > 0) {
      const text = this.out.length === 1 ? this.out[0] : this.out.join('');
      this.out = [];
      this.outBytes = 0;
      this.socket.write(text, 'utf8');
      if (this.socket.writableLength > MAX_BUFFERED) this.socket.destroy();
    }
    if (this.ending) this.socket.end();
  }

  /** Close after everything queued so far has been written (Logoff, failed login). */
  end(): void {
    this.ending = true;
    if (this.host.stalled) this.socket.destroy();
    else this.scheduleFlush();
  }

  drop(): void {
    this.dead = true;
    this.socket.destroy();
  }

  /** Writes half of what is pending (or of a fresh event) and cuts the connection there. */
  cutMidPacket(fallback: string): void {
    const text = this.out.join('') || fallback;
    this.out = [];
    const bytes = Buffer.from(text, 'utf8');
    const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
    this.dead = true;
    this.socket.end(half);
    setTimeout(() => this.socket.destroy(), 50).unref();
  }
}

/** Header names are case-insensitive in AMI (astman_get_header); keep every value. */
function headerMap(p: AmiPacket): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const key of Object.keys(p.fields)) {
    // A lone CR or a NUL inside a value must never reach another packet (values are echoed in events).
    const values = (p.repeated?.[key] ?? [p.fields[key]]).map((v) => v.replace(/[\r\n\0]/g, ''));
    const lower = key.toLowerCase();
    const prior = map.get(lower);
    map.set(lower, prior ? prior.concat(values) : [...values]);
  }
  return map;
}

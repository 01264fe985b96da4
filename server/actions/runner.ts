/**
 * Every action, from socket.io or REST, goes through the same steps in the
 * same order: validate → authorise → rate-limit → audit → AMI → result.
 * Asterisk's own message comes back verbatim; a dropped link is reported as
 * `link-down` and the action is never retried behind the user's back.
 */
import { parseActionRequest, type ParsedAction } from '@/lib/actions';
import { AmiActionError, AmiConnectionError, AmiSerializeError, AmiTimeoutError } from '@/lib/ami/errors';
import type { AmiAction } from '@/lib/ami/serialize';
import { PBX_ID, type ActionErrorCode, type ActionResult, type PbxState, type Role } from '@/lib/protocol';
import type { Grants } from '@/lib/grants';
import type { Logger } from '../log';
import { RateLimiter } from '../rate-limit';
import { boundedCopy, type AuditLog } from './audit';

export interface Actor {
  user: string;
  role: Role;
  address: string;
  grants?: Grants;
}

/** Who an audit entry names: an actor, or someone refused before we knew a role. */
export type AuditActor = Pick<Actor, 'user' | 'address'> & { role: string };

/** What the runner needs from the PBX session. */
export interface PbxCommands {
  readonly state: PbxState;
  readonly connected: boolean;
  /** Resolves with the packet that answered (for Originate: the OriginateResponse). */
  command(action: AmiAction, timeoutMs: number): Promise<{ fields: Record<string, string> }>;
}

/** A PBX an action can go to: its session and how it places calls. */
export interface ActionTarget {
  commands: PbxCommands;
  originate: { context: string; channelTemplate: string };
}

export interface ActionRunnerOptions {
  /** The PBX of a configured id; undefined for an id nobody configured. */
  pbx: (id: string) => ActionTarget | undefined;
  audit: AuditLog;
  log: Logger;
  /** Actions per user per window. */
  rateLimit?: { limit: number; windowMs: number };
  now?: () => number;
}

const ACTING_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);
const HANGUP_TIMEOUT_MS = 10_000;
const PAUSE_TIMEOUT_MS = 10_000;
/** Originate answers when the far end picks up or the ring timeout ends; the browser waits 40 s. */
const ORIGINATE_TIMEOUT_MS = 35_000;
const ORIGINATE_RING_MS = 30_000;

class Refusal extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class ActionRunner {
  private readonly limiter: RateLimiter;
  private readonly now: () => number;

  constructor(private readonly opts: ActionRunnerOptions) {
    const rl = opts.rateLimit ?? { limit: 10, windowMs: 10_000 };
    this.limiter = new RateLimiter(rl.limit, rl.windowMs);
    this.now = opts.now ?? Date.now;
  }

  /** Refuses before the pipeline (e.g. credentials gone), audited like any other refusal. */
  refuse(actor: AuditActor, raw: unknown, code: ActionErrorCode, message: string): ActionResult {
    const result: ActionResult = { ok: false, code, message };
    this.audit(actor, raw, result);
    return result;
  }

  async run(actor: Actor, raw: unknown): Promise<ActionResult> {
    let result: ActionResult;
    try {
      const parsed = parseActionRequest(raw);
      if (!parsed.ok) throw new Refusal('invalid', parsed.message);
      if (!ACTING_ROLES.has(actor.role)) throw new Refusal('forbidden', `Role ${actor.role} may not ${parsed.request.type}`);
      const limit = this.limiter.hit(actor.user, this.now());
      if (!limit.ok) throw new Refusal('rate-limited', `Too many actions. Try again in ${Math.ceil(limit.retryAfterMs / 1000)} s.`);
      const target = this.opts.pbx(parsed.request.pbx);
      if (!target) throw new Refusal('invalid', `No PBX "${parsed.request.pbx}" is configured`);
      result = await this.execute(target, parsed.request);
    } catch (err) {
      result = toFailure(err);
      if (result.code === 'ami' && !(err instanceof AmiActionError)) this.opts.log.error({ err }, 'action failed unexpectedly');
    }
    this.audit(actor, raw, result);
    return result;
  }

  /** Through the audit log's shared throttle: a client looping on a refused request cannot fill the disk. */
  private audit(actor: AuditActor, raw: unknown, result: ActionResult): void {
    this.opts.audit.record({
      time: new Date(this.now()).toISOString(),
      who: actor.user,
      role: actor.role,
      address: actor.address,
      action: describeType(raw),
      pbx: describePbx(raw),
      params: boundedCopy(raw),
      result: result.ok ? 'ok' : result.code,
      message: result.message,
    });
  }

  private execute(target: ActionTarget, request: ParsedAction): Promise<ActionResult> {
    if (request.type === 'originate') return this.originate(target, request.from, request.to, request.callerId);
    if (request.type === 'pause') return this.pause(target.commands, request);
    if ('call' in request) return this.hangupCall(target.commands, request.call);
    return this.hangupChannel(target.commands, request.channel);
  }

  private async hangupChannel(pbx: PbxCommands, idOrName: string): Promise<ActionResult> {
    const { channels } = pbx.state;
    // Own keys only: `constructor` or `toString` must not find Object.prototype's.
    const byId = Object.hasOwn(channels, idOrName) ? channels[idOrName] : undefined;
    const name = byId ? byId.name : Object.values(channels).find((c) => c.name === idOrName)?.name;
    if (!name) throw new Refusal('invalid', `No channel ${idOrName} in the current state`);
    refuseRegex(name);
    requireLink(pbx);
    const answer = await pbx.command({ Action: 'Hangup', Channel: name }, HANGUP_TIMEOUT_MS);
    return { ok: true, message: answer.fields.Message ?? 'Channel Hungup' };
  }

  /** Hangs up every channel of the call that still exists; the call is gone when the last one is. */
  private async hangupCall(pbx: PbxCommands, callId: string): Promise<ActionResult> {
    const { calls } = pbx.state;
    const call = Object.hasOwn(calls, callId) ? calls[callId] : undefined;
    if (!call) throw new Refusal('invalid', `No call ${callId} in the current state`);
    requireLink(pbx);
    let done = 0;
    let asteriskSaid = '';
    let lastError: unknown;
    for (const id of call.channels) {
      const channel = pbx.state.channels[id];
      // Hanging up one leg often takes the others with it.
      if (!channel) continue;
      refuseRegex(channel.name);
      try {
        const answer = await pbx.command({ Action: 'Hangup', Channel: channel.name }, HANGUP_TIMEOUT_MS);
        asteriskSaid = answer.fields.Message ?? asteriskSaid;
        done++;
      } catch (err) {
        if (err instanceof AmiActionError && /no such channel/i.test(err.amiMessage) && done > 0) continue;
        lastError = err;
        if (!(err instanceof AmiActionError)) break;
      }
    }
    if (done === 0 && lastError) throw lastError;
    // Asterisk's own words, as for a single channel; the count only when it says more.
    const said = asteriskSaid || 'Channel Hungup';
    return { ok: true, message: done === 1 ? said : `${said} (${done} channels)` };
  }

  /**
   * QueuePause for a member the board knows: in one queue, or in every queue
   * it is in when no queue is named (Asterisk's own meaning of a missing
   * Queue). Asterisk keeps a reason only while paused, so an unpause sends none.
   */
  private async pause(
    pbx: PbxCommands,
    request: { interface: string; queue?: string; paused: boolean; reason?: string },
  ): Promise<ActionResult> {
    const { members } = pbx.state;
    const known = Object.values(members).some(
      (m) => m.interface === request.interface && (request.queue === undefined || m.queue === request.queue),
    );
    if (!known) {
      throw new Refusal(
        'invalid',
        request.queue === undefined
          ? `${request.interface} is not a member of any queue`
          : `${request.interface} is not a member of ${request.queue}`,
      );
    }
    requireLink(pbx);
    const answer = await pbx.command(
      {
        Action: 'QueuePause',
        Interface: request.interface,
        Queue: request.queue,
        Paused: request.paused ? 'true' : 'false',
        Reason: request.paused ? request.reason : undefined,
      },
      PAUSE_TIMEOUT_MS,
    );
    return {
      ok: true,
      message: answer.fields.Message ?? (request.paused ? 'Interface paused successfully' : 'Interface unpaused successfully'),
    };
  }

  private async originate(target: ActionTarget, from: string, to: string, callerId?: string): Promise<ActionResult> {
    requireLink(target.commands);
    const { context, channelTemplate } = target.originate;
    const answer = await target.commands.command(
      {
        Action: 'Originate',
        Channel: channelTemplate.replaceAll('{extension}', from),
        Context: context,
        Exten: to,
        Priority: 1,
        CallerID: callerId,
        Timeout: ORIGINATE_RING_MS,
        Async: 'true',
      },
      ORIGINATE_TIMEOUT_MS,
    );
    const uniqueid = answer.fields.Uniqueid;
    return { ok: true, message: 'Call answered', ...(uniqueid && uniqueid !== '<null>' ? { uniqueid } : {}) };
  }
}

function requireLink(pbx: PbxCommands): void {
  if (!pbx.connected) throw new Refusal('link-down', 'The PBX link is down; nothing was sent.');
}

/** Asterisk's Hangup reads `/…/` as a regular expression over every channel: never from a name. */
function refuseRegex(name: string): void {
  if (name.startsWith('/')) throw new Refusal('invalid', 'Not a channel name');
}

function describeType(raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && /^[a-z-]{1,20}$/.test(type) ? type : 'unknown';
}

/** The PBX an entry is about, when the request named a plausible one (a refused request may not have). */
function describePbx(raw: unknown): string | undefined {
  const pbx = typeof raw === 'object' && raw !== null ? (raw as { pbx?: unknown }).pbx : undefined;
  return typeof pbx === 'string' && PBX_ID.test(pbx) ? pbx : undefined;
}

function toFailure(err: unknown): Extract<ActionResult, { ok: false }> {
  if (err instanceof Refusal) return { ok: false, code: err.code, message: err.message };
  if (err instanceof AmiActionError) return { ok: false, code: 'ami', message: err.amiMessage };
  if (err instanceof AmiConnectionError)
    return { ok: false, code: 'link-down', message: `The PBX link dropped: ${err.reason}. The action may or may not have happened.` };
  if (err instanceof AmiTimeoutError)
    return { ok: false, code: 'timeout', message: `The PBX did not answer within ${Math.round(err.timeoutMs / 1000)} s.` };
  // Validation should make this unreachable; if not, the serializer still kept the bytes off the socket.
  if (err instanceof AmiSerializeError) return { ok: false, code: 'invalid', message: `Refused before sending: ${err.message}` };
  return { ok: false, code: 'ami', message: 'The action failed on the server' };
}

/**
 * Every action, from socket.io or REST, goes through the same steps in the
 * same order: validate → authorise → rate-limit → audit → AMI → result.
 * Asterisk's own message comes back verbatim; a dropped link is reported as
 * `link-down` and the action is never retried behind the user's back.
 */
import { parseActionRequest, type ParsedAction } from '@/lib/actions';
import { grantsFor, inScope, mayAct, type Grants } from '@/lib/grants';
import type { Call, Channel } from '@/lib/pbx/model';
import { AmiActionError, AmiConnectionError, AmiSerializeError, AmiTimeoutError } from '@/lib/ami/errors';
import { allValues, type AmiPacket } from '@/lib/ami/packet';
import type { AmiAction } from '@/lib/ami/serialize';
import { CliPolicy } from './cli-policy';
import { PBX_ID, type ActionErrorCode, type ActionResult, type PbxState, type Role } from '@/lib/protocol';
import type { Logger } from '../log';
import { RateLimiter } from '../rate-limit';
import type { ActionLimiter } from '../cluster/shared-rate-limit';
import { boundedCopy, type AuditLog } from './audit';
import { answeringLeg, bridgedPeer, callerLeg, findCall, legOf, spyTarget } from './call-legs';

export interface Actor {
  user: string;
  role: Role;
  address: string;
  /** What this user may do and see; the role's defaults when absent. */
  grants?: Grants;
}

/** Who an audit entry names: an actor, or someone refused before we knew a role. */
export type AuditActor = Pick<Actor, 'user' | 'address'> & { role: string };

/** What the runner needs from the PBX session. */
export interface PbxCommands {
  readonly state: PbxState;
  readonly connected: boolean;
  /** Resolves with the packet that answered (for Originate: the OriginateResponse). */
  command(action: AmiAction, timeoutMs: number): Promise<AmiPacket>;
}

/** A PBX an action can go to: its session and how it places calls. */
export interface ActionTarget {
  commands: PbxCommands;
  /** Where calls are placed, transferred and redirected (`context`), and how a user's phone is dialled. */
  originate: { context: string; channelTemplate: string };
  /** The dialplan context whose extensions are the parking slots (res_parking's `parkedcalls`). */
  parkingContext?: string;
}

export interface ActionRunnerOptions {
  /** The PBX of a configured id; undefined for an id nobody configured. */
  pbx: (id: string) => ActionTarget | undefined;
  /** What the admin CLI console may run (the read-only defaults when absent). */
  cli?: CliPolicy;
  audit: AuditLog;
  log: Logger;
  /** Actions per user per window. */
  rateLimit?: { limit: number; windowMs: number };
  /** Where that limit is counted: this process (default), or with several nodes Redis (server/cluster/shared-rate-limit.ts). */
  limiter?: ActionLimiter;
  now?: () => number;
}

const ACTING_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);
/** Actions per user: 10 in any 10 s. */
export const DEFAULT_ACTION_RATE = { limit: 10, windowMs: 10_000 } as const;
const HANGUP_TIMEOUT_MS = 10_000;
const QUEUE_TIMEOUT_MS = 10_000;
const CALL_ACTION_TIMEOUT_MS = 10_000;
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
  private readonly limiter: ActionLimiter;
  private readonly now: () => number;
  private readonly cli: CliPolicy;

  constructor(private readonly opts: ActionRunnerOptions) {
    const rl = opts.rateLimit ?? DEFAULT_ACTION_RATE;
    this.limiter = opts.limiter ?? new RateLimiter(rl.limit, rl.windowMs);
    this.now = opts.now ?? Date.now;
    this.cli = opts.cli ?? new CliPolicy();
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
      const request = parsed.request;
      if (!ACTING_ROLES.has(actor.role)) throw new Refusal('forbidden', `Role ${actor.role} may not ${request.type}`);
      const grants = actor.grants ?? grantsFor(actor.role);
      if (!mayAct(grants, request.type)) throw new Refusal('forbidden', `Your account may not ${request.type}`);
      const limit = await this.limiter.hit(actor.user, this.now());
      if (!limit.ok) throw new Refusal('rate-limited', `Too many actions. Try again in ${Math.ceil(limit.retryAfterMs / 1000)} s.`);
      const target = this.opts.pbx(request.pbx);
      if (!target) throw new Refusal('invalid', `No PBX "${request.pbx}" is configured`);
      result = await this.execute(target, request, grants);
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

  private execute(target: ActionTarget, request: ParsedAction, grants: Grants): Promise<ActionResult> {
    const pbx = target.commands;
    switch (request.type) {
      case 'originate':
        return this.originate(target, request.from, request.to, request.callerId);
      case 'pause':
        return this.pause(pbx, request, grants);
      case 'queue-add':
        return this.queueAdd(pbx, request, grants);
      case 'queue-remove':
        requireQueue(grants, request.queue);
        return this.queueCommand(pbx, { Action: 'QueueRemove', Queue: request.queue, Interface: request.interface });
      case 'queue-penalty':
        return this.queuePenalty(pbx, request, grants);
      case 'transfer':
        return this.transfer(target, request, grants);
      case 'redirect':
        return this.redirect(target, request, grants);
      case 'park':
        return this.park(pbx, request, grants);
      case 'pickup':
        return this.pickup(target, request.parked, grants);
      case 'listen':
      case 'whisper':
      case 'barge':
        return this.spy(target, request, grants);
      case 'hangup':
        return 'call' in request ? this.hangupCall(pbx, request.call, grants) : this.hangupChannel(pbx, request.channel, grants);
      case 'command':
        return this.command(pbx, request.command);
    }
  }

  private async hangupChannel(pbx: PbxCommands, idOrName: string, grants: Grants): Promise<ActionResult> {
    const { channels } = pbx.state;
    // Own keys only: `constructor` or `toString` must not find Object.prototype's.
    const channel = Object.hasOwn(channels, idOrName) ? channels[idOrName] : Object.values(channels).find((c) => c.name === idOrName);
    if (!channel) throw new Refusal('invalid', `No channel ${idOrName} in the current state`);
    if (grants.queues !== null)
      requireCallScope(grants, findCall(pbx.state, channel.linkedId), `No channel ${idOrName} in the current state`);
    refuseRegex(channel.name);
    requireLink(pbx);
    const answer = await pbx.command({ Action: 'Hangup', Channel: channel.name }, HANGUP_TIMEOUT_MS);
    return { ok: true, message: answer.fields.Message ?? 'Channel Hungup' };
  }

  /** Hangs up every channel of the call that still exists; the call is gone when the last one is. */
  private async hangupCall(pbx: PbxCommands, callId: string, grants: Grants): Promise<ActionResult> {
    const call = this.callFor(pbx, callId, grants);
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

  /** A call the user may act on; a call outside their queues is answered as if it did not exist. */
  private callFor(pbx: PbxCommands, callId: string, grants: Grants): Call {
    const call = findCall(pbx.state, callId);
    const missing = `No call ${callId} in the current state`;
    if (!call) throw new Refusal('invalid', missing);
    requireCallScope(grants, call, missing);
    return call;
  }

  /** The leg a call action names, or its default; refused when the call has no such leg now. */
  private legFor(
    pbx: PbxCommands,
    call: Call,
    channel: string | undefined,
    fallback: (call: Call) => Channel | undefined,
    what: string,
  ): Channel {
    const leg = channel === undefined ? fallback(call) : legOf(pbx.state, call, channel);
    if (!leg)
      throw new Refusal('invalid', channel === undefined ? `The call has no ${what} now` : `No channel ${channel} in call ${call.id}`);
    refuseRegex(leg.name);
    return leg;
  }

  /**
   * QueuePause for a member the board knows: in one queue, or in every queue
   * it is in when no queue is named (Asterisk's own meaning of a missing
   * Queue). A user limited to some queues pauses the member in those only.
   * Asterisk keeps a reason only while paused, so an unpause sends none.
   */
  private async pause(
    pbx: PbxCommands,
    request: { interface: string; queue?: string; paused: boolean; reason?: string },
    grants: Grants,
  ): Promise<ActionResult> {
    if (request.queue !== undefined) requireQueue(grants, request.queue);
    const targets = this.memberTargets(pbx, request.interface, request.queue, grants);
    requireLink(pbx);
    let message = '';
    for (const queue of targets) {
      const answer = await pbx.command(
        {
          Action: 'QueuePause',
          Interface: request.interface,
          Queue: queue,
          Paused: request.paused ? 'true' : 'false',
          Reason: request.paused ? request.reason : undefined,
        },
        QUEUE_TIMEOUT_MS,
      );
      message = answer.fields.Message ?? message;
    }
    return { ok: true, message: message || (request.paused ? 'Interface paused successfully' : 'Interface unpaused successfully') };
  }

  /**
   * The Queue headers to send for a member action: one action without Queue
   * (Asterisk's "every queue") for an unscoped user who named none, else one
   * per queue of the member within the user's scope.
   */
  private memberTargets(pbx: PbxCommands, iface: string, queue: string | undefined, grants: Grants): (string | undefined)[] {
    const queues = this.memberQueues(pbx, iface, queue, grants);
    return grants.queues === null && queue === undefined ? [undefined] : queues;
  }

  /** The queues (within the user's scope) that `iface` is a member of; refused when there are none. */
  private memberQueues(pbx: PbxCommands, iface: string, queue: string | undefined, grants: Grants): string[] {
    const queues = Object.values(pbx.state.members)
      .filter((m) => m.interface === iface && (queue === undefined || m.queue === queue) && inScope(grants, m.queue))
      .map((m) => m.queue);
    if (queues.length === 0) {
      throw new Refusal('invalid', queue === undefined ? `${iface} is not a member of any queue` : `${iface} is not a member of ${queue}`);
    }
    return queues;
  }

  /** Asterisk answers a duplicate or a missing queue itself ("Already there", "No such queue"): its words reach the user. */
  private queueAdd(pbx: PbxCommands, request: Extract<ParsedAction, { type: 'queue-add' }>, grants: Grants): Promise<ActionResult> {
    requireQueue(grants, request.queue);
    return this.queueCommand(pbx, {
      Action: 'QueueAdd',
      Queue: request.queue,
      Interface: request.interface,
      MemberName: request.name,
      Penalty: request.penalty,
      Paused: request.paused === undefined ? undefined : request.paused ? 'true' : 'false',
      StateInterface: request.stateInterface,
    });
  }

  private async queuePenalty(
    pbx: PbxCommands,
    request: Extract<ParsedAction, { type: 'queue-penalty' }>,
    grants: Grants,
  ): Promise<ActionResult> {
    if (request.queue !== undefined) requireQueue(grants, request.queue);
    const targets = this.memberTargets(pbx, request.interface, request.queue, grants);
    let result: ActionResult = { ok: true, message: '' };
    for (const queue of targets) {
      result = await this.queueCommand(pbx, {
        Action: 'QueuePenalty',
        Interface: request.interface,
        Penalty: request.penalty,
        Queue: queue,
      });
    }
    return result;
  }

  private async queueCommand(pbx: PbxCommands, action: AmiAction): Promise<ActionResult> {
    requireLink(pbx);
    const answer = await pbx.command(action, QUEUE_TIMEOUT_MS);
    return { ok: true, message: answer.fields.Message ?? 'Done' };
  }

  /** BlindTransfer on the leg that leaves: Asterisk sends the party bridged to it to `to`. */
  private async transfer(
    target: ActionTarget,
    request: Extract<ParsedAction, { type: 'transfer' }>,
    grants: Grants,
  ): Promise<ActionResult> {
    const pbx = target.commands;
    const call = this.callFor(pbx, request.call, grants);
    const leg = this.legFor(pbx, call, request.channel, (c) => answeringLeg(pbx.state, c), 'answered party to transfer from');
    requireLink(pbx);
    const answer = await pbx.command(
      { Action: 'BlindTransfer', Channel: leg.name, Context: target.originate.context, Exten: request.to },
      CALL_ACTION_TIMEOUT_MS,
    );
    return { ok: true, message: answer.fields.Message ?? 'Transfer succeeded' };
  }

  private async redirect(
    target: ActionTarget,
    request: Extract<ParsedAction, { type: 'redirect' }>,
    grants: Grants,
  ): Promise<ActionResult> {
    const pbx = target.commands;
    const call = this.callFor(pbx, request.call, grants);
    const leg = this.legFor(pbx, call, request.channel, (c) => callerLeg(pbx.state, c), 'caller to redirect');
    requireLink(pbx);
    const answer = await pbx.command(
      { Action: 'Redirect', Channel: leg.name, Context: target.originate.context, Exten: request.to, Priority: 1 },
      CALL_ACTION_TIMEOUT_MS,
    );
    return { ok: true, message: answer.fields.Message ?? 'Redirect successful' };
  }

  /** Park the caller; on the lot's timeout the call rings back the party it was bridged to. */
  private async park(pbx: PbxCommands, request: Extract<ParsedAction, { type: 'park' }>, grants: Grants): Promise<ActionResult> {
    const call = this.callFor(pbx, request.call, grants);
    const leg = this.legFor(pbx, call, request.channel, (c) => callerLeg(pbx.state, c), 'caller to park');
    const back = bridgedPeer(pbx.state, leg);
    if (back) refuseRegex(back.name);
    requireLink(pbx);
    const answer = await pbx.command({ Action: 'Park', Channel: leg.name, TimeoutChannel: back?.name }, CALL_ACTION_TIMEOUT_MS);
    // Asterisk ends this Message with a bare LF.
    return { ok: true, message: (answer.fields.Message ?? 'Park successful').trim() };
  }

  /** Rings the user's phone; answering it takes the call out of the slot. */
  private async pickup(target: ActionTarget, parkedId: string, grants: Grants): Promise<ActionResult> {
    const pbx = target.commands;
    const parked = Object.hasOwn(pbx.state.parked, parkedId) ? pbx.state.parked[parkedId] : undefined;
    const missing = `No call is parked at ${parkedId.replace('|', ' ')}`;
    if (!parked) throw new Refusal('invalid', missing);
    if (grants.queues !== null) requireCallScope(grants, findCall(pbx.state, parked.linkedId), missing);
    const phone = ownPhone(target, grants);
    requireLink(pbx);
    await pbx.command(
      {
        Action: 'Originate',
        Channel: phone,
        Context: target.parkingContext ?? 'parkedcalls',
        Exten: parked.space,
        Priority: 1,
        Timeout: ORIGINATE_RING_MS,
        Async: 'true',
      },
      ORIGINATE_TIMEOUT_MS,
    );
    return { ok: true, message: `Picked up at your phone ${grants.extension}` };
  }

  /**
   * A CLI command through AMI's Command: refused before AMI unless the
   * allowlist allows it. Asterisk 22 answers with `Output:` lines in the
   * Response (an unknown command is a Response: Error whose Output says so);
   * older versions sent the "Follows" form, which the parser also collects.
   */
  private async command(pbx: PbxCommands, text: string): Promise<ActionResult> {
    const verdict = this.cli.check(text);
    if (!verdict.ok) throw new Refusal('forbidden', verdict.reason);
    requireLink(pbx);
    let answer: AmiPacket;
    try {
      answer = await pbx.command({ Action: 'Command', Command: verdict.command }, COMMAND_TIMEOUT_MS);
    } catch (err) {
      // Asterisk's words for an unknown command are in the Output, not the Message ("Command output follows").
      if (err instanceof AmiActionError) {
        const said = outputOf(err.packet).lines.join(' ').trim();
        if (said) throw new AmiActionError(err.action, said, err.packet);
      }
      throw err;
    }
    const { lines, truncated, bytes } = outputOf(answer);
    return {
      ok: true,
      message: `${answer.fields.Message ?? 'Command output follows'} (${lines.length} lines, ${bytes} bytes${truncated ? ', cut' : ''})`,
      output: lines,
      ...(truncated ? { truncated } : {}),
    };
  }

  /** ChanSpy from the user's own phone on the answering party's leg: q (no beep), w whisper, B barge; E ends with the call. */
  private async spy(
    target: ActionTarget,
    request: Extract<ParsedAction, { type: 'listen' | 'whisper' | 'barge' }>,
    grants: Grants,
  ): Promise<ActionResult> {
    const pbx = target.commands;
    const call = this.callFor(pbx, request.call, grants);
    const leg = request.channel === undefined ? undefined : this.legFor(pbx, call, request.channel, () => undefined, 'such leg');
    const spyee = spyTarget(pbx.state, call, leg);
    // ChanSpy's argument is split at commas: a name with one could smuggle in an option.
    if (!spyee || !/^[A-Za-z0-9/@._:;+*#-]{1,120}$/.test(spyee.name))
      throw new Refusal('invalid', 'The call has no answered party to listen to');
    const device = spyee.name;
    const phone = ownPhone(target, grants);
    requireLink(pbx);
    await pbx.command(
      {
        Action: 'Originate',
        Channel: phone,
        Application: 'ChanSpy',
        Data: `${device},${SPY_OPTIONS[request.type]}`,
        Timeout: ORIGINATE_RING_MS,
        Async: 'true',
      },
      ORIGINATE_TIMEOUT_MS,
    );
    return { ok: true, message: `${SPY_VERB[request.type]} ${device} from your phone ${grants.extension}` };
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

const COMMAND_TIMEOUT_MS = 15_000;
/** The console shows at most this much of one command's output. */
const MAX_OUTPUT_LINES = 5_000;
const MAX_OUTPUT_BYTES = 512 * 1024;

/** A Command answer's output, in either of Asterisk's shapes, cut at the bounds. */
function outputOf(packet: AmiPacket): { lines: string[]; truncated: boolean; bytes: number } {
  const all = [...allValues(packet, 'Output'), ...(packet.output ?? [])];
  const lines: string[] = [];
  let bytes = 0;
  for (const line of all) {
    if (lines.length >= MAX_OUTPUT_LINES || bytes + line.length > MAX_OUTPUT_BYTES) return { lines, truncated: true, bytes };
    lines.push(line);
    bytes += line.length + 1;
  }
  return { lines, truncated: false, bytes };
}

const SPY_OPTIONS = { listen: 'qE', whisper: 'qwE', barge: 'qBE' } as const;
const SPY_VERB = { listen: 'Listening to', whisper: 'Whispering to', barge: 'Joined' } as const;

/** A user limited to some queues acts only within them. */
function requireQueue(grants: Grants, queue: string): void {
  if (!inScope(grants, queue)) throw new Refusal('forbidden', `You may act on ${grants.queues?.join(', ') || 'no queue'} only`);
}

/** A scoped user's calls are those of their queues; any other is answered as missing, so its existence does not leak. */
function requireCallScope(grants: Grants, call: Call | undefined, missing: string): void {
  if (grants.queues !== null && (call === undefined || !call.queue || !inScope(grants, call.queue))) throw new Refusal('invalid', missing);
}

/** The user's own phone as an Originate channel; they must have one set. */
function ownPhone(target: ActionTarget, grants: Grants): string {
  if (!grants.extension) throw new Refusal('invalid', 'Your account has no phone (extension) set; an admin can set one');
  return target.originate.channelTemplate.replaceAll('{extension}', grants.extension);
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

/**
 * The REST API under /api. Every answer is JSON; every error is
 * `{"error": "<a message a person can act on>", "code": "<machine code>"}`
 * (server/http/util.ts lists the codes). Identity: the session cookie, or
 * `Authorization: Bearer <token>`.
 */
import { ReaderDidNotAnswer } from '../cluster/commands';
import type { AuditReader } from '../cluster/shared-audit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ActionErrorCode, ActionResult } from '@/lib/protocol';
import { isPbxLive } from '@/lib/pbx/model';
import type { Auth, Identity } from '../auth/auth';
import type { ActionRunner } from '../actions/runner';
import type { AuditLog } from '../actions/audit';
import type { PbxRegistry, PbxRuntime } from '../pbx-registry';
import type { Logger } from '../log';
import type { RateLimiter } from '../rate-limit';
import { authRoutes } from './auth-routes';
import { adminRoutes } from './admin-routes';
import { systemRoutes } from './system-routes';
import { historyRoutes } from './history-routes';
import { statsRoutes } from './stats-routes';
import type { DayRule } from '@/lib/stats/day';
import type { WaitingSamples } from '../stats/waiting-samples';
import { callbackRoutes } from './callback-routes';
import { preferenceRoutes } from './preference-routes';
import type { PreferencesStore } from '../auth/preferences-store';
import { alertRoutes } from './alert-routes';
import type { AlertConfigStore } from '../alerts/config-store';
import type { DeliveryDesk } from '../alerts/ports';
import { alertAckRoutes } from './alert-ack-routes';
import type { AlertService } from '../alerts/service';
import type { AlertActions } from '../alerts/alert-actions';
import type { DispatcherStats } from '../webhooks/dispatcher';
import type { HistoryStore } from '../history/store';
import { clientAddress, HttpError, originAllowed, readJson, sendError, sendJson, sendJsonBytes } from './util';

export interface ApiContext {
  auth: Auth;
  pbxs: PbxRegistry;
  runner: ActionRunner;
  audit: AuditLog;
  demo: boolean;
  allowedOrigins: readonly string[];
  log: Logger;
  now: () => number;
  /** Snapshots per user or token: each is the whole state. */
  snapshotLimiter: RateLimiter;
  /** The call history's store; null when it is off. */
  history: HistoryStore | null;
  /** What "today" means (CALLBOARD_TIME_ZONE, CALLBOARD_DAY_START). */
  day?: DayRule;
  /** Each PBX's callers waiting over the last hour, by PBX id; absent without a history. */
  waiting?: ReadonlyMap<string, WaitingSamples>;
  /** Each user's own settings (sound, notifications, screen-pop). */
  preferences?: PreferencesStore;
  /** Alert rules and webhooks, kept in the history's database; null or absent when it is off. */
  alertConfig?: AlertConfigStore | null;
  /** The webhook delivery, for test alerts and the delivery log; absent until it runs. */
  deliveryDesk?: DeliveryDesk;
  /** Each PBX's alert engine, by PBX id, for acknowledge and snooze. */
  alerts?: ReadonlyMap<string, AlertService>;
  /** Where the admin reads the audit log: this node's file, or with several nodes on PostgreSQL the shared table. */
  auditReader?: AuditReader;
  /** Acknowledge and snooze, per PBX: the engine itself, or with several nodes a request to the reader's. */
  alertActions?: ReadonlyMap<string, AlertActions>;
  /** What the webhook delivery has queued, sent and dropped, for /api/health. */
  webhookStats?: () => DispatcherStats;
}

const STATUS_OF: Record<ActionErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'rate-limited': 429,
  'link-down': 503,
  timeout: 504,
  ami: 409,
};

type Handler = (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void;

/** For an action route: what was attempted, for the audit log when the request is refused before the runner. */
type Attempt = (match: RegExpExecArray, ctx: ApiContext) => Record<string, unknown>;

/**
 * `/api/pbx/{id}/…` names a PBX; the same path without the prefix (the one-PBX API of before) means the default PBX.
 * The PBX id is always the match's first group (undefined for the default).
 */
const perPbx = (rest: string) => new RegExp(`^/api(?:/pbx/([^/]+))?${rest}$`);

const pbxOf = (m: RegExpExecArray, ctx: ApiContext) => (m[1] === undefined ? ctx.pbxs.default.id : decode(m[1]));
const hangupCall = (m: RegExpExecArray, ctx: ApiContext) => ({ type: 'hangup', pbx: pbxOf(m, ctx), call: decode(m[2]) });
const hangupChannel = (m: RegExpExecArray, ctx: ApiContext) => ({ type: 'hangup', pbx: pbxOf(m, ctx), channel: decode(m[2]) });

const routes: [method: string, path: RegExp, handler: Handler, attempt?: Attempt][] = [
  ...authRoutes,
  ...adminRoutes,
  ...systemRoutes,
  ...historyRoutes,
  ...statsRoutes,
  ...callbackRoutes,
  ...preferenceRoutes,
  ...alertRoutes,
  ...alertAckRoutes,
  ['GET', /^\/api\/health$/, health],
  ['GET', /^\/api\/pbx$/, listPbxs],
  ['GET', /^\/api\/pbx\/([^/]+)\/health$/, (ctx, req, res, m) => sendJson(res, 200, pbxHealth(requirePbx(ctx, m)))],
  ['GET', perPbx('/snapshot'), snapshot],
  ['POST', perPbx('/calls/([^/]+)/hangup'), (ctx, req, res, m) => act(ctx, req, res, m, hangupCall(m, ctx)), hangupCall],
  ['POST', perPbx('/channels/([^/]+)/hangup'), (ctx, req, res, m) => act(ctx, req, res, m, hangupChannel(m, ctx)), hangupChannel],
  bodyAction(perPbx('/originate'), () => ({ type: 'originate' })),
  bodyAction(perPbx('/pause'), () => ({ type: 'pause' })),
  bodyAction(perPbx('/penalty'), () => ({ type: 'queue-penalty' })),
  bodyAction(perPbx('/queues/([^/]+)/members'), (m) => ({ type: 'queue-add', queue: decode(m[2]) })),
  bodyAction(perPbx('/queues/([^/]+)/members/([^/]+)/remove'), (m) => ({
    type: 'queue-remove',
    queue: decode(m[2]),
    interface: decode(m[3]),
  })),
  bodyAction(perPbx('/calls/([^/]+)/(transfer|redirect|park|listen|whisper|barge)'), (m) => ({ type: m[3], call: decode(m[2]) })),
  bodyAction(perPbx('/parked/([^/]+)/pickup'), (m) => ({ type: 'pickup', parked: decode(m[2]) })),
  bodyAction(perPbx('/command'), () => ({ type: 'command' })),
  /** Any action, as the socket takes it: the body names its type. */
  bodyAction(perPbx('/actions'), () => ({})),
  ['GET', /^\/api\/audit$/, audit],
  ['POST', perPbx('/resync'), resync],
];

/**
 * A POST whose JSON body holds the action's fields, with `fixed` (from the
 * path) on top; an optional body is allowed for the actions that need none.
 */
function bodyAction(path: RegExp, fixed: (m: RegExpExecArray) => Record<string, unknown>): (typeof routes)[number] {
  return [
    'POST',
    path,
    (ctx, req, res, m) => withBody(ctx, req, res, m, fixed(m)),
    (m, ctx) => ({ type: 'unknown', ...fixed(m), pbx: pbxOf(m, ctx) }),
  ];
}

const REFUSAL_CODE: Record<number, ActionErrorCode> = { 401: 'unauthenticated', 403: 'forbidden' };

/** The PBX a path names, or the default; a 404 for an id nobody configured. */
function requirePbx(ctx: ApiContext, m: RegExpExecArray): PbxRuntime {
  if (m[1] === undefined) return ctx.pbxs.default;
  const pbx = ctx.pbxs.get(decode(m[1]));
  if (!pbx) throw new HttpError(404, `No PBX "${decode(m[1]).slice(0, 40)}" is configured; GET /api/pbx lists them`);
  return pbx;
}

/** Handles a request under /api; always answers. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  clientAddress(req); // noted now: a request cut short has no socket left to ask
  try {
    let pathMatched = false;
    for (const [method, pattern, handler, attempt] of routes) {
      const match = pattern.exec(pathname);
      if (!match) continue;
      pathMatched = true;
      if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) continue;
      try {
        if (method !== 'GET' && !originAllowed(req.headers.origin, req.headers.host, ctx.allowedOrigins)) {
          throw new HttpError(403, 'Cross-origin request refused');
        }
        await handler(ctx, req, res, match);
      } catch (err) {
        // An action refused before the runner saw it (no identity, foreign origin, unreadable body) is audited too.
        if (attempt && err instanceof HttpError) auditRefusal(ctx, req, attempt(match, ctx), err);
        throw err;
      }
      return;
    }
    if (pathMatched) throw new HttpError(405, `Method ${req.method} not allowed here`);
    throw new HttpError(404, `No such API endpoint: ${pathname.slice(0, 100)}`);
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof HttpError) sendError(res, err.status, err.message, err.headers, err.code);
    else {
      ctx.log.error({ err }, 'API request failed');
      sendError(res, 500, 'Internal error');
    }
  }
}

function auditRefusal(ctx: ApiContext, req: IncomingMessage, attempted: Record<string, unknown>, err: HttpError): void {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  const actor = { user: identity?.user ?? '(not logged in)', role: identity?.role ?? '-', address: clientAddress(req) };
  ctx.runner.refuse(actor, attempted, REFUSAL_CODE[err.status] ?? 'invalid', err.message);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function requireIdentity(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  return identity;
}

/**
 * Liveness (always 200 while the process serves), whether the data is live or
 * stale and since when, whether a bound or a failed list leaves it incomplete,
 * what went wrong on the AMI side (counts by kind) and the drift checks.
 * Counts only: no id or value from the PBX.
 */
function pbxHealth(pbx: PbxRuntime) {
  const { link, linkSince, lastLiveAt, lastResync } = pbx.session.state.pbx;
  const live = isPbxLive(pbx.session.state.pbx);
  const { complete, warnings, drift, absentLists } = pbx.session.health();
  return {
    link,
    since: linkSince,
    live,
    ...(live ? {} : { staleSince: lastLiveAt || null }),
    lastResync: lastResync || null,
    complete,
    warnings,
    drift,
    // Lists this Asterisk does not know, such as PJSIPShowEndpoints without res_pjsip: normal, so not a board warning.
    absentLists,
    ...(pbx.cluster && { cluster: pbx.cluster.healthInfo() }),
  };
}

/**
 * The top level describes the default PBX, as it did with one PBX, so an
 * existing monitor keeps working; `allLive` and `pbxs` cover every PBX.
 */
function health(ctx: ApiContext, _req: IncomingMessage, res: ServerResponse): void {
  // Public: ids only, since a label may be a host name (AMI_HOST).
  const pbxs = ctx.pbxs.list.map((p) => ({ id: p.id, ...pbxHealth(p) }));
  const alerts = [...(ctx.alerts?.values() ?? [])].map((a) => a.health());
  const hooks = ctx.webhookStats?.();
  sendJson(res, 200, {
    ok: true,
    ...pbxHealth(ctx.pbxs.default),
    allLive: pbxs.every((p) => p.live),
    pbxs,
    // Counts only: a public page names no rule, webhook or URL.
    alerts: {
      active: alerts.reduce((n, a) => n + a.alerts, 0),
      dropped: alerts.reduce((n, a) => n + a.dropped, 0),
      sinkErrors: alerts.reduce((n, a) => n + a.sinkErrors, 0),
    },
    ...(hooks && {
      webhooks: {
        queued: hooks.queued,
        inFlight: hooks.inFlight,
        sent: hooks.sent,
        retried: hooks.retried,
        failed: hooks.failed,
        dropped: hooks.dropped,
      },
    }),
  });
}

/** The configured PBXs, in order, with their link: what a client may name in `/api/pbx/{id}/…` and `?pbx=`. */
function listPbxs(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  requireIdentity(ctx, req);
  sendJson(
    res,
    200,
    ctx.pbxs.list.map((p) => ({
      id: p.id,
      label: p.label,
      demo: p.demo,
      link: p.session.state.pbx.link,
      live: isPbxLive(p.session.state.pbx),
    })),
  );
}

/**
 * The whole state as the caller's role may see it. Rate-limited per user or
 * token, and serialised once per seq and view for every caller, so a client
 * looping on it cannot slow the board down for everyone else.
 */
function snapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): void {
  const identity = requireIdentity(ctx, req);
  const pbx = requirePbx(ctx, m);
  const limit = ctx.snapshotLimiter.hit(identity.user, ctx.now());
  if (!limit.ok) {
    const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
    throw new HttpError(
      429,
      `Too many snapshot requests. Try again in ${seconds} s, or follow the socket for live changes.`,
      'rate-limited',
      { 'retry-after': String(seconds) },
    );
  }
  sendJsonBytes(res, 200, pbx.fanout.snapshotJson(pbx.fanout.viewFor(identity.role), identity.grants.queues));
}

/** An action whose fields are the JSON body (the runner validates them, and audits what came). */
async function withBody(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  m: RegExpExecArray,
  fixed: Record<string, unknown>,
): Promise<void> {
  const identity = requireIdentity(ctx, req);
  const pbx = requirePbx(ctx, m);
  const body = await readJson(req, { optional: true });
  const fields = body === undefined ? {} : isObject(body) ? body : { body };
  await runAction(ctx, req, res, identity, { ...fields, ...fixed, pbx: pbx.id });
}

async function act(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray, request: unknown): Promise<void> {
  const identity = requireIdentity(ctx, req);
  requirePbx(ctx, m);
  await runAction(ctx, req, res, identity, request);
}

async function runAction(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, identity: Identity, request: unknown): Promise<void> {
  const actor = { user: identity.user, role: identity.role, address: clientAddress(req), grants: identity.grants };
  const result: ActionResult = await ctx.runner.run(actor, request);
  if (result.ok) return sendJson(res, 200, result);
  const seconds = result.code === 'rate-limited' ? /in (\d+) s/.exec(result.message)?.[1] : undefined;
  sendError(res, STATUS_OF[result.code], result.message, seconds ? { 'retry-after': seconds } : {}, result.code);
}

const auditQuery = z.strictObject(
  {
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit is at least 1')
      .max(1000, 'limit is at most 1000')
      .default(200),
    before: z.coerce
      .number({ error: 'before must be a number' })
      .int('before must be a whole number')
      .min(0, 'before is never negative')
      .optional(),
    actor: z.string().min(1).max(200, 'actor is at most 200 characters').optional(),
    action: z.string().min(1).max(40, 'action is at most 40 characters').optional(),
    pbx: z.string().min(1).max(40, 'pbx is at most 40 characters').optional(),
    result: z.string().min(1).max(40, 'result is at most 40 characters').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown parameter ${issue.keys.join(', ')}; use limit, before, actor, action, pbx, result`
        : undefined,
  },
);

/**
 * The audit log, newest entries last, a page at a time: `next` is the cursor
 * to pass as `before=` for the page before; `actor`, `action` and `result`
 * filter exactly.
 */
async function audit(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireIdentity(ctx, req);
  if (identity.role !== 'admin') throw new HttpError(403, 'Only an admin may read the audit log');
  const url = new URL(req.url ?? '/', 'http://x');
  const query = auditQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? 'Bad query');
  sendJson(res, 200, await (ctx.auditReader ?? ctx.audit).page(query.data));
}

/** Re-reads Asterisk's lists now (they also run on every connect); for an admin who doubts the board. */
async function resync(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const identity = requireIdentity(ctx, req);
  const pbx = requirePbx(ctx, m);
  const entry = {
    time: new Date(ctx.now()).toISOString(),
    who: identity.user,
    role: identity.role,
    address: clientAddress(req),
    action: 'resync',
    pbx: pbx.id,
    params: {},
  };
  if (identity.role !== 'admin') {
    ctx.audit.record({ ...entry, result: 'forbidden', message: 'Only an admin may force a resync' });
    throw new HttpError(403, 'Only an admin may force a resync');
  }
  if (!pbx.session.connected) {
    ctx.audit.record({ ...entry, result: 'link-down', message: 'The PBX link is down' });
    throw new HttpError(503, 'The PBX link is down; the lists run again as soon as it is back');
  }
  try {
    // On a node of several that does not read this PBX, the reader runs the lists and this waits for its board.
    await pbx.session.resync();
  } catch (err) {
    if (!(err instanceof ReaderDidNotAnswer)) throw err;
    ctx.audit.record({ ...entry, result: 'link-down', message: err.message });
    throw new HttpError(503, err.message);
  }
  const { lastResync, warnings } = pbx.session.state.pbx;
  ctx.audit.record({ ...entry, result: 'ok', message: 'Resynced' });
  sendJson(res, 200, { ok: true, lastResync, warnings });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

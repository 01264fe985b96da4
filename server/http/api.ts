/**
 * The REST API under /api. Every answer is JSON; every error is
 * `{"error": "<a message a person can act on>", "code": "<machine code>"}`
 * (server/http/util.ts lists the codes). Identity: the session cookie, or
 * `Authorization: Bearer <token>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { originateBodySchema } from '@/lib/actions';
import type { ActionErrorCode, ActionResult } from '@/lib/protocol';
import { isPbxLive } from '@/lib/pbx/model';
import type { Auth, Identity } from '../auth/auth';
import type { ActionRunner } from '../actions/runner';
import type { AuditLog } from '../actions/audit';
import type { PbxSession } from '../pbx-session';
import type { Fanout } from '../realtime/fanout';
import type { Logger } from '../log';
import type { RateLimiter } from '../rate-limit';
import { authRoutes } from './auth-routes';
import { clientAddress, HttpError, originAllowed, readJson, sendError, sendJson, sendJsonBytes } from './util';

export interface ApiContext {
  auth: Auth;
  session: PbxSession;
  fanout: Fanout;
  runner: ActionRunner;
  audit: AuditLog;
  demo: boolean;
  allowedOrigins: readonly string[];
  log: Logger;
  now: () => number;
  /** Snapshots per user or token: each is the whole state. */
  snapshotLimiter: RateLimiter;
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
type Attempt = (match: RegExpExecArray) => Record<string, unknown>;

const hangupCall: Attempt = (m) => ({ type: 'hangup', call: decode(m[1]) });
const hangupChannel: Attempt = (m) => ({ type: 'hangup', channel: decode(m[1]) });

const routes: [method: string, path: RegExp, handler: Handler, attempt?: Attempt][] = [
  ...authRoutes,
  ['GET', /^\/api\/health$/, health],
  ['GET', /^\/api\/snapshot$/, snapshot],
  ['POST', /^\/api\/calls\/([^/]+)\/hangup$/, (ctx, req, res, m) => act(ctx, req, res, hangupCall(m)), hangupCall],
  ['POST', /^\/api\/channels\/([^/]+)\/hangup$/, (ctx, req, res, m) => act(ctx, req, res, hangupChannel(m)), hangupChannel],
  ['POST', /^\/api\/originate$/, originate, () => ({ type: 'originate' })],
  ['GET', /^\/api\/audit$/, audit],
  ['POST', /^\/api\/resync$/, resync],
];

const REFUSAL_CODE: Record<number, ActionErrorCode> = { 401: 'unauthenticated', 403: 'forbidden' };

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
        if (method === 'POST' && !originAllowed(req.headers.origin, req.headers.host, ctx.allowedOrigins)) {
          throw new HttpError(403, 'Cross-origin request refused');
        }
        await handler(ctx, req, res, match);
      } catch (err) {
        // An action refused before the runner saw it (no identity, foreign origin, unreadable body) is audited too.
        if (attempt && err instanceof HttpError) auditRefusal(ctx, req, attempt(match), err);
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
function health(ctx: ApiContext, _req: IncomingMessage, res: ServerResponse): void {
  const { link, linkSince, lastLiveAt, lastResync } = ctx.session.state.pbx;
  const live = isPbxLive(ctx.session.state.pbx);
  const { complete, warnings, drift } = ctx.session.health();
  sendJson(res, 200, {
    ok: true,
    link,
    since: linkSince,
    live,
    ...(live ? {} : { staleSince: lastLiveAt || null }),
    lastResync: lastResync || null,
    complete,
    warnings,
    drift,
  });
}

/**
 * The whole state as the caller's role may see it. Rate-limited per user or
 * token, and serialised once per seq and view for every caller, so a client
 * looping on it cannot slow the board down for everyone else.
 */
function snapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const identity = requireIdentity(ctx, req);
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
  sendJsonBytes(res, 200, ctx.fanout.snapshotJson(ctx.fanout.viewFor(identity.role)));
}

async function originate(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireIdentity(ctx, req);
  const body = await readJson(req);
  // Validate the body's shape here for a precise message; the runner validates again (and audits).
  const shape = originateBodySchema.safeParse(body);
  const request = shape.success ? { ...shape.data, type: 'originate' } : { ...(isObject(body) ? body : { body }), type: 'originate' };
  await runAction(ctx, req, res, identity, request);
}

async function act(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, request: unknown): Promise<void> {
  await runAction(ctx, req, res, requireIdentity(ctx, req), request);
}

async function runAction(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, identity: Identity, request: unknown): Promise<void> {
  const result: ActionResult = await ctx.runner.run({ user: identity.user, role: identity.role, address: clientAddress(req) }, request);
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
    result: z.string().min(1).max(40, 'result is at most 40 characters').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown parameter ${issue.keys.join(', ')}; use limit, before, actor, action, result`
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
  sendJson(res, 200, await ctx.audit.page(query.data));
}

/** Re-reads Asterisk's lists now (they also run on every connect); for an admin who doubts the board. */
async function resync(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireIdentity(ctx, req);
  const entry = {
    time: new Date(ctx.now()).toISOString(),
    who: identity.user,
    role: identity.role,
    address: clientAddress(req),
    action: 'resync',
    params: {},
  };
  if (identity.role !== 'admin') {
    ctx.audit.record({ ...entry, result: 'forbidden', message: 'Only an admin may force a resync' });
    throw new HttpError(403, 'Only an admin may force a resync');
  }
  if (!ctx.session.connected) {
    ctx.audit.record({ ...entry, result: 'link-down', message: 'The PBX link is down' });
    throw new HttpError(503, 'The PBX link is down; the lists run again as soon as it is back');
  }
  await ctx.session.resync();
  const { lastResync, warnings } = ctx.session.state.pbx;
  ctx.audit.record({ ...entry, result: 'ok', message: 'Resynced' });
  sendJson(res, 200, { ok: true, lastResync, warnings });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

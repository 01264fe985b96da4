/**
 * The REST API under /api. Every answer is JSON; errors are `{error}` with a
 * message a person can act on. Identity: the session cookie, or
 * `Authorization: Bearer <token>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { originateBodySchema } from '@/lib/actions';
import type { ActionErrorCode, ActionResult } from '@/lib/protocol';
import { isPbxLive } from '@/lib/pbx/model';
import type { Auth, Identity } from '../auth/auth';
import type { ActionRunner } from '../actions/runner';
import type { AuditLog } from '../actions/audit';
import type { PbxSession } from '../pbx-session';
import type { Fanout } from '../realtime/fanout';
import type { Logger } from '../log';
import { authRoutes } from './auth-routes';
import { clientAddress, HttpError, originAllowed, readJson, sendError, sendJson } from './util';

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
    if (err instanceof HttpError) sendError(res, err.status, err.message);
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

/** Liveness (always 200 while the process serves) and whether the data is live or stale, and since when. */
function health(ctx: ApiContext, _req: IncomingMessage, res: ServerResponse): void {
  const { link, linkSince, lastLiveAt, lastResync } = ctx.session.state.pbx;
  const live = isPbxLive(ctx.session.state.pbx);
  sendJson(res, 200, { ok: true, link, since: linkSince, live, ...(live ? {} : { staleSince: lastLiveAt || null }), lastResync: lastResync || null });
}

function snapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  requireIdentity(ctx, req);
  ctx.fanout.flush();
  sendJson(res, 200, { seq: ctx.fanout.currentSeq, state: ctx.session.state, serverTime: ctx.now() });
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
  sendJson(res, result.ok ? 200 : STATUS_OF[result.code], result);
}

async function audit(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireIdentity(ctx, req);
  if (identity.role !== 'admin') throw new HttpError(403, 'Only an admin may read the audit log');
  const url = new URL(req.url ?? '/', 'http://x');
  const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit')) || 200));
  sendJson(res, 200, { entries: await ctx.audit.tail(limit) });
}

/** Re-reads Asterisk's lists now (they also run on every connect); for an admin who doubts the board. */
async function resync(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireIdentity(ctx, req);
  const entry = { time: new Date(ctx.now()).toISOString(), who: identity.user, role: identity.role, address: clientAddress(req), action: 'resync', params: {} };
  if (identity.role !== 'admin') {
    ctx.audit.write({ ...entry, result: 'forbidden', message: 'Only an admin may force a resync' });
    throw new HttpError(403, 'Only an admin may force a resync');
  }
  if (!ctx.session.connected) {
    ctx.audit.write({ ...entry, result: 'link-down', message: 'The PBX link is down' });
    throw new HttpError(503, 'The PBX link is down; the lists run again as soon as it is back');
  }
  await ctx.session.resync();
  const { lastResync, warnings } = ctx.session.state.pbx;
  ctx.audit.write({ ...entry, result: 'ok', message: 'Resynced' });
  sendJson(res, 200, { ok: true, lastResync, warnings });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

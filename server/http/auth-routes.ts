/**
 * Login, logout, who am I, and what the login page should show. Whether the
 * request came over TLS (ours or a trusted proxy's) decides the cookie's
 * Secure flag; a login from another machine over plain HTTP is warned about,
 * in the log and on the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../auth/session-cookie';
import { knownRequestInfo, type RequestInfo } from '../auth/request-info';
import type { ApiContext } from './api';
import { clientAddress, HttpError, readJson, sendError, sendJson } from './util';

type Route = [method: string, path: RegExp, handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void];

const loginBody = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) });

function infoOf(req: IncomingMessage): RequestInfo {
  const address = clientAddress(req);
  return knownRequestInfo(req) ?? { address, secure: Boolean((req.socket as { encrypted?: boolean } | null)?.encrypted), loopback: false };
}

/** A password crossing the network in clear: from another machine, not over TLS. */
const insecure = (info: RequestInfo) => !info.secure && !info.loopback;

async function login(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = loginBody.safeParse(await readJson(req));
  if (!parsed.success) throw new HttpError(400, 'Expected {"username": "…", "password": "…"}');
  const { username, password } = parsed.data;
  const info = infoOf(req);
  const result = await ctx.auth.login(username, password, info.address, ctx.now());
  if (!result.ok) {
    ctx.log.info({ user: username.slice(0, 64), address: info.address, status: result.status }, 'login refused');
    sendError(res, result.status, result.error, result.retryAfterSeconds ? { 'retry-after': String(result.retryAfterSeconds) } : {});
    return;
  }
  ctx.log.info({ user: result.identity.user, role: result.identity.role, address: info.address, secure: info.secure }, 'login');
  if (insecure(info)) {
    ctx.log.warn(
      { user: result.identity.user, address: info.address },
      'login over plain HTTP from another machine: the password crossed the network in clear. Serve HTTPS (CALLBOARD_TLS_CERT/KEY) or put a TLS proxy in front (CALLBOARD_TRUSTED_PROXIES)',
    );
  }
  sendJson(
    res,
    200,
    { user: result.identity.user, role: result.identity.role },
    {
      'set-cookie': sessionCookie(result.cookieValue, Math.floor(ctx.auth.sessionTtlMs / 1000), info.secure),
    },
  );
}

function logout(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.auth.logout(req.headers.cookie);
  res.writeHead(204, { 'set-cookie': clearedSessionCookie(infoOf(req).secure), 'cache-control': 'no-store' });
  res.end();
}

function me(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  const { actions, queues, extension } = identity.grants;
  // What the user may do and see, so the page can leave out what they may not press; the server enforces it regardless.
  sendJson(res, 200, { user: identity.user, role: identity.role, demo: ctx.demo, actions, queues, extension });
}

function loginInfo(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const flags = { insecure: insecure(infoOf(req)) };
  if (!ctx.demo) return sendJson(res, 200, { demo: false, ...flags });
  sendJson(res, 200, {
    demo: true,
    ...flags,
    accounts: ctx.auth.demoAccounts.map(({ username, password, role }) => ({ username, password, role })),
  });
}

export const authRoutes: Route[] = [
  ['POST', /^\/api\/login$/, login],
  ['POST', /^\/api\/logout$/, logout],
  ['GET', /^\/api\/me$/, me],
  ['GET', /^\/api\/login-info$/, loginInfo],
];

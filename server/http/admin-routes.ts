/**
 * Users, for admins: `GET /api/admin/users` lists them (never a password
 * hash), `PATCH /api/admin/users/{name}` changes a user's role, actions,
 * queues and extension. Every change, and every refused attempt, is written
 * to the audit log as `user-update`. The change reaches the user's open
 * sockets at once (server/realtime/sockets.ts listens to the user store).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boundedCopy } from '../actions/audit';
import type { Identity } from '../auth/auth';
import { usernameSchema, UserStoreError } from '../auth/user-store';
import { parseUserChange, userView } from '../auth/user-settings';
import type { ApiContext } from './api';
import { clientAddress, HttpError, originAllowed, readJson, sendJson } from './util';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

function requireAdmin(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  if (identity.role !== 'admin') throw new HttpError(403, 'Only an admin may manage users');
  return identity;
}

function listUsers(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  requireAdmin(ctx, req);
  sendJson(res, 200, { users: ctx.auth.store.users.map(userView) });
}

async function updateUser(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  let name = m[1];
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    // kept as sent: the name check below refuses it
  }
  let params: Record<string, unknown> = { name };
  const record = (result: string, message: string) =>
    ctx.audit.record({
      time: new Date(ctx.now()).toISOString(),
      who: identity?.user ?? '(not logged in)',
      role: identity?.role ?? '-',
      address: clientAddress(req),
      action: 'user-update',
      params,
      result,
      message,
    });
  try {
    // PATCH is not a simple request, but a browser that allowed it cross-site must still not get far.
    if (!originAllowed(req.headers.origin, req.headers.host, ctx.allowedOrigins)) throw new HttpError(403, 'Cross-origin request refused');
    // Read first (bounded), so that a refused attempt is audited with what it tried.
    const body = await readJson(req);
    params = attempted(name, body);
    requireAdmin(ctx, req);
    if (!usernameSchema.safeParse(name).success) throw new HttpError(400, 'A user name is 1 to 64 letters, digits or ._@-');
    const parsed = parseUserChange(body);
    if (!parsed.ok) throw new HttpError(400, parsed.message);
    const { change } = parsed;
    if (!Object.keys(change).length) throw new HttpError(400, 'Nothing to change: send role, actions, queues or extension');
    const user = ctx.auth.store.getUser(name);
    if (!user) throw new HttpError(404, `No user ${name}`);
    // Nobody could manage users again (outside the CLI) once the last admin is gone.
    const admins = ctx.auth.store.users.filter((u) => u.role === 'admin');
    if (user.role === 'admin' && change.role !== undefined && change.role !== 'admin' && admins.length === 1)
      throw new HttpError(409, `${name} is the last admin; make another user admin first`, 'invalid');
    const updated = userView(ctx.auth.store.updateUser(name, change));
    record('ok', `Updated ${name}`);
    sendJson(res, 200, updated);
  } catch (err) {
    const refusal = err instanceof HttpError ? err : err instanceof UserStoreError ? new HttpError(409, err.message, 'invalid') : null;
    record(refusal ? refusal.code : 'internal', refusal ? refusal.message : 'The change failed on the server');
    throw refusal ?? err;
  }
}

const FIELDS = ['role', 'actions', 'queues', 'extension'] as const;

/**
 * What a request tried, for the audit log: the known fields, bounded, and
 * only the names of any others, so a secret sent by mistake (a password)
 * never reaches the log.
 */
function attempted(name: string, body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { name };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ...out, body: typeof body };
  for (const key of FIELDS) if (Object.hasOwn(body, key)) out[key] = boundedCopy((body as Record<string, unknown>)[key]);
  const others = Object.keys(body).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (others.length) out.unknownFields = others.slice(0, 16).map((k) => k.slice(0, 64));
  return out;
}

export const adminRoutes: Route[] = [
  ['GET', /^\/api\/admin\/users$/, listUsers],
  ['PATCH', /^\/api\/admin\/users\/([^/]+)$/, updateUser],
];

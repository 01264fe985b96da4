/**
 * Calls to call back over REST. `GET /api/callbacks` lists them (any
 * logged-in user but a wallboard; a scoped user sees their queues' only,
 * a masked role masked numbers). `POST …/{pbx}/{id}/done` marks one done
 * (supervisor or admin, audited as `callback-done`; `…/reopen` undoes it,
 * audited as `callback-reopen`); `POST …/call` rings
 * the caller from the user's own phone through the action runner's
 * `originate` (validated, authorised, rate-limited and audited there), so
 * the number dialled is the stored one, never the client's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Callback } from '@/lib/history/callbacks';
import { inScope, mayAct } from '@/lib/grants';
import { PBX_ID } from '@/lib/protocol';
import type { Identity } from '../auth/auth';
import { CallbackCursorError, type CallbackStore } from '../callbacks/store';
import { callbacksOf } from '../callbacks/service';
import { maskText } from '../realtime/views';
import type { ApiContext } from './api';
import { clientAddress, HttpError, sendJson } from './util';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

const listQuery = z.strictObject(
  {
    state: z.enum(['open', 'done'], { error: 'state is open or done' }).default('open'),
    queue: z
      .string()
      .max(2000)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(200, 'a queue name is at most 200 characters')).max(50, 'at most 50 queues'))
      .optional(),
    pbx: z.string().regex(PBX_ID, 'not a PBX id').optional(),
    since: z.coerce.number({ error: 'since is ms since the epoch' }).int('since is whole ms').min(0, 'since is never negative').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit is at least 1')
      .max(500, 'limit is at most 500')
      .optional(),
    cursor: z.string().max(500, 'cursor is at most 500 characters').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown parameter ${issue.keys.join(', ')}; use state, queue, pbx, since, limit, cursor`
        : undefined,
  },
);

const pathParts = z.object({
  pbx: z.string().regex(PBX_ID, 'not a PBX id'),
  id: z.string().min(1, 'say which callback').max(200, 'a callback id is at most 200 characters'),
});

function identityOf(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  if (identity.role === 'wallboard') throw new HttpError(403, 'A wallboard may not read or mark calls to call back');
  return identity;
}

function storeOf(ctx: ApiContext): CallbackStore {
  const store = ctx.history && callbacksOf(ctx.history);
  if (!store) throw new HttpError(404, 'Calls to call back need the call history, which is off (CALLBOARD_HISTORY=off)');
  return store;
}

const masked = (ctx: ApiContext, identity: Identity) => ctx.pbxs.default.fanout.viewFor(identity.role) === 'masked';

const maskCallback = (c: Callback): Callback => ({ ...c, number: maskText(c.number), name: maskText(c.name) });

function parsePath(m: RegExpExecArray): { pbx: string; id: string } {
  const parsed = pathParts.safeParse({ pbx: decode(m[1]), id: decode(m[2]) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, issue ? `${issue.path.join('.')}: ${issue.message}` : 'Bad path');
  }
  return parsed.data;
}

async function list(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = identityOf(ctx, req);
  const store = storeOf(ctx);
  const url = new URL(req.url ?? '/', 'http://x');
  const parsed = listQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, issue ? `${issue.path.join('.') || 'query'}: ${issue.message}` : 'Bad query');
  }
  const q = parsed.data;
  if (q.since !== undefined && q.state === 'open') throw new HttpError(400, 'since: only with state=done (it is when they were done)');
  let page;
  try {
    page = await store.list({ ...q, queues: q.queue, scope: identity.grants.queues });
  } catch (err) {
    if (err instanceof CallbackCursorError) throw new HttpError(400, `cursor: ${err.message}`);
    throw err;
  }
  const callbacks = masked(ctx, identity) ? page.callbacks.map(maskCallback) : page.callbacks;
  sendJson(res, 200, { callbacks, next: page.next });
}

/** The callback a path names, as this user may see it: outside their queues is the same 404 as absent. */
async function visible(store: CallbackStore, identity: Identity, pbx: string, id: string): Promise<Callback | undefined> {
  const callback = await store.get(pbx, id);
  return callback && inScope(identity.grants, callback.queue) ? callback : undefined;
}

const notFound = (pbx: string, id: string) => `No call to call back ${id.slice(0, 60)} on PBX ${pbx.slice(0, 40)}`;

/** A change to one callback, with its audit entry ready and a refusal that is audited too. */
function auditedChange(ctx: ApiContext, req: IncomingMessage, m: RegExpExecArray, action: 'callback-done' | 'callback-reopen') {
  const identity = identityOf(ctx, req);
  const store = storeOf(ctx);
  const { pbx, id } = parsePath(m);
  const entry = {
    time: new Date(ctx.now()).toISOString(),
    who: identity.user,
    role: identity.role,
    address: clientAddress(req),
    action,
    pbx,
    params: { id },
  };
  const refuse = (status: number, message: string): never => {
    // Refusals are audited as `invalid`/`forbidden`, which the audit log throttles: a looping client cannot fill the disk.
    ctx.audit.record({ ...entry, result: status === 403 ? 'forbidden' : 'invalid', message });
    throw new HttpError(status, message);
  };
  return { identity, store, pbx, id, entry, refuse };
}

async function done(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const { identity, store, pbx, id, entry, refuse } = auditedChange(ctx, req, m, 'callback-done');
  if (identity.role !== 'supervisor' && identity.role !== 'admin') refuse(403, 'Only a supervisor or an admin may mark a callback done');
  const seen = await visible(store, identity, pbx, id);
  if (!seen) return refuse(404, notFound(pbx, id));
  const result = await store.markDone(pbx, id, identity.user, ctx.now());
  if (!result.ok) {
    if (result.reason === 'absent') return refuse(404, notFound(pbx, id));
    const { doneBy, doneHow, doneAt } = result.callback;
    const by = doneHow === 'auto' ? 'by itself (a later call with that number was answered)' : `by ${doneBy ?? 'someone'}`;
    const when = doneAt ? ` at ${new Date(doneAt).toISOString()}` : '';
    return refuse(409, `Already done ${by}${when}`);
  }
  ctx.audit.record({ ...entry, params: { id, number: result.callback.number }, result: 'ok', message: 'Marked done' });
  sendJson(res, 200, { ok: true, callback: masked(ctx, identity) ? maskCallback(result.callback) : result.callback });
}

const WHY_NOT_REOPENED = {
  open: 'It is open already',
  auto: 'It closed by itself when a call with that number was answered; there is nothing to undo',
  'owed-again': 'The caller has a newer callback open; use that one',
} as const;

/** Undo of a Done: by whoever marked it, or an admin. Audited as `callback-reopen`. */
async function reopen(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const { identity, store, pbx, id, entry, refuse } = auditedChange(ctx, req, m, 'callback-reopen');
  if (identity.role !== 'supervisor' && identity.role !== 'admin') refuse(403, 'Only a supervisor or an admin may undo a Done');
  const seen = await visible(store, identity, pbx, id);
  if (!seen) return refuse(404, notFound(pbx, id));
  if (seen.doneHow === 'user' && seen.doneBy !== identity.user && identity.role !== 'admin')
    return refuse(403, `Only ${seen.doneBy ?? 'whoever marked it'} or an admin may undo this Done`);
  const result = await store.reopen(pbx, id);
  if (!result.ok)
    return refuse(result.reason === 'absent' ? 404 : 409, result.reason === 'absent' ? notFound(pbx, id) : WHY_NOT_REOPENED[result.reason]);
  ctx.audit.record({ ...entry, params: { id, number: result.callback.number }, result: 'ok', message: 'Opened again' });
  sendJson(res, 200, { ok: true, callback: masked(ctx, identity) ? maskCallback(result.callback) : result.callback });
}

async function call(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const identity = identityOf(ctx, req);
  const store = storeOf(ctx);
  const { pbx, id } = parsePath(m);
  const callback = await visible(store, identity, pbx, id);
  if (!callback) throw new HttpError(404, notFound(pbx, id));
  const actor = { user: identity.user, role: identity.role, address: clientAddress(req), grants: identity.grants };
  const request = { type: 'originate', pbx, from: identity.grants.extension, to: callback.number };
  if (!mayAct(identity.grants, 'originate')) {
    ctx.runner.refuse(actor, request, 'forbidden', 'You may not place calls');
    throw new HttpError(403, 'You may not place calls, so you cannot ring a caller back');
  }
  if (!identity.grants.extension) {
    // Audited like any refused originate, so the log shows the attempt.
    ctx.runner.refuse(actor, request, 'invalid', 'You have no phone of your own set; ring the caller from the Call dialog instead');
    throw new HttpError(400, 'You have no phone of your own set (an admin sets it on the users page); use the Call dialog instead');
  }
  const result = await ctx.runner.run(actor, request);
  if (!result.ok) {
    const status = { invalid: 400, unauthenticated: 401, forbidden: 403, 'rate-limited': 429, 'link-down': 503, timeout: 504, ami: 409 }[
      result.code
    ];
    throw new HttpError(status, result.message, result.code);
  }
  const noted = await store.noteCall(pbx, id, identity.user, ctx.now());
  sendJson(res, 200, {
    ok: true,
    message: result.message,
    callback: noted && (masked(ctx, identity) ? maskCallback(noted) : noted),
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Bad percent-encoding in the path');
  }
}

export const callbackRoutes: Route[] = [
  ['GET', /^\/api\/callbacks$/, list],
  ['POST', /^\/api\/callbacks\/([^/]+)\/([^/]+)\/done$/, done],
  ['POST', /^\/api\/callbacks\/([^/]+)\/([^/]+)\/reopen$/, reopen],
  ['POST', /^\/api\/callbacks\/([^/]+)\/([^/]+)\/call$/, call],
];

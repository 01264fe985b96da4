/**
 * A user's own settings: `GET /api/me/preferences`, `PUT /api/me/preferences`
 * (the whole object; fields left out take their defaults). A person's own
 * account only, never a token's: a wallboard has nobody to beep at.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { preferencesSchema } from '@/lib/preferences';
import { describeIssue } from '../auth/user-store';
import type { ApiContext } from './api';
import { clientAddress, HttpError, readJson, sendJson } from './util';
import { spend } from './user-limits';

type Route = [method: string, path: RegExp, handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void];

function personOf(ctx: ApiContext, req: IncomingMessage) {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  if (identity.via !== 'session') throw new HttpError(403, 'Preferences belong to a person who logs in, not to a token');
  if (!ctx.preferences) throw new HttpError(503, 'Preferences are not available on this server', 'unavailable');
  return { identity, store: ctx.preferences };
}

function read(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const { identity, store } = personOf(ctx, req);
  sendJson(res, 200, store.get(identity.user));
}

async function write(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { identity, store } = personOf(ctx, req);
  const parsed = preferencesSchema.safeParse(await readJson(req));
  const entry = {
    time: new Date(ctx.now()).toISOString(),
    who: identity.user,
    role: identity.role,
    address: clientAddress(req),
    action: 'preferences',
    params: {},
  };
  try {
    spend(ctx, 'preferences', identity.user);
  } catch (err) {
    if (err instanceof HttpError) ctx.audit.record({ ...entry, result: 'rate-limited', message: err.message });
    throw err;
  }
  if (!parsed.success) {
    const message = describeIssue(parsed.error.issues[0]);
    ctx.audit.record({ ...entry, result: 'invalid', message });
    throw new HttpError(400, message);
  }
  if (!store.set(identity.user, parsed.data)) {
    ctx.audit.record({ ...entry, result: 'invalid', message: 'The preferences store is full' });
    throw new HttpError(409, 'The preferences store is full; an admin can remove old accounts');
  }
  // The template is the user's own URL; the audit says that it changed and where it points, not the whole text.
  const pop = parsed.data.screenPop;
  ctx.audit.record({
    ...entry,
    params: {
      sound: parsed.data.sound,
      notifications: parsed.data.notifications,
      screenPop: pop ? new URL(pop.url.replace(/\{[^}]*\}/g, 'x')).origin : null,
    },
    result: 'ok',
    message: 'Preferences saved',
  });
  sendJson(res, 200, parsed.data);
}

export const preferenceRoutes: Route[] = [
  ['GET', /^\/api\/me\/preferences$/, read],
  ['PUT', /^\/api\/me\/preferences$/, write],
];

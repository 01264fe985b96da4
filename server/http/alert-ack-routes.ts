/**
 * People acting on alerts over REST: `POST /api/pbx/{pbx}/alerts/{id}/ack`
 * acknowledges one (it stays until it clears, saying who took it), and
 * `POST /api/pbx/{pbx}/alerts/{id}/snooze` with `{"minutes": 5…240}` snoozes
 * it. Who: a user whose grants include `acknowledge` (supervisors and admins
 * by default). A scoped user reaches only the alerts their scope sees
 * (server/realtime/scopes.ts); another is the same 404 as an absent one.
 * Every change and every refusal is audited (`alert-ack`, `alert-snooze`).
 * The change travels to every client as an `alerts` op, so all see who did it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { mayAct } from '@/lib/grants';
import { PBX_ID } from '@/lib/protocol';
import { AlertActionTimeout, type AlertAnswer } from '../alerts/alert-actions';
import type { Identity } from '../auth/auth';
import { scopeOf, visibleIn } from '../realtime/scopes';
import type { ApiContext } from './api';
import { clientAddress, HttpError, readJson, sendJson } from './util';
import { spend } from './user-limits';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

export const SNOOZE_MINUTES = { min: 5, max: 240 } as const;

const pathParts = z.object({
  pbx: z.string().regex(PBX_ID, 'not a PBX id'),
  id: z.string().min(1, 'say which alert').max(400, 'an alert id is at most 400 characters'),
});

const snoozeBody = z.strictObject(
  {
    minutes: z
      .number({ error: 'minutes is a number' })
      .int('minutes is a whole number')
      .min(SNOOZE_MINUTES.min, `minutes is at least ${SNOOZE_MINUTES.min}`)
      .max(SNOOZE_MINUTES.max, `minutes is at most ${SNOOZE_MINUTES.max}`),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown field ${issue.keys.join(', ')}; send {"minutes": n}` : undefined) },
);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Bad percent-encoding in the path');
  }
}

/** One request's identity, target and audit entry; `refuse` audits a refusal and answers it. */
function attempt(ctx: ApiContext, req: IncomingMessage, m: RegExpExecArray, action: 'alert-ack' | 'alert-snooze') {
  const identity: Identity | null = ctx.auth.fromRequest(req, ctx.now());
  const entry = {
    time: new Date(ctx.now()).toISOString(),
    who: identity?.user ?? '(not logged in)',
    role: identity?.role ?? '-',
    address: clientAddress(req),
    action,
    params: { id: m[2] } as Record<string, unknown>,
  };
  const refuse = (status: number, message: string, pbx?: string): never => {
    // Audited as refusals, which the audit log throttles: a looping client cannot fill the disk.
    ctx.audit.record({
      ...entry,
      ...(pbx ? { pbx } : {}),
      result: status === 403 || status === 401 ? 'forbidden' : status >= 500 ? 'failed' : 'invalid',
      message,
    });
    throw new HttpError(status, message);
  };
  if (!identity) return refuse(401, 'Not logged in (or the token is not valid)');
  const parsed = pathParts.safeParse({ pbx: decode(m[1]), id: decode(m[2]) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(400, issue ? `${issue.path.join('.')}: ${issue.message}` : 'Bad path');
  }
  const { pbx, id } = parsed.data;
  entry.params = { id };
  const service = ctx.alertActions?.get(pbx);
  if (!service) return refuse(404, `No PBX "${pbx.slice(0, 40)}" is configured; GET /api/pbx lists them`, pbx);
  if (!mayAct(identity.grants, 'acknowledge')) return refuse(403, 'Your account may not acknowledge or snooze alerts', pbx);
  try {
    spend(ctx, 'alert-ack', identity.user);
  } catch (err) {
    if (err instanceof HttpError) ctx.audit.record({ ...entry, pbx, result: 'rate-limited', message: err.message });
    throw err;
  }
  return {
    identity,
    pbx,
    id,
    service,
    entry: { ...entry, pbx },
    refuse: (status: number, message: string) => refuse(status, message, pbx),
  };
}

const notFound = (pbx: string, id: string) => `No alert ${id.slice(0, 80)} on PBX ${pbx}`;

/** Whether the user's scope sees the alert, as the fan-out decides; an absent alert is not seen either. */
function seen(ctx: ApiContext, identity: Identity, pbx: string, id: string): boolean {
  const state = ctx.pbxs.get(pbx)?.session.state;
  if (!state || !Object.hasOwn(state.alerts, id)) return false;
  const scope = scopeOf(identity.grants.queues);
  return scope === null || visibleIn(state, scope).get('alerts')!.has(id);
}

/** With several nodes the answer comes from another node's engine: no answer in time is a 503, audited. */
async function settle(
  change: AlertAnswer | Promise<AlertAnswer>,
  refuse: (status: number, message: string) => never,
): Promise<AlertAnswer> {
  try {
    return await change;
  } catch (err) {
    if (err instanceof AlertActionTimeout) refuse(503, err.message);
    throw err;
  }
}

function answer(
  res: ServerResponse,
  change: AlertAnswer,
  done: (message: string) => void,
  refuse: (status: number, message: string) => never,
  message: string,
  what: string,
): void {
  if (!change.ok) {
    if (change.reason === 'absent') refuse(404, what);
    else refuse(409, `Already acknowledged by ${change.alert.ackedBy} at ${new Date(change.alert.ackedAt ?? 0).toISOString()}`);
    return;
  }
  done(message);
  sendJson(res, 200, { ok: true, alert: change.alert });
}

async function ack(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const { identity, pbx, id, service, entry, refuse } = attempt(ctx, req, m, 'alert-ack');
  if (!seen(ctx, identity, pbx, id)) refuse(404, notFound(pbx, id));
  const change = await settle(service.acknowledge(id, identity.user), refuse);
  answer(res, change, (message) => ctx.audit.record({ ...entry, result: 'ok', message }), refuse, 'Acknowledged', notFound(pbx, id));
}

async function snoozeRoute(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const { identity, pbx, id, service, entry, refuse } = attempt(ctx, req, m, 'alert-snooze');
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    if (err instanceof HttpError) refuse(err.status, err.message);
    throw err;
  }
  const parsed = snoozeBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    refuse(400, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'Bad body');
    return;
  }
  const { minutes } = parsed.data;
  const audited = { ...entry, params: { id, minutes } };
  if (!seen(ctx, identity, pbx, id)) refuse(404, notFound(pbx, id));
  const change = await settle(service.snooze(id, identity.user, minutes), refuse);
  answer(
    res,
    change,
    (message) => ctx.audit.record({ ...audited, result: 'ok', message }),
    refuse,
    `Snoozed for ${minutes} min`,
    notFound(pbx, id),
  );
}

export const alertAckRoutes: Route[] = [
  ['POST', /^\/api\/pbx\/([^/]+)\/alerts\/([^/]+)\/ack$/, ack],
  ['POST', /^\/api\/pbx\/([^/]+)\/alerts\/([^/]+)\/snooze$/, snoozeRoute],
];

/**
 * Alert rules and webhooks over REST. `GET /api/alert-rules` is for a
 * supervisor (to see why an alert fired; a scoped one sees the rules of
 * their queues and the global ones) and an admin; everything else is an
 * admin's: creating, changing (`PUT` changes the fields it sends, the rest
 * stay), enabling, deleting and testing rules and webhooks, and the
 * delivery log. A webhook leaves only as a WebhookView: its URL cut to the
 * host and a hint, its secret as `hasSecret`.
 *
 * Every write and every refused attempt is audited (`alert-rule-*`,
 * `webhook-*`) with the fields it tried, never a URL or a secret. Writes are
 * rate-limited per user. Without the call history (CALLBOARD_HISTORY=off)
 * there is nowhere to keep rules: every route answers 503 and says why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { inScope } from '@/lib/grants';
import type { AlertRule, Delivery, WebhookConfig } from '@/lib/alerts/model';
import { boundedCopy } from '../actions/audit';
import type { Identity } from '../auth/auth';
import { AlertConfigError, type AlertConfigStore } from '../alerts/config-store';
import { testEvent, testRule } from '../alerts/config-test-event';
import { shownUrl, webhookView } from '../alerts/config-view';
import type { DeliveryDesk } from '../alerts/ports';
import type { ApiContext } from './api';
import { clientAddress, HttpError, originAllowed, readJson, sendJson, type ErrorCode } from './util';
import { spend, USER_LIMITS } from './user-limits';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

/** A webhook with 500 queues named is some 40 KB of JSON. */
const MAX_CONFIG_BODY = 64 * 1024;
export const WRITES_PER_MINUTE = USER_LIMITS['alert-config'].perMinute;
export const HISTORY_OFF = "Alerts keep their rules in the call history's database; CALLBOARD_HISTORY is off";
const DELIVERY_OFF = 'Webhook delivery is not running on this server, so nothing can be sent or shown yet';

function identityOf(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  return identity;
}

function storeOf(ctx: ApiContext): AlertConfigStore {
  if (!ctx.alertConfig) throw new HttpError(503, HISTORY_OFF, 'unavailable');
  return ctx.alertConfig;
}

function deskOf(ctx: ApiContext): DeliveryDesk {
  if (!ctx.deliveryDesk) throw new HttpError(503, DELIVERY_OFF, 'unavailable');
  return ctx.deliveryDesk;
}

function requireAdmin(identity: Identity, what: string): void {
  if (identity.role !== 'admin') throw new HttpError(403, `Only an admin may ${what}`);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Bad percent-encoding in the path');
  }
}

const STATUS_OF_REASON = { invalid: 400, absent: 404, 'in-use': 409, full: 409 } as const;

/** Refusals are audited under the codes the audit log throttles, so a looping client cannot fill the disk. */
function auditResult(status: number): string {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate-limited';
  return 'invalid';
}

const RULE_AUDITED = ['name', 'kind', 'severity', 'pbx', 'queue', 'threshold', 'clearAt', 'forSeconds', 'reason', 'webhooks', 'enabled'];
const WEBHOOK_AUDITED = ['name', 'format', 'events', 'queues', 'enabled'];

/**
 * What a request tried, for the audit log: the known fields, bounded; for a
 * webhook the URL only as shown and the secret only as set or removed.
 */
function attempted(kind: 'rule' | 'webhook', body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body: Array.isArray(body) ? 'array' : typeof body };
  const fields = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of kind === 'rule' ? RULE_AUDITED : WEBHOOK_AUDITED) if (Object.hasOwn(fields, key)) out[key] = boundedCopy(fields[key]);
  if (kind === 'webhook') {
    if (Object.hasOwn(fields, 'url')) out.url = typeof fields.url === 'string' ? shownUrl(fields.url) : typeof fields.url;
    if (Object.hasOwn(fields, 'secret')) out.secret = fields.secret === null ? 'removed' : 'set';
  }
  const known = new Set([...(kind === 'rule' ? RULE_AUDITED : WEBHOOK_AUDITED), 'url', 'secret', 'cooldownSeconds', 'quietHours']);
  for (const key of ['cooldownSeconds', 'quietHours'])
    if (kind === 'rule' && Object.hasOwn(fields, key)) out[key] = boundedCopy(fields[key]);
  const others = Object.keys(fields).filter((k) => !known.has(k));
  if (others.length) out.unknownFields = others.slice(0, 16).map((k) => k.slice(0, 64));
  return out;
}

interface Outcome {
  status?: number;
  answer: unknown;
  message: string;
  /** Audit params learnt while doing it (the name of what was deleted). */
  params?: Record<string, unknown>;
}

interface WriteSpec {
  action: string;
  kind: 'rule' | 'webhook';
  what: string;
  id?: string;
  body?: boolean;
  /** The audit action once the body is read (enable or disable instead of update). */
  actionFor?: (body: unknown) => string;
  run: (store: AlertConfigStore, identity: Identity, body: unknown) => Promise<Outcome>;
}

/** An admin's write: origin, body, identity, role, store and rate limit checked in that order, and audited either way. */
async function write(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, spec: WriteSpec): Promise<void> {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  let action = spec.action;
  let params: Record<string, unknown> = spec.id === undefined ? {} : { id: spec.id.slice(0, 64) };
  const record = (result: string, message: string) =>
    ctx.audit.record({
      time: new Date(ctx.now()).toISOString(),
      who: identity?.user ?? '(not logged in)',
      role: identity?.role ?? '-',
      address: clientAddress(req),
      action,
      params,
      result,
      message,
    });
  try {
    // PUT and DELETE are not simple requests, but a browser that allowed one cross-site must still not get far.
    if (!originAllowed(req.headers.origin, req.headers.host, ctx.allowedOrigins)) throw new HttpError(403, 'Cross-origin request refused');
    // Read first (bounded), so that a refused attempt is audited with what it tried.
    const body = spec.body ? await readJson(req, { limit: MAX_CONFIG_BODY }) : undefined;
    params = { ...params, ...attempted(spec.kind, body) };
    if (spec.actionFor) action = spec.actionFor(body);
    if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
    requireAdmin(identity, spec.what);
    const store = storeOf(ctx);
    spend(ctx, 'alert-config', identity.user);
    const outcome = await spec.run(store, identity, body);
    params = { ...params, ...outcome.params };
    record('ok', outcome.message);
    sendJson(res, outcome.status ?? 200, outcome.answer);
  } catch (err) {
    const refusal =
      err instanceof HttpError
        ? err
        : err instanceof AlertConfigError
          ? new HttpError(
              STATUS_OF_REASON[err.reason],
              err.message,
              (err.reason === 'absent' ? 'not-found' : 'invalid') satisfies ErrorCode,
            )
          : null;
    record(refusal ? auditResult(refusal.status) : 'internal', refusal ? refusal.message : 'The change failed on the server');
    throw refusal ?? err;
  }
}

const onlyEnabled = (body: unknown): boolean | undefined => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  const enabled = (body as { enabled?: unknown }).enabled;
  return keys.length === 1 && typeof enabled === 'boolean' ? enabled : undefined;
};

/** `enabled` alone is an enable or a disable, audited as such; anything else an update. */
const updateAction = (kind: 'alert-rule' | 'webhook') => (body: unknown) => {
  const enabled = onlyEnabled(body);
  return enabled === undefined ? `${kind}-update` : `${kind}-${enabled ? 'enable' : 'disable'}`;
};

// ---- rules

/** A rule a scoped user may read: one of their queues, or none (it is about every queue or the link). */
const ruleVisible = (identity: Identity, rule: AlertRule) => rule.queue === null || inScope(identity.grants, rule.queue);

function listRules(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const identity = identityOf(ctx, req);
  if (identity.role !== 'admin' && identity.role !== 'supervisor')
    throw new HttpError(403, 'Only a supervisor or an admin may read the alert rules');
  const store = storeOf(ctx);
  sendJson(res, 200, { rules: store.rules().filter((r) => ruleVisible(identity, r)) });
}

const createRule: Route[2] = (ctx, req, res) =>
  write(ctx, req, res, {
    action: 'alert-rule-create',
    kind: 'rule',
    what: 'create alert rules',
    body: true,
    run: async (store, identity, body) => {
      const rule = await store.createRule(body, identity.user);
      return { status: 201, answer: rule, message: `Created rule "${rule.name}"`, params: { id: rule.id } };
    },
  });

const updateRule: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'alert-rule-update',
    actionFor: updateAction('alert-rule'),
    kind: 'rule',
    what: 'change alert rules',
    id,
    body: true,
    run: async (store, identity, body) => {
      const rule = await store.updateRule(id, body, identity.user);
      return { answer: rule, message: `Changed rule "${rule.name}"` };
    },
  });
};

const deleteRule: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'alert-rule-delete',
    kind: 'rule',
    what: 'delete alert rules',
    id,
    run: async (store) => {
      const rule = await store.deleteRule(id);
      return { answer: { ok: true }, message: `Deleted rule "${rule.name}"`, params: { name: rule.name } };
    },
  });
};

/** One test attempt per webhook; a desk that breaks its promise never to throw still gets an answer shown. */
async function sendTests(ctx: ApiContext, desk: DeliveryDesk, webhooks: readonly WebhookConfig[], rule: AlertRule, by: string) {
  const event = testEvent(rule, ctx.pbxs.default.id, by, ctx.now());
  return Promise.all(
    webhooks.map((w) =>
      desk.test(w, event).catch((err: unknown): Delivery => {
        ctx.log.error({ err: err instanceof Error ? err.message : String(err), webhook: w.id }, 'alerts: a test delivery failed');
        return {
          id: '',
          webhook: w.id,
          event: 'alert.test',
          subject: event.alert.subject,
          at: event.at,
          attempt: 1,
          status: 0,
          answer: 'The delivery failed on the server (see its log)',
          ms: 0,
          outcome: 'failed',
        };
      }),
    ),
  );
}

const summary = (deliveries: readonly Delivery[]) =>
  deliveries.map((d) => (d.status ? `${d.status} ${d.outcome}` : d.outcome)).join(', ') || 'nothing sent';

const testRuleRoute: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'alert-rule-test',
    kind: 'rule',
    what: 'send test alerts',
    id,
    run: async (store, identity) => {
      const rule = store.rule(id);
      if (!rule) throw new AlertConfigError('absent', `No alert rule ${id.slice(0, 64)}`);
      const webhooks = rule.webhooks.map((w) => store.webhook(w)).filter((w) => w !== undefined);
      if (!webhooks.length) throw new HttpError(400, 'webhooks: This rule delivers to no webhook; pick one to send the test to');
      const deliveries = await sendTests(ctx, deskOf(ctx), webhooks, rule, identity.user);
      return {
        answer: { ok: true, deliveries },
        message: `Test alert of "${rule.name}": ${summary(deliveries)}`,
        params: { name: rule.name, webhooks: webhooks.map((w) => w.id) },
      };
    },
  });
};

// ---- webhooks

function listWebhooks(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  requireAdmin(identityOf(ctx, req), 'read the webhooks');
  sendJson(res, 200, { webhooks: storeOf(ctx).webhooks().map(webhookView) });
}

const createWebhook: Route[2] = (ctx, req, res) =>
  write(ctx, req, res, {
    action: 'webhook-create',
    kind: 'webhook',
    what: 'create webhooks',
    body: true,
    run: async (store, identity, body) => {
      const view = webhookView(await store.createWebhook(body, identity.user));
      return { status: 201, answer: view, message: `Created webhook "${view.name}" to ${view.urlShown}`, params: { id: view.id } };
    },
  });

const updateWebhook: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'webhook-update',
    actionFor: updateAction('webhook'),
    kind: 'webhook',
    what: 'change webhooks',
    id,
    body: true,
    run: async (store, identity, body) => {
      const view = webhookView(await store.updateWebhook(id, body, identity.user));
      return { answer: view, message: `Changed webhook "${view.name}" to ${view.urlShown}` };
    },
  });
};

const deleteWebhook: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'webhook-delete',
    kind: 'webhook',
    what: 'delete webhooks',
    id,
    run: async (store) => {
      const hook = await store.deleteWebhook(id);
      return { answer: { ok: true }, message: `Deleted webhook "${hook.name}"`, params: { name: hook.name } };
    },
  });
};

const testWebhook: Route[2] = (ctx, req, res, m) => {
  const id = decode(m[1]);
  return write(ctx, req, res, {
    action: 'webhook-test',
    kind: 'webhook',
    what: 'send test alerts',
    id,
    run: async (store, identity) => {
      const hook = store.webhook(id);
      if (!hook) throw new AlertConfigError('absent', `No webhook ${id.slice(0, 64)}`);
      const deliveries = await sendTests(ctx, deskOf(ctx), [hook], testRule(identity.user, ctx.now()), identity.user);
      return {
        answer: { ok: true, deliveries },
        message: `Test alert to "${hook.name}": ${summary(deliveries)}`,
        params: { name: hook.name },
      };
    },
  });
};

const deliveriesQuery = z.strictObject(
  {
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit is at least 1')
      .max(500, 'limit is at most 500')
      .default(100),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown parameter ${issue.keys.join(', ')}; use limit` : undefined) },
);

async function deliveries(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  requireAdmin(identityOf(ctx, req), 'read the delivery log');
  const store = storeOf(ctx);
  const webhook = m[1] === undefined ? undefined : decode(m[1]);
  if (webhook !== undefined && !store.webhook(webhook)) throw new HttpError(404, `No webhook ${webhook.slice(0, 64)}`);
  const url = new URL(req.url ?? '/', 'http://x');
  const query = deliveriesQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? 'Bad query');
  const list = await deskOf(ctx).recent({ ...(webhook === undefined ? {} : { webhook }), limit: query.data.limit });
  sendJson(res, 200, { deliveries: list });
}

export const alertRoutes: Route[] = [
  ['GET', /^\/api\/alert-rules$/, listRules],
  ['POST', /^\/api\/alert-rules$/, createRule],
  ['PUT', /^\/api\/alert-rules\/([^/]+)$/, updateRule],
  ['DELETE', /^\/api\/alert-rules\/([^/]+)$/, deleteRule],
  ['POST', /^\/api\/alert-rules\/([^/]+)\/test$/, testRuleRoute],
  ['GET', /^\/api\/webhooks$/, listWebhooks],
  ['POST', /^\/api\/webhooks$/, createWebhook],
  ['PUT', /^\/api\/webhooks\/([^/]+)$/, updateWebhook],
  ['DELETE', /^\/api\/webhooks\/([^/]+)$/, deleteWebhook],
  ['POST', /^\/api\/webhooks\/([^/]+)\/test$/, testWebhook],
  ['GET', /^\/api\/webhooks\/([^/]+)\/deliveries$/, deliveries],
  ['GET', /^\/api\/deliveries$/, deliveries],
];

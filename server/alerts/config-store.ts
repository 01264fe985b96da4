/**
 * Alert rules and webhooks, kept in the call history's database (tables
 * `alert_rules` and `webhooks`, migration 0005_alerts) and held in memory:
 * the engine and the delivery read `rules()` and `webhooks()` on every
 * evaluation, so they are cached arrays, replaced (never mutated) after each
 * write, and `onChange` tells them when. Writes run one at a time, so the
 * bounds and the links between rules and webhooks hold under concurrent
 * requests on this node.
 *
 * A row whose body no longer validates (edited by hand, or written by a
 * newer version) is left out and reported through `onBadRow`, not fatal:
 * one broken rule must not silence the others.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import {
  alertRuleInputSchema,
  webhookInputSchema,
  type AlertRule,
  type WebhookConfig,
  type WebhookEventKind,
  type WebhookFormat,
} from '@/lib/alerts/model';
import { describeIssue } from '../auth/user-store';
import type { HistoryStore } from '../history/store';
import type { HistoryDb } from '../history/schema';
import type { AlertRuleSource, WebhookSource } from './ports';
import type { AlertConfigDb } from './config-schema';

export const MAX_RULES = 500;
export const MAX_WEBHOOKS = 100;

export type AlertConfigErrorReason = 'invalid' | 'absent' | 'in-use' | 'full';

/** A write refused, with a sentence for the admin; `invalid` messages start with the field (`threshold: …`). */
export class AlertConfigError extends Error {
  override name = 'AlertConfigError';
  constructor(
    readonly reason: AlertConfigErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface AlertConfigStoreOptions {
  now?: () => number;
  onListenerError?: (err: unknown) => void;
  /** A stored row that no longer validates; it is left out. */
  onBadRow?: (table: 'alert_rules' | 'webhooks', id: string, message: string) => void;
}

type RuleBody = z.output<typeof alertRuleInputSchema>;
type WebhookBody = Pick<WebhookConfig, 'name' | 'format' | 'events' | 'queues' | 'enabled'>;

const ruleBodyOf = ({ id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, ...body }: AlertRule): RuleBody => body;
const webhookBodyOf = (w: WebhookConfig): WebhookBody => ({
  name: w.name,
  format: w.format,
  events: w.events,
  queues: w.queues,
  enabled: w.enabled,
});

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored fields, with what the request sent on top: a field left out keeps its value. */
function merged(stored: object, change: unknown): unknown {
  return isPlainObject(change) ? { ...stored, ...change } : change;
}

export class AlertConfigStore implements AlertRuleSource, WebhookSource {
  private readonly db: Kysely<HistoryDb & AlertConfigDb>;
  private readonly now: () => number;
  private readonly listeners = new Set<(origin: 'local' | 'remote') => void>();
  private ruleList: readonly AlertRule[] = [];
  private webhookList: readonly WebhookConfig[] = [];
  private readonly ruleById = new Map<string, AlertRule>();
  private readonly webhookById = new Map<string, WebhookConfig>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    history: HistoryStore,
    private readonly opts: AlertConfigStoreOptions,
  ) {
    this.db = history.db.withTables<AlertConfigDb>();
    this.now = opts.now ?? Date.now;
  }

  /** Loads every rule and webhook once; after that, reads come from memory. */
  static async open(history: HistoryStore, opts: AlertConfigStoreOptions = {}): Promise<AlertConfigStore> {
    const store = new AlertConfigStore(history, opts);
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    const [rules, webhooks] = await Promise.all([
      this.db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id').execute(),
      this.db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute(),
    ]);
    // Emptied only now: while the rows are read, lookups still answer from the cache as it was.
    this.ruleById.clear();
    this.webhookById.clear();
    for (const row of webhooks) {
      const parsed = webhookInputSchema.safeParse(safeJson(row.body));
      if (!parsed.success) {
        this.opts.onBadRow?.('webhooks', row.id, describeIssue(parsed.error.issues[0]));
        continue;
      }
      const { name, format, events, queues, enabled } = parsed.data;
      this.webhookById.set(row.id, {
        id: row.id,
        name,
        url: row.url,
        format,
        events,
        queues,
        secret: row.secret,
        enabled,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        updatedBy: row.updated_by,
      });
    }
    for (const row of rules) {
      const parsed = alertRuleInputSchema.safeParse(safeJson(row.body));
      if (!parsed.success) {
        this.opts.onBadRow?.('alert_rules', row.id, describeIssue(parsed.error.issues[0]));
        continue;
      }
      this.ruleById.set(row.id, {
        ...parsed.data,
        id: row.id,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        updatedBy: row.updated_by,
      });
    }
    this.publish();
  }

  rules(): readonly AlertRule[] {
    return this.ruleList;
  }

  webhooks(): readonly WebhookConfig[] {
    return this.webhookList;
  }

  rule(id: string): AlertRule | undefined {
    return this.ruleById.get(id);
  }

  webhook(id: string): WebhookConfig | undefined {
    return this.webhookById.get(id);
  }

  /**
   * Reads every rule and webhook again: another node changed them in the
   * shared database. Listeners are told, with `remote`, so they do not pass
   * the change on again.
   */
  reload(): Promise<void> {
    return this.serially(() => this.load(), 'remote');
  }

  /** Told after every change: `local` for this store's own writes, `remote` after a `reload`. */
  onChange(listener: (origin: 'local' | 'remote') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async createRule(input: unknown, by: string): Promise<AlertRule> {
    return this.serially(async () => {
      if (this.ruleById.size >= MAX_RULES)
        throw new AlertConfigError('full', `There are ${MAX_RULES} rules already, the most Callboard keeps; delete one first`);
      const body = this.validRule(input);
      const at = this.now();
      const rule: AlertRule = { ...body, id: randomUUID(), createdAt: at, updatedAt: at, updatedBy: by };
      await this.db
        .insertInto('alert_rules')
        .values({ id: rule.id, body: JSON.stringify(body), created_at: at, updated_at: at, updated_by: by })
        .execute();
      this.ruleById.set(rule.id, rule);
      return rule;
    });
  }

  /** Fields the change leaves out keep their stored values; the result is validated whole. */
  async updateRule(id: string, change: unknown, by: string): Promise<AlertRule> {
    return this.serially(async () => {
      const stored = this.ruleById.get(id);
      if (!stored) throw absentRule(id);
      const body = this.validRule(merged(ruleBodyOf(stored), change));
      const at = this.now();
      const rule: AlertRule = { ...body, id, createdAt: stored.createdAt, updatedAt: at, updatedBy: by };
      await this.db
        .updateTable('alert_rules')
        .set({ body: JSON.stringify(body), updated_at: at, updated_by: by })
        .where('id', '=', id)
        .execute();
      this.ruleById.set(id, rule);
      return rule;
    });
  }

  async setRuleEnabled(id: string, enabled: boolean, by: string): Promise<AlertRule> {
    return this.updateRule(id, { enabled }, by);
  }

  async deleteRule(id: string): Promise<AlertRule> {
    return this.serially(async () => {
      const stored = this.ruleById.get(id);
      if (!stored) throw absentRule(id);
      await this.db.deleteFrom('alert_rules').where('id', '=', id).execute();
      this.ruleById.delete(id);
      return stored;
    });
  }

  async createWebhook(input: unknown, by: string): Promise<WebhookConfig> {
    return this.serially(async () => {
      if (this.webhookById.size >= MAX_WEBHOOKS)
        throw new AlertConfigError('full', `There are ${MAX_WEBHOOKS} webhooks already, the most Callboard keeps; delete one first`);
      const parsed = validWebhook(input);
      if (parsed.url === undefined) throw new AlertConfigError('invalid', 'url: Give the URL to post to');
      const at = this.now();
      const webhook: WebhookConfig = {
        ...bodyOf(parsed),
        id: randomUUID(),
        url: parsed.url,
        secret: parsed.secret ?? null,
        createdAt: at,
        updatedAt: at,
        updatedBy: by,
      };
      await this.db
        .insertInto('webhooks')
        .values({
          id: webhook.id,
          url: webhook.url,
          secret: webhook.secret,
          body: JSON.stringify(webhookBodyOf(webhook)),
          created_at: at,
          updated_at: at,
          updated_by: by,
        })
        .execute();
      this.webhookById.set(webhook.id, webhook);
      return webhook;
    });
  }

  /** `url` left out keeps the stored one; `secret` left out keeps it, null removes it. Other fields as for a rule. */
  async updateWebhook(id: string, change: unknown, by: string): Promise<WebhookConfig> {
    return this.serially(async () => {
      const stored = this.webhookById.get(id);
      if (!stored) throw absentWebhook(id);
      const parsed = validWebhook(merged(webhookBodyOf(stored), change));
      const at = this.now();
      const webhook: WebhookConfig = {
        ...bodyOf(parsed),
        id,
        url: parsed.url ?? stored.url,
        secret: parsed.secret === undefined ? stored.secret : parsed.secret,
        createdAt: stored.createdAt,
        updatedAt: at,
        updatedBy: by,
      };
      await this.db
        .updateTable('webhooks')
        .set({ url: webhook.url, secret: webhook.secret, body: JSON.stringify(webhookBodyOf(webhook)), updated_at: at, updated_by: by })
        .where('id', '=', id)
        .execute();
      this.webhookById.set(id, webhook);
      return webhook;
    });
  }

  async setWebhookEnabled(id: string, enabled: boolean, by: string): Promise<WebhookConfig> {
    return this.updateWebhook(id, { enabled }, by);
  }

  /**
   * Refused while a rule delivers to it: silently dropping it from the rules
   * would leave an admin believing a critical rule still reaches someone.
   */
  async deleteWebhook(id: string): Promise<WebhookConfig> {
    return this.serially(async () => {
      const stored = this.webhookById.get(id);
      if (!stored) throw absentWebhook(id);
      const users = [...this.ruleById.values()].filter((r) => r.webhooks.includes(id));
      if (users.length) {
        const names = users.slice(0, 5).map((r) => `"${r.name}"`);
        const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
        throw new AlertConfigError(
          'in-use',
          `${users.length === 1 ? 'The rule' : 'The rules'} ${names.join(', ')}${more} deliver to this webhook; take it out of them first`,
        );
      }
      await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
      this.webhookById.delete(id);
      return stored;
    });
  }

  private validRule(input: unknown): RuleBody {
    const parsed = alertRuleInputSchema.safeParse(input);
    if (!parsed.success) throw new AlertConfigError('invalid', describe(parsed.error.issues[0], RULE_FIELDS));
    const body = parsed.data;
    const unknown = body.webhooks.filter((w) => !this.webhookById.has(w));
    if (unknown.length) throw new AlertConfigError('invalid', `webhooks: There is no webhook ${unknown[0]}`);
    // Naming one webhook twice would deliver each alert twice.
    return { ...body, webhooks: [...new Set(body.webhooks)] };
  }

  /** One write at a time; after one that succeeded, the cache is republished and listeners told. */
  private serially<T>(write: () => Promise<T>, origin: 'local' | 'remote' = 'local'): Promise<T> {
    const run = this.chain.then(write);
    this.chain = run.catch(() => undefined);
    return run.then((value) => {
      this.publish();
      this.emit(origin);
      return value;
    });
  }

  private publish(): void {
    this.ruleList = Object.freeze([...this.ruleById.values()]);
    this.webhookList = Object.freeze([...this.webhookById.values()]);
  }

  private emit(origin: 'local' | 'remote'): void {
    for (const listener of this.listeners) {
      try {
        listener(origin);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }
}

function validWebhook(input: unknown): z.output<typeof webhookInputSchema> {
  const parsed = webhookInputSchema.safeParse(input);
  if (!parsed.success) throw new AlertConfigError('invalid', describe(parsed.error.issues[0], WEBHOOK_FIELDS));
  return parsed.data;
}

function bodyOf(parsed: z.output<typeof webhookInputSchema>): WebhookBody {
  return {
    name: parsed.name,
    format: parsed.format as WebhookFormat,
    events: [...new Set(parsed.events)] as WebhookEventKind[],
    queues: parsed.queues === null ? null : [...new Set(parsed.queues)],
    enabled: parsed.enabled,
  };
}

/** A zod issue as a sentence for the admin, the field first; an unknown field is named with the ones there are. */
function describe(issue: z.core.$ZodIssue | undefined, fields: readonly string[]): string {
  if (issue?.code === 'unrecognized_keys')
    return `${issue.path.length ? issue.path.join('.') : '(top level)'}: Unknown field ${issue.keys
      .slice(0, 3)
      .map((k) => k.slice(0, 40))
      .join(', ')}; the fields are ${fields.join(', ')}`;
  return describeIssue(issue);
}

const RULE_FIELDS = Object.keys(alertRuleInputSchema.shape);
const WEBHOOK_FIELDS = Object.keys(webhookInputSchema.shape);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const absentRule = (id: string) => new AlertConfigError('absent', `No alert rule ${id.slice(0, 64)}`);
const absentWebhook = (id: string) => new AlertConfigError('absent', `No webhook ${id.slice(0, 64)}`);

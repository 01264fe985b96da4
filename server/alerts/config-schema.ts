/**
 * The alert tables as Kysely sees them (migration 0005_alerts). Times are
 * ms; PostgreSQL hands bigint back as a string, so the store reads them
 * through Number().
 */
export interface AlertRulesTable {
  id: string;
  /** The rule as lib/alerts/model.ts `alertRuleInputSchema` outputs it, as JSON. */
  body: string;
  created_at: number | string;
  updated_at: number | string;
  updated_by: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  secret: string | null;
  /** Name, format, events, queues and enabled, as JSON: never the URL or the secret. */
  body: string;
  created_at: number | string;
  updated_at: number | string;
  updated_by: string;
}

/** A type, not an interface: Kysely's `withTables` wants an index signature, which only a type alias has implicitly. */
export type AlertConfigDb = { alert_rules: AlertRulesTable; webhooks: WebhooksTable };

/**
 * Migrations in code, run on every start by Kysely's Migrator (it records
 * what ran in its own table and takes a lock, so two nodes starting at once
 * on one PostgreSQL do not both run one). One schema for both databases;
 * only the auto-numbered key is spelt per dialect.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type HistoryDialect = 'sqlite' | 'postgres';

function calls(dialect: HistoryDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('calls')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('pbx', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('from_num', 'text', (c) => c.notNull())
        .addColumn('from_name', 'text', (c) => c.notNull())
        .addColumn('to_num', 'text', (c) => c.notNull())
        .addColumn('to_name', 'text', (c) => c.notNull())
        .addColumn('did', 'text', (c) => c.notNull())
        .addColumn('wait_s', 'double precision', (c) => c.notNull())
        .addColumn('talk_s', 'double precision', (c) => c.notNull())
        .addColumn('partial', 'integer', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      // A Linkedid is unique per PBX: a record written twice (a retry after a lost answer) is kept once.
      await db.schema.createIndex('calls_pbx_id').unique().on('calls').columns(['pbx', 'id']).execute();
      // The page order (newest first), and the filters a report starts from.
      await db.schema.createIndex('calls_started').on('calls').columns(['started_at', 'id']).execute();
      await db.schema.createIndex('calls_queue_started').on('calls').columns(['queue', 'started_at']).execute();
      await db.schema.createIndex('calls_outcome_started').on('calls').columns(['outcome', 'started_at']).execute();
      await db.schema.createIndex('calls_agent_started').on('calls').columns(['agent', 'started_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('calls').execute();
    },
  };
}

/** Calls to call back (server/callbacks/store.ts): one row per caller owed a call, open or done. */
const callbacks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('callbacks')
      .addColumn('pbx', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('first_at', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_call_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('done_by', 'text')
      .addColumn('done_at', 'bigint')
      .addColumn('done_how', 'text')
      .addColumn('done_call_id', 'text')
      .addColumn('called_by', 'text')
      .addColumn('called_at', 'bigint')
      .addColumn('calls', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('callbacks_pbx_id').unique().on('callbacks').columns(['pbx', 'id']).execute();
    // One open callback per caller: two nodes applying the same batch cannot both open one.
    await db.schema
      .createIndex('callbacks_open_number')
      .unique()
      .on('callbacks')
      .columns(['pbx', 'number'])
      .where(sql.ref('state'), '=', 'open')
      .execute();
    // The list's orders: open oldest first, done newest first.
    await db.schema.createIndex('callbacks_state_first').on('callbacks').columns(['state', 'first_at', 'id']).execute();
    await db.schema.createIndex('callbacks_state_done').on('callbacks').columns(['state', 'done_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('callbacks').execute();
  },
};

/** Finished pauses and log-ins of queue memberships (server/stats/member-spans.ts): today's pause and logged-in times. */
function memberSpans(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('member_spans')
        .addColumn('pbx', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('interface', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .execute();
      // A day's figures read the spans that ended in it (a span counts only its part inside the day).
      await db.schema.createIndex('member_spans_pbx_ended').on('member_spans').columns(['pbx', 'ended_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('member_spans').execute();
    },
  };
}

/**
 * A day of one PBX (`recordsOfDay`: today's figures at start, `/api/stats?date=`) filters on `pbx =` and a start
 * range. Given only (pbx, id) and (started_at, id), SQLite's planner prefers the equality on `pbx`, walks every
 * call of the PBX and sorts them: 2.1 s a page, 26 s for a day of 11,000 calls at 1,000,000 stored (docs/performance.md
 * §12). With `pbx` first here the day is one range, already in page order: 0.3 s for that day.
 */
const historyIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('calls_pbx_started').on('calls').columns(['pbx', 'started_at', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('calls_pbx_started').execute();
  },
};

/**
 * Alert rules and webhooks (server/alerts/config-store.ts). What a rule or a webhook says is one JSON `body`,
 * validated with lib/alerts/model.ts on read, so the schema can grow without a migration; a webhook's URL and
 * secret have their own columns so they never travel with the body (a log of a body leaks neither).
 */
const alerts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('webhooks').execute();
    await db.schema.dropTable('alert_rules').execute();
  },
};

/** Each attempt to deliver a webhook (server/webhooks/delivery-log.ts): the admin's delivery log, pruned by age and count. */
const webhookDeliveries: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('ms', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .execute();
    // The log's two reads: one webhook's newest, and everything's newest (and the age prune).
    await db.schema.createIndex('webhook_deliveries_webhook_at').on('webhook_deliveries').columns(['webhook', 'at', 'id']).execute();
    await db.schema.createIndex('webhook_deliveries_at').on('webhook_deliveries').columns(['at', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('webhook_deliveries').execute();
  },
};

/**
 * The audit log of several nodes in one place (server/cluster/shared-audit.ts): each node still writes its own
 * file first, then this table, which is what an admin reads when the nodes share PostgreSQL.
 */
function sharedAudit(dialect: HistoryDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('shared_audit')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('who', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('pbx', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('shared_audit').execute();
    },
  };
}

/** The users and tokens several nodes share (server/cluster/shared-auth.ts): one row, the document and its revision. */
const sharedUsers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('shared_users')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('rev', 'bigint', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('shared_users').execute();
  },
};

export function migrationProvider(dialect: HistoryDialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '0001_calls': calls(dialect),
        '0002_callbacks': callbacks,
        '0003_member_spans': memberSpans(),
        '0004_history_indexes': historyIndexes,
        '0005_alerts': alerts,
        '0006_webhook_deliveries': webhookDeliveries,
        '0007_shared_audit': sharedAudit(dialect),
        '0008_shared_users': sharedUsers,
      }),
  };
}

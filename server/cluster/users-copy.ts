/**
 * Where the cluster's copy of the users and tokens lives, for a node that
 * joins: in PostgreSQL when the nodes share one (a record, which outlives
 * a Redis restart), else in Redis. Each is written with the document's
 * revision, and a write never replaces a later one.
 */
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { HistoryStore } from '../history/store';

export interface UsersMessage {
  rev: number;
  node: string;
  doc: unknown;
}

export interface UsersCopy {
  read(): Promise<UsersMessage | null>;
  write(message: UsersMessage): Promise<void>;
  /** Writes only if there is no copy yet (the first node, or a fresh Redis). */
  seed(message: UsersMessage): Promise<void>;
}

const USERS_KEY = 'cb:auth:users';

export function redisUsersCopy(redis: Redis): UsersCopy {
  return {
    async read() {
      const text = await redis.get(USERS_KEY);
      return text ? (JSON.parse(text) as UsersMessage) : null;
    },
    async write(message) {
      await redis.set(USERS_KEY, JSON.stringify(message));
    },
    async seed(message) {
      await redis.set(USERS_KEY, JSON.stringify(message), 'NX');
    },
  };
}

interface SharedUsersDb {
  shared_users: { id: number; rev: number | string; node: string; doc: string };
}

export function postgresUsersCopy(store: HistoryStore): UsersCopy {
  const db = store.db as unknown as Kysely<SharedUsersDb>;
  const row = (m: UsersMessage) => ({ id: 1, rev: m.rev, node: m.node, doc: JSON.stringify(m.doc) });
  return {
    async read() {
      const found = await db.selectFrom('shared_users').selectAll().where('id', '=', 1).executeTakeFirst();
      return found ? { rev: Number(found.rev), node: found.node, doc: JSON.parse(found.doc) as unknown } : null;
    },
    async write(message) {
      await db
        .insertInto('shared_users')
        .values(row(message))
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ rev: message.rev, node: message.node, doc: JSON.stringify(message.doc) })
            // The later change wins, as it does between nodes: a slow write of an older revision changes nothing.
            .where(
              sql<boolean>`shared_users.rev < ${message.rev} or (shared_users.rev = ${message.rev} and shared_users.node < ${message.node})`,
            ),
        )
        .execute();
    },
    async seed(message) {
      await db
        .insertInto('shared_users')
        .values(row(message))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}

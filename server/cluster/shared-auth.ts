/**
 * Users, tokens and sessions shared by several nodes (docs/architecture.md,
 * "Several nodes"). Each node keeps serving from its own stores, which stay
 * synchronous and keep their files as the durable copy; what changes on one
 * node reaches the others through socket.io's Redis streams adapter
 * (`serverSideEmit`), and a node that joins reads the cluster's current
 * copy from Redis. So a token revoked on node A closes its sockets on
 * node C as soon as C hears it: the same recheck a local change runs.
 *
 * Users and tokens travel as one document with a Lamport revision (ties
 * broken by node name): the later change wins. Sessions travel one by one
 * and are kept in Redis with their own expiry, so a joining node takes the
 * live ones, and one that ended while it was away does not come back.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { z } from 'zod';
import type { Auth } from '../auth/auth';
import type { SessionChange, SessionRecord } from '../auth/session-store';
import type { Logger } from '../log';
import type { UsersCopy, UsersMessage } from './users-copy';

const SESSION_PREFIX = 'cb:auth:session:';

const usersMessage = z.object({ rev: z.number().int().nonnegative(), node: z.string().max(200), doc: z.unknown() });

export interface SharedAuthOptions {
  io: Server;
  redis: Redis;
  /** The cluster's copy of the users for a joining node (server/cluster/users-copy.ts). */
  users: UsersCopy;
  auth: Auth;
  node: string;
  log: Logger;
  now: () => number;
  /** How often the users file is looked at for the CLI's changes, ms. */
  pollMs?: number;
}

export interface SharedAuth {
  /** Resolves once this node took the cluster's users and sessions (or seeded a fresh Redis with its own). */
  ready: Promise<void>;
  stop(): void;
}

export function shareAuth(opts: SharedAuthOptions): SharedAuth {
  const { io, redis, auth, node, log, now } = opts;
  const store = auth.store;
  let rev = 0;
  let lastDigest = digestOf(store.document());
  let stopped = false;

  const later = (m: { rev: number; node: string }) => m.rev > rev || (m.rev === rev && m.node > node);

  const publishUsers = () => {
    if (stopped) return;
    const doc = store.document();
    const digest = digestOf(doc);
    if (digest === lastDigest) return;
    lastDigest = digest;
    rev++;
    const message: UsersMessage = { rev, node, doc };
    opts.users.write(message).catch((err: unknown) => warn('the users could not be stored for the other nodes', err));
    io.serverSideEmit('cb:users', message);
  };

  const takeUsers = (raw: unknown) => {
    const parsed = usersMessage.safeParse(raw);
    if (!parsed.success || !later(parsed.data)) return;
    rev = parsed.data.rev;
    // Before adopting: its change listeners run inside, and must see this document as already published.
    lastDigest = digestOf(parsed.data.doc);
    if (store.adopt(parsed.data.doc)) log.info({ from: parsed.data.node, rev }, 'cluster: users and tokens taken from another node');
    lastDigest = digestOf(store.document());
  };

  /** Sessions started or ended here while joining: the cluster's copy is read before them, and must not undo them. */
  let duringJoin: SessionChange[] | null = [];
  const onSession = (change: SessionChange, origin: 'local' | 'remote') => {
    if (origin !== 'local' || stopped) return;
    duringJoin?.push(change);
    if ('del' in change) redis.del(SESSION_PREFIX + change.del).catch((err: unknown) => warn('a session end could not be stored', err));
    else if (!duringJoin) storeSession(change.add, change.record).catch((err: unknown) => warn('a session could not be stored', err));
    io.serverSideEmit('cb:session', change);
  };

  function warn(what: string, err: unknown): void {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, `cluster: ${what}`);
  }

  io.on('cb:users', takeUsers);
  io.on('cb:session', (change: SessionChange) => auth.sessions.apply(change, now()));
  const unsubscribeUsers = store.onChange(publishUsers);
  const unsubscribeSessions = auth.sessions.onChange(onSession);
  // The user CLI writes the file directly: looked at here, and passed on like an admin's change.
  const poll = setInterval(publishUsers, opts.pollMs ?? 1_000);
  poll.unref();

  /** Take the cluster's copy, or, if Redis holds none (the first node, or Redis restarted), give it ours. */
  const join = async () => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
        const stored = await opts.users.read();
        if (stored) {
          takeUsers(stored);
          const sessions = await storedSessions(redis);
          auth.sessions.replaceAll(sessions, now());
          for (const change of duringJoin ?? []) {
            auth.sessions.apply(change, now());
            if ('add' in change) await storeSession(change.add, change.record);
          }
        } else await seed();
        duringJoin = null;
        return;
      } catch (err) {
        if (attempt === 0) warn('the shared users and sessions could not be read yet; retrying', err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const seed = async () => {
    rev = Math.max(rev, 1);
    const message: UsersMessage = { rev, node, doc: store.document() };
    await opts.users.seed(message);
    const t = now();
    for (const [hash, record] of auth.sessions.entries(t)) await storeSession(hash, record);
  };
  const storeSession = (hash: string, record: SessionRecord) =>
    redis.set(SESSION_PREFIX + hash, JSON.stringify(record), 'PX', Math.max(1, Math.round(record.expires - now())));
  // Redis came back empty after a restart: the nodes give it their copies again.
  let wasDown = false;
  const onError = () => (wasDown = true);
  const onReady = () => {
    if (!wasDown) return;
    wasDown = false;
    seed().catch((err: unknown) => warn('the shared users and sessions could not be stored again', err));
  };
  redis.on('error', onError);
  redis.on('ready', onReady);

  return {
    ready: join(),
    stop() {
      stopped = true;
      clearInterval(poll);
      unsubscribeUsers();
      unsubscribeSessions();
      redis.off('error', onError);
      redis.off('ready', onReady);
    },
  };
}

async function storedSessions(redis: Redis): Promise<[string, SessionRecord][]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${SESSION_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const out: [string, SessionRecord][] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    const values = await redis.mget(...slice);
    values.forEach((v, j) => {
      if (!v) return;
      try {
        out.push([slice[j].slice(SESSION_PREFIX.length), JSON.parse(v) as SessionRecord]);
      } catch {
        // A value that is not ours: left out (replaceAll checks each record anyway).
      }
    });
  }
  return out;
}

/** A digest of a document whatever its key order, so a document that went round the cluster is known again. */
function digestOf(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

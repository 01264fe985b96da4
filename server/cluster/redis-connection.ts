/**
 * Redis connections for the cluster. No offline queue and no resend: a
 * command either runs now or fails now. A queued append replayed after a
 * reconnect could land after a newer reader's entries, and a replayed lease
 * renewal could extend a lease that should have ended; failing is what
 * the writer, the lease and the mirror all know how to handle.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log';

/** A command unanswered this long fails: a silent partition must surface before the lease's deadline. */
const COMMAND_TIMEOUT_MS = 2_500;

export function openRedis(url: string, log: Logger, name: string): Redis {
  const redis = new Redis(url, {
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectionName: name,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // Reconnect quickly: the lease's deadline is a few seconds away.
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    connectTimeout: 2_000,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ redis: name, err: err.message }, 'cluster: Redis connection lost; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ redis: name }, 'cluster: Redis connection back');
    down = false;
  });
  return redis;
}

/** A URL for logs: the password never goes there. */
export function redisUrlForLog(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

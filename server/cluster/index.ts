/**
 * Several Callboard nodes on one Redis (docs/architecture.md, "Several
 * nodes"): one connection for the leases and appends of every PBX, one
 * blocking reader per PBX's stream, one action link per PBX.
 */
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Auth } from '../auth/auth';
import { shareAuth } from './shared-auth';
import { shareAlertConfig } from './shared-config';
import { postgresUsersCopy, redisUsersCopy } from './users-copy';
import type { HistoryStore } from '../history/store';
import type { AlertConfigStore } from '../alerts/config-store';
import type { AmiClientOptions } from '@/lib/ami/client';
import type { ClusterConfig } from '../config';
import type { Logger } from '../log';
import type { AmiTarget, PbxSession } from '../pbx-session';
import type { AlertService } from '../alerts/service';
import { ActionLink } from './action-link';
import { ClusterAlertActions } from './alert-commands';
import { CommandReader } from './commands';
import { pbxKeys } from './keys';
import { ClusterPbx, type ClusterTiming } from './cluster-pbx';
import { openRedis, redisUrlForLog } from './redis-connection';

export type { ClusterTiming } from './cluster-pbx';
export { ReaderDidNotAnswer } from './commands';

export interface ClusterStart {
  config: ClusterConfig;
  log: Logger;
  now: () => number;
  timing?: ClusterTiming;
  amiClient?: Partial<AmiClientOptions>;
  pbxs: { id: string; label: string; demo: boolean; ami: AmiTarget; session: PbxSession; alerts?: AlertService }[];
}

export interface Cluster {
  node: string;
  /** The commands connection (leases, appends, the shared users and sessions). */
  redis: Redis;
  pbxs: ClusterPbx[];
  /** Per PBX, acknowledging and snoozing from this node, wherever the alert engine runs. */
  alertActions: ClusterAlertActions[];
  start(): void;
  stop(): Promise<void>;
}

export function startCluster(opts: ClusterStart): Cluster {
  const { config, log } = opts;
  const node = config.node;
  const redis = openRedis(config.redisUrl, log, `callboard:${node}`);
  const leases = openRedis(config.redisUrl, log, `callboard:${node}:leases`);
  const readers = opts.pbxs.map((p) => openRedis(config.redisUrl, log, `callboard:${node}:read:${p.id}`));
  // Blocking reads need connections of their own: the op stream's, and the other nodes' requests while this node reads.
  const commandReaders = opts.pbxs.map((p) => openRedis(config.redisUrl, log, `callboard:${node}:cmd:${p.id}`));
  const pbxs = opts.pbxs.map(
    (p, i) =>
      new ClusterPbx({
        pbx: p.id,
        node,
        redis,
        leases,
        reader: readers[i],
        session: p.session,
        actions: new ActionLink(p.ami, log, opts.amiClient),
        commands: new CommandReader(
          commandReaders[i],
          pbxKeys(p.id),
          { alerts: p.alerts, resync: () => p.session.resync('manual') },
          log.child({ module: 'cluster', pbx: p.id }),
        ),
        log,
        label: p.label,
        demo: p.demo,
        now: opts.now,
        timing: opts.timing,
      }),
  );
  const alertActions = pbxs.map(
    (cluster, i) =>
      new ClusterAlertActions({
        redis,
        keys: cluster.keys,
        node,
        mirror: cluster.mirror,
        local: opts.pbxs[i].alerts!,
        reading: () => cluster.reading,
      }),
  );
  log.info({ node, redis: redisUrlForLog(config.redisUrl), pbxs: opts.pbxs.length }, 'cluster: this node shares its PBXs through Redis');
  return {
    node,
    redis,
    pbxs,
    alertActions,
    start() {
      for (const p of pbxs) p.start();
    },
    async stop() {
      await Promise.all(pbxs.map((p) => p.stop()));
      for (const r of [redis, leases, ...readers, ...commandReaders]) r?.disconnect();
    },
  };
}

/**
 * The socket.io adapter on its own connection (it blocks on its stream, and
 * wants the offline queue our cluster connections turn off), and the auth
 * records and alert settings passed between nodes through it.
 */
export function shareAcrossNodes(opts: {
  io: Server;
  redisUrl: string;
  cluster: Cluster;
  auth: Auth;
  /** The alert rules and webhooks, when the nodes share a database for them. */
  alertConfig: AlertConfigStore | null;
  /** The history's database: with PostgreSQL, the users' shared copy is kept there. */
  history: HistoryStore | null;
  log: Logger;
  now: () => number;
}): {
  ready: Promise<void>;
  stop(): void;
  disconnect(): void;
} {
  const adapterRedis = new Redis(opts.redisUrl, { connectionName: `callboard:${opts.cluster.node}:adapter` });
  adapterRedis.on('error', () => {}); // the cluster connections already say when Redis is gone
  opts.io.adapter(createAdapter(adapterRedis));
  const auth = shareAuth({
    io: opts.io,
    redis: opts.cluster.redis,
    users: opts.history?.dialect === 'postgres' ? postgresUsersCopy(opts.history) : redisUsersCopy(opts.cluster.redis),
    auth: opts.auth,
    node: opts.cluster.node,
    log: opts.log,
    now: opts.now,
  });
  const stopConfig = opts.alertConfig ? shareAlertConfig(opts.io, opts.alertConfig, opts.log) : () => {};
  return {
    ready: auth.ready,
    stop: () => {
      auth.stop();
      stopConfig();
    },
    // QUIT when connected, not a hang-up: the adapter may have a publish in flight, whose promise nobody of ours holds.
    disconnect: () => {
      if (adapterRedis.status === 'ready') adapterRedis.quit().catch(() => {});
      else adapterRedis.disconnect();
    },
  };
}

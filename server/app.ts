/**
 * The Callboard server without Next: HTTP (API and page gate), socket.io,
 * the PBX session, auth and actions. `server/index.ts` adds Next and the
 * demo PBX; tests run this directly on port 0.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Server } from 'socket.io';
import type { Config, AmiConfig, PbxConfig } from './config';
import { Auth, DEMO_ACCOUNTS, type DemoAccount } from './auth/auth';
import { ensureFirstAdmin } from './auth/bootstrap';
import type { LoginThrottleOptions } from './auth/login-throttle';
import { parseTrustedProxies, resolveRequestInfo } from './auth/request-info';
import { loadOrCreateKey } from './auth/session-cookie';
import { SessionStore } from './auth/session-store';
import { UserStore } from './auth/user-store';
import { AuditLog } from './actions/audit';
import { CliPolicy } from './actions/cli-policy';
import { ActionRunner, DEFAULT_ACTION_RATE } from './actions/runner';
import { RateLimiter } from './rate-limit';
import { handleApi } from './http/api';
import { gatePage, listPublicFiles } from './http/page-gate';
import { applySecurityHeaders } from './http/security-headers';
import { sendError } from './http/util';
import type { Logger } from './log';
import { trunkPredicate } from '@/lib/pbx';
import { PbxSession, type PbxSessionOptions } from './pbx-session';
import { PbxRegistry, type PbxBoard, type PbxRuntime } from './pbx-registry';
import { shareAcrossNodes, startCluster, type ClusterTiming } from './cluster';
import { SharedAudit } from './cluster/shared-audit';
import { SharedRateLimiter } from './cluster/shared-rate-limit';
import { Fanout, type CallboardServer } from './realtime/fanout';
import { wireSockets } from './realtime/sockets';
import { HISTORY_READS, HistoryRecorder } from './history/recorder';
import { HistoryStore } from './history/store';
import { AlertConfigStore } from './alerts/config-store';
import type { DeliveryDesk } from './alerts/ports';
import type { WebhookSource } from './alerts/ports';
import { startCallEvents } from './crm/call-events';
import { NO_WEBHOOKS, openDelivery, type DeliveryService } from './webhooks';
import { TodayFigures } from './stats/today';
import { PreferencesStore } from './auth/preferences-store';
import { CallbackService } from './callbacks/service';
import type { CallbackStore } from './callbacks/store';
import { AlertService } from './alerts/service';
import type { AlertActions } from './alerts/alert-actions';
import { EMPTY_RULE_SOURCE } from './alerts/static-source';
import type { AlertRuleSource, EventSink } from './alerts/ports';

export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** A PBX to serve: its configuration, and where its AMI session connects (for a demo PBX, the one started for it). */
export interface PbxTarget {
  config: PbxConfig;
  ami: AmiConfig;
  demo: boolean;
}

export interface CallboardOptions {
  log: Logger;
  /** The PBXs, in order. Without it: the first configured PBX, connecting to `ami`. */
  pbxs?: PbxTarget[];
  /** Where the one PBX's AMI session connects (the configured PBX, or the demo PBX), when `pbxs` is not given. */
  ami?: AmiConfig;
  /** Demo mode: the demo accounts log in, and no first admin is made. */
  demo: boolean;
  nextHandler?: NextHandler;
  /** Called once when the first admin was created, with its one-time password. */
  onFirstAdmin?: (account: { user: string; password: string }) => void;
  demoAccounts?: readonly DemoAccount[];
  /** Overrides CALLBOARD_LOGIN_* (tests). */
  loginLimits?: Partial<LoginThrottleOptions>;
  actionRateLimit?: { limit: number; windowMs: number };
  /** REST snapshots per user or token per window (default: CALLBOARD_SNAPSHOTS_PER_MINUTE per minute). */
  snapshotRateLimit?: { limit: number; windowMs: number };
  maxBufferedBytes?: number;
  /** How often open sockets' credentials are checked again, ms (default 5 s). */
  recheckMs?: number;
  amiClient?: PbxSessionOptions['client'];
  now?: () => number;
  /** Webhook delivery for the alert routes' tests and delivery log (the dispatcher; a loopback one in tests). */
  deliveryDesk?: DeliveryDesk;
  /** The webhooks to deliver to (the config store); absent: none. */
  webhooks?: WebhookSource;
  /** Where alert rules come from and where their events go; absent: the config store and the webhooks (tests pass their own). */
  alerts?: { rules?: AlertRuleSource; sink?: EventSink };
  /** With REDIS_URL: the lease, stream and staleness timings (tests shorten them). */
  clusterTiming?: ClusterTiming;
}

export interface Callboard {
  httpServer: HttpServer;
  io: CallboardServer;
  pbxs: PbxRegistry;
  /** The default (first) PBX's event session (with several nodes, running only while this node reads its events) and fan-out. */
  session: PbxSession;
  /** The default PBX's board as clients see it: the session itself, or with several nodes this node's mirror. */
  board: PbxBoard;
  fanout: Fanout;
  auth: Auth;
  audit: AuditLog;
  /** Each PBX's alert engine, by PBX id. */
  alerts: ReadonlyMap<string, AlertService>;
  /** The call history, and the calls to call back kept beside it; null when CALLBOARD_HISTORY is off. */
  history: { recorder: HistoryRecorder; store: HistoryStore; callbacks: CallbackStore } | null;
  /** Alert rules and webhooks, in the history's database; null when CALLBOARD_HISTORY is off. */
  alertConfig: AlertConfigStore | null;
  /** Webhook delivery: the event sink for alerts and call events, the admin's desk, and its stats for /api/health. */
  delivery: DeliveryService;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

export async function createCallboard(config: Config, opts: CallboardOptions): Promise<Callboard> {
  const { log, demo } = opts;
  const now = opts.now ?? Date.now;
  const { security } = config;
  const store = new UserStore(config.dataDir, {
    onError: (err) => log.error(`${err.message}. Still using the users as they were before this change.`),
  });
  // With several nodes the first admin waits for the cluster's users: a node joining must not make one of its own.
  const firstAdmin = async () => {
    if (demo) return;
    const first = await ensureFirstAdmin(store);
    if (first) opts.onFirstAdmin?.(first);
  };
  if (!config.cluster) await firstAdmin();
  const sessions = new SessionStore(config.dataDir, { now, onWarning: (message) => log.warn(message) });
  const auth = new Auth(store, sessions, loadOrCreateKey(config.dataDir), demo ? (opts.demoAccounts ?? DEMO_ACCOUNTS) : [], {
    throttle: { ...security.login, ...opts.loginLimits },
  });
  const trustedProxies = parseTrustedProxies(security.trustedProxies);
  const headerOptions = { hstsMaxAge: security.hstsMaxAge, wallboardAncestors: security.wallboardAncestors, dev: config.dev };
  const audit = new AuditLog(config.dataDir, { now });
  const targets = opts.pbxs ?? [singleTarget(config, opts)];
  const pbxSessions = targets.map(
    ({ config: pbx, ami, demo: isDemo }) =>
      new PbxSession({
        ami,
        log: targets.length > 1 ? log.child({ pbx: pbx.id }) : log,
        label: pbx.label,
        demo: isDemo,
        isTrunk: pbx.trunks ? trunkPredicate(pbx.trunks) : undefined,
        now,
        eventFilter: config.amiFilter,
        limits: config.limits,
        driftCheckMs: config.driftCheckMs,
        systemCheckMs: config.systemCheckMs,
        contactCheckMs: config.contactCheckMs,
        client: opts.amiClient,
        ...(config.history.enabled ? { alsoRead: HISTORY_READS } : {}),
      }),
  );
  const history = config.history.enabled ? await openHistory(config, log, now, targets, pbxSessions, audit) : null;
  const alertConfig = history
    ? await AlertConfigStore.open(history.store, {
        now,
        onListenerError: (err) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'alerts: a config listener failed'),
        onBadRow: (table, id, message) => log.error({ table, id, problem: message }, 'alerts: a stored row is not valid and is left out'),
      })
    : null;
  // Today's figures count from the history: without it there is nothing they could survive a restart with.
  const today = history
    ? targets.map(
        (t, i) =>
          new TodayFigures({
            pbx: t.config.id,
            session: pbxSessions[i],
            store: history.store,
            onStored: (listener) => history.recorder.writer.onStored(listener),
            rule: config.day,
            now,
            log: log.child({ module: 'today', pbx: t.config.id }),
            callbacks: history.callbacks,
          }),
      )
    : [];

  // Alert and call events out through webhooks: the dispatcher only enqueues, so no endpoint can slow the board.
  const delivery = openDelivery({
    webhooks: opts.webhooks ?? alertConfig ?? NO_WEBHOOKS,
    history: history?.store ?? null,
    log: log.child({ module: 'webhooks' }),
    now,
  });
  const callEvents = startCallEvents({
    pbxs: targets.map((t, i) => ({ id: t.config.id, session: pbxSessions[i] })),
    sink: delivery,
    onStored: history ? (listener) => history.recorder.writer.onStored(listener) : undefined,
    now,
    log: log.child({ module: 'crm' }),
  });
  // Alerts: the stored rules, evaluated per PBX on the board's own state; what they raise goes out through the webhooks.
  // Without the history's database there are no stored rules, and so no alerts.
  const alertRules = opts.alerts?.rules ?? alertConfig ?? EMPTY_RULE_SOURCE;
  const alertSink = opts.alerts?.sink ?? delivery;
  const alerts = new Map(
    targets.map((t, i) => [
      t.config.id,
      new AlertService({
        pbx: t.config.id,
        session: pbxSessions[i],
        rules: alertRules,
        sink: alertSink,
        now,
        timeZone: config.day.timeZone,
        log: log.child({ module: 'alerts', pbx: t.config.id }),
      }),
    ]),
  );

  const publicFiles = listPublicFiles(path.resolve('public'));
  const snapshotLimiter = new RateLimiter(
    opts.snapshotRateLimit?.limit ?? config.snapshotsPerMinute,
    opts.snapshotRateLimit?.windowMs ?? 60_000,
  );

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const info = resolveRequestInfo(req, trustedProxies);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://callboard.invalid');
    } catch {
      applySecurityHeaders(req, res, '/api/', info.secure, headerOptions);
      sendError(res, 400, 'Bad URL');
      return;
    }
    applySecurityHeaders(req, res, url.pathname, info.secure, headerOptions);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      void handleApi(apiContext, req, res, url.pathname);
      return;
    }
    const gate = gatePage(auth, req, url, publicFiles, now(), {
      secure: info.secure,
      wallboardFramed: security.wallboardAncestors.length > 0,
    });
    if (gate.cookies) res.setHeader('set-cookie', gate.cookies);
    if (!gate.allow) {
      res.writeHead(gate.status, { location: gate.redirect, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (opts.nextHandler) {
      Promise.resolve(opts.nextHandler(req, res)).catch((err: unknown) => {
        log.error({ err }, 'Next handler failed');
        if (!res.headersSent) sendError(res, 500, 'Internal error');
      });
    } else {
      sendError(res, 404, 'Not found');
    }
  };
  const httpServer: HttpServer = security.tls
    ? createHttpsServer({ cert: security.tls.cert, key: security.tls.key }, onRequest)
    : createServer(onRequest);

  const io: CallboardServer = new Server(httpServer, {
    serveClient: false,
    // Next's dev server shares the upgrade event (HMR); leave other upgrades alone.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
  });
  // Several nodes: each PBX's board is the mirror of its stream, and the event session runs where the lease is.
  const cluster = config.cluster
    ? startCluster({
        config: config.cluster,
        log,
        now,
        timing: opts.clusterTiming,
        amiClient: opts.amiClient,
        pbxs: targets.map((t, i) => ({
          id: t.config.id,
          label: t.config.label,
          demo: t.demo,
          ami: t.ami,
          session: pbxSessions[i],
          alerts: alerts.get(t.config.id),
        })),
      })
    : null;
  const boards: PbxBoard[] = cluster ? cluster.pbxs : pbxSessions;
  // Nodes that share PostgreSQL share one audit log too; with SQLite each node's is its own.
  const sharedAudit = cluster && history?.store.dialect === 'postgres' ? new SharedAudit(history.store, audit, cluster.node, log) : null;
  // Cross-node broadcasts (socket.io's Redis streams adapter), and the users, tokens and sessions shared through it.
  const shared =
    cluster && config.cluster
      ? shareAcrossNodes({ io, redisUrl: config.cluster.redisUrl, cluster, auth, alertConfig, history: history?.store ?? null, log, now })
      : null;
  const pbxs = new PbxRegistry(
    targets.map(({ config: pbx, demo: isDemo }, i): PbxRuntime => ({
      id: pbx.id,
      label: pbx.label,
      demo: isDemo,
      originate: pbx.originate,
      pauseReasons: pbx.pauseReasons,
      parkingContext: pbx.parkingContext,
      session: boards[i],
      ...(cluster ? { cluster: cluster.pbxs[i] } : {}),
      fanout: new Fanout(io, boards[i], {
        pbx: pbx.id,
        batchMs: config.batchMs,
        maxBufferedBytes: opts.maxBufferedBytes,
        log,
        now,
        maskRoles: new Set(config.maskNumbers),
      }),
    })),
  );
  const runner = new ActionRunner({
    cli: new CliPolicy(config.cliAllow),
    pbx: (id) => {
      const pbx = pbxs.get(id);
      return pbx && { commands: pbx.session, originate: pbx.originate, parkingContext: pbx.parkingContext };
    },
    audit,
    log: log.child({ module: 'actions' }),
    rateLimit: opts.actionRateLimit,
    ...(cluster && {
      limiter: new SharedRateLimiter(
        cluster.redis,
        (opts.actionRateLimit ?? DEFAULT_ACTION_RATE).limit,
        (opts.actionRateLimit ?? DEFAULT_ACTION_RATE).windowMs,
      ),
    }),
    now,
  });
  const apiContext = {
    auth,
    pbxs,
    runner,
    audit,
    demo,
    allowedOrigins: config.allowedOrigins,
    log,
    now,
    snapshotLimiter,
    history: history?.store ?? null,
    day: config.day,
    waiting: new Map(today.map((t, i) => [targets[i].config.id, t.waiting])),
    preferences: new PreferencesStore(config.dataDir, (message) => log.warn(message)),
    alertConfig,
    deliveryDesk: opts.deliveryDesk ?? delivery,
    webhookStats: () => delivery.stats(),
    alerts,
    auditReader: sharedAudit ?? audit,
    alertActions: new Map<string, AlertActions>(
      targets.map((t, i) => [t.config.id, cluster ? cluster.alertActions[i] : alerts.get(t.config.id)!]),
    ),
  } as const;
  const stopSockets = wireSockets({
    io,
    auth,
    pbxs,
    runner,
    allowedOrigins: config.allowedOrigins,
    log,
    now,
    recheckMs: opts.recheckMs,
    trustedProxies,
    pendingPerAddress: security.pendingSocketsPerAddress,
    handshakeTimeoutMs: security.handshakeTimeoutMs,
  });
  // Serve once this node holds the cluster's users and sessions, or after 3 s without Redis (it catches up then).
  if (shared) {
    await Promise.race([shared.ready, new Promise((r) => setTimeout(r, 3_000).unref())]);
    await firstAdmin();
  }
  history?.recorder.start();
  const todayRead = Promise.all(today.map((t) => t.start()));
  if (cluster) cluster.start();
  else for (const session of pbxSessions) session.start();
  for (const service of alerts.values()) service.start();

  return {
    httpServer,
    io,
    pbxs,
    session: pbxSessions[0],
    board: pbxs.default.session,
    fanout: pbxs.default.fanout,
    auth,
    audit,
    alerts,
    history,
    alertConfig,
    delivery,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    async close() {
      stopSockets();
      shared?.stop();
      for (const service of alerts.values()) service.close();
      for (const pbx of pbxs.list) pbx.fanout.close();
      // The lease is released first, so another node need not wait out its TTL.
      await cluster?.stop();
      for (const session of pbxSessions) session.stop();
      await todayRead;
      await Promise.all(today.map((t) => t.close()));
      // Before the history closes its database: the delivery log flushes into it.
      callEvents.stop();
      await delivery.close();
      await sharedAudit?.close();
      // After the sessions: no event comes in while the ended calls are written.
      await history?.recorder.close();
      await history?.closeCallbacks();
      audit.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      shared?.disconnect();
      httpServer.closeAllConnections();
    },
  };
}

async function openHistory(
  config: Config,
  log: Logger,
  now: () => number,
  targets: readonly PbxTarget[],
  sessions: readonly PbxSession[],
  audit: AuditLog,
): Promise<{ recorder: HistoryRecorder; store: HistoryStore; callbacks: CallbackStore; closeCallbacks: () => Promise<void> }> {
  let store: HistoryStore;
  const database = { dataDir: config.dataDir, databaseUrl: config.history.databaseUrl ?? undefined };
  try {
    store = await HistoryStore.open(database);
  } catch (err) {
    throw new Error(`the call history's database did not open: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  log.info({ database: store.dialect, at: store.where, days: config.history.retentionDays }, 'call history on');
  const recorder = new HistoryRecorder({
    store,
    pbxs: targets.map((t, i) => ({ id: t.config.id, session: sessions[i] })),
    log: log.child({ module: 'history' }),
    now,
    retentionDays: config.history.retentionDays,
    audit,
  });
  const callbacks = await CallbackService.open({
    history: store,
    database,
    writer: recorder.writer,
    log: log.child({ module: 'callbacks' }),
  });
  return { recorder, store, callbacks: callbacks.store, closeCallbacks: () => callbacks.close() };
}

function singleTarget(config: Config, opts: CallboardOptions): PbxTarget {
  const pbx = config.pbxs[0];
  const ami = opts.ami ?? pbx.ami;
  if (!ami) throw new Error('createCallboard: the demo PBX needs `ami` (where it listens) or `pbxs`');
  return { config: pbx, ami, demo: opts.demo };
}

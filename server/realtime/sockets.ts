/**
 * socket.io: who may connect (a session or wallboard cookie, or a token,
 * from our own origin), and what a connected client may do (snapshot,
 * resync, actions). Credentials are checked again for every action and every
 * little while, so a revoked token, a deleted user or an expired session does
 * not live on in an open socket.
 *
 * Before it has authenticated, a connection costs us memory and gives nothing
 * back: one address may hold only a few such connections at once, and each
 * has a short time to authenticate before it is closed.
 */
import type { IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Auth, Identity } from '../auth/auth';
import type { ActionRunner } from '../actions/runner';
import type { Logger } from '../log';
import { originAllowed } from '../http/util';
import { resolveRequestInfo } from '../auth/request-info';
import type { PbxRegistry, PbxRuntime } from '../pbx-registry';
import type { CallboardServer } from './fanout';
import { PROTOCOL_VERSION } from '@/lib/protocol';

export interface SocketContext {
  io: CallboardServer;
  auth: Auth;
  pbxs: PbxRegistry;
  runner: ActionRunner;
  allowedOrigins: readonly string[];
  log: Logger;
  now: () => number;
  /** How often open sockets' credentials are checked again, ms. */
  recheckMs?: number;
  /** Proxies believed about the client's address. */
  trustedProxies?: net.BlockList | null;
  /** Unauthenticated connections one address may hold at once (default 16). */
  pendingPerAddress?: number;
  /** How long a connection may take to authenticate, ms (default 10 s; socket.io's own default is 45 s). */
  handshakeTimeoutMs?: number;
}

const SESSION_ENDED = 'Your session has ended; log in again';

/** Wires auth and events; returns a function that stops the periodic credential check. */
export function wireSockets(ctx: SocketContext): () => void {
  const log = ctx.log.child({ module: 'socket' });
  const credentials = new WeakMap<object, () => Identity | null>();
  const addressOf = (req: IncomingMessage) => resolveRequestInfo(req, ctx.trustedProxies ?? null).address;

  // Engine connections not yet authenticated, per client address.
  const pending = new Map<string, Set<object>>();
  const settle = (address: string, conn: object) => {
    const set = pending.get(address);
    if (set?.delete(conn) && set.size === 0) pending.delete(address);
  };
  const cap = ctx.pendingPerAddress ?? 16;
  ctx.io.engine.opts.allowRequest = (req, callback) => {
    const held = pending.get(addressOf(req))?.size ?? 0;
    if (held >= cap) {
      log.warn({ address: addressOf(req), held }, 'socket refused: too many unauthenticated connections from this address');
      return callback('too many unauthenticated connections', false);
    }
    callback(null, true);
  };
  const timeoutMs = ctx.handshakeTimeoutMs ?? 10_000;
  ctx.io.engine.on(
    'connection',
    (conn: { request: IncomingMessage; once(event: 'close', fn: () => void): void; close(discard?: boolean): void }) => {
      const address = addressOf(conn.request);
      let set = pending.get(address);
      if (!set) pending.set(address, (set = new Set()));
      set.add(conn);
      // socket.io's own connectTimeout closes politely, which for a polling client that never polls again takes 30 s more.
      const timer = setTimeout(() => {
        if (pending.get(address)?.has(conn)) conn.close(true);
      }, timeoutMs);
      timer.unref();
      conn.once('close', () => {
        clearTimeout(timer);
        settle(address, conn);
      });
    },
  );
  ctx.io.engine.on('initial_headers', (headers: Record<string, string>) => {
    headers['x-content-type-options'] = 'nosniff';
  });
  // socket.io's own timer only as a backstop: its polite close would block our discarding one.
  ctx.io.connectTimeout(timeoutMs * 2);

  ctx.io.use((socket, next) => {
    const { headers, auth } = socket.handshake;
    const address = addressOf(socket.request);
    if (!originAllowed(headers.origin, headers.host, ctx.allowedOrigins)) {
      log.warn({ origin: String(headers.origin).slice(0, 200), address }, 'socket refused: foreign origin');
      return next(new Error('forbidden origin'));
    }
    // A client that names its protocol must speak ours; the page then reloads into the new bundle.
    if (auth?.protocol !== undefined && auth.protocol !== PROTOCOL_VERSION) return next(new Error('protocol-mismatch'));
    const follows = followed(ctx.pbxs, auth?.pbx);
    if (!follows) return next(new Error('unknown-pbx'));
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    const cookie = headers.cookie;
    const identify = token ? () => ctx.auth.fromToken(token) : () => ctx.auth.fromCookies(cookie, ctx.now());
    const identity = identify();
    if (!identity) return next(new Error('unauthorized'));
    credentials.set(socket, identify);
    settle(address, socket.conn);
    socket.data = { user: identity.user, role: identity.role, address, pbxs: follows.map((p) => p.id), grants: identity.grants };
    next();
  });

  ctx.io.on('connection', (socket) => {
    const follows = socket.data.pbxs.map((id) => ctx.pbxs.get(id)!);
    // The list first: the client knows every board it will get, and their order, before the first snapshot.
    socket.emit('pbxs', ctx.pbxs.info(follows));
    for (const pbx of follows) pbx.fanout.attach(socket);
    socket.on('resync', (pbx) => ctx.pbxs.get(pbx)?.fanout.resyncRequested(socket));
    socket.on('action', (request, ack) => {
      // Without an ack nobody would hear the result: refuse (and audit) rather than act blind.
      if (typeof ack !== 'function') {
        ctx.runner.refuse(socket.data, request, 'invalid', 'An action needs an acknowledgement callback');
        return;
      }
      const identity = credentials.get(socket)?.() ?? null;
      if (!identity) {
        ack(ctx.runner.refuse(socket.data, request, 'unauthenticated', SESSION_ENDED));
        socket.disconnect(true);
        return;
      }
      socket.data.role = identity.role;
      // Actions and the own phone take effect at once; a new queue scope reconnects the socket (the recheck below).
      socket.data.grants = identity.grants;
      ctx.runner.run(socket.data, request).then(ack, (err: unknown) => {
        log.error({ err }, 'action crashed');
        ack({ ok: false, code: 'ami', message: 'The action failed on the server' });
      });
    });
  });

  const recheck = () => {
    for (const socket of ctx.io.of('/').sockets.values()) {
      let identity: Identity | null | undefined;
      try {
        identity = credentials.get(socket)?.();
      } catch (err) {
        // One socket's check failing must not stop the others' (nor kill the process).
        log.error({ err, user: socket.data.user }, 'credential check failed; the socket stays open until the next check');
        continue;
      }
      // A new role or queue scope may mean a narrower view: the client reconnects into it, with a fresh snapshot.
      // Asked of a fan-out the socket is attached to: every one attaches it alike, and only they know where.
      const fanout = ctx.pbxs.get(socket.data.pbxs[0])?.fanout ?? ctx.pbxs.default.fanout;
      if (identity && fanout.follows(socket, identity.role, identity.grants.queues)) {
        socket.data.grants = identity.grants;
        continue;
      }
      log.info(
        { user: socket.data.user },
        identity ? 'socket closed: its role or queues changed' : 'socket closed: credentials no longer valid',
      );
      socket.disconnect(true);
    }
  };
  const timer = setInterval(recheck, ctx.recheckMs ?? 5_000);
  timer.unref();
  // An admin's change in this process reaches open sockets at once; the CLI's, at the next recheck.
  const unsubscribe = ctx.auth.store.onChange(recheck);
  // A session ended here or on another node (a logout, a user's sessions revoked) closes its sockets at once too.
  const unsubscribeSessions = ctx.auth.sessions.onChange((change) => {
    if ('del' in change) recheck();
  });
  return () => {
    clearInterval(timer);
    unsubscribe();
    unsubscribeSessions();
  };
}

/** The PBXs a handshake asks for: `auth.pbx` names one, or is absent (or `all`) for every one. */
function followed(pbxs: PbxRegistry, asked: unknown): PbxRuntime[] | null {
  if (asked === undefined || asked === 'all') return [...pbxs.list];
  const one = pbxs.get(asked);
  return one ? [one] : null;
}

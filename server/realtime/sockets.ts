/**
 * socket.io: who may connect (a session cookie or a token, from our own
 * origin), and what a connected client may do (snapshot, resync, actions).
 * Credentials are checked again for every action and every little while, so
 * a revoked token, a deleted user or an expired session does not live on in
 * an open socket.
 */
import type { Auth, Identity } from '../auth/auth';
import type { ActionRunner } from '../actions/runner';
import type { Logger } from '../log';
import { originAllowed } from '../http/util';
import type { CallboardServer, Fanout } from './fanout';

export interface SocketContext {
  io: CallboardServer;
  auth: Auth;
  fanout: Fanout;
  runner: ActionRunner;
  allowedOrigins: readonly string[];
  log: Logger;
  now: () => number;
  /** How often open sockets' credentials are checked again, ms. */
  recheckMs?: number;
}

const SESSION_ENDED = 'Your session has ended; log in again';

/** Wires auth and events; returns a function that stops the periodic credential check. */
export function wireSockets(ctx: SocketContext): () => void {
  const log = ctx.log.child({ module: 'socket' });
  const credentials = new WeakMap<object, () => Identity | null>();
  ctx.io.use((socket, next) => {
    const { headers, auth } = socket.handshake;
    if (!originAllowed(headers.origin, headers.host, ctx.allowedOrigins)) {
      log.warn({ origin: String(headers.origin).slice(0, 200), address: socket.handshake.address }, 'socket refused: foreign origin');
      return next(new Error('forbidden origin'));
    }
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    const cookie = headers.cookie;
    const identify = token ? () => ctx.auth.fromToken(token) : () => ctx.auth.fromCookieHeader(cookie, ctx.now());
    const identity = identify();
    if (!identity) return next(new Error('unauthorized'));
    credentials.set(socket, identify);
    socket.data = { user: identity.user, role: identity.role, address: socket.handshake.address };
    next();
  });

  ctx.io.on('connection', (socket) => {
    ctx.fanout.attach(socket);
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
      ctx.runner.run(socket.data, request).then(ack, (err: unknown) => {
        log.error({ err }, 'action crashed');
        ack({ ok: false, code: 'ami', message: 'The action failed on the server' });
      });
    });
  });

  const timer = setInterval(() => {
    for (const socket of ctx.io.of('/').sockets.values()) {
      const identity = credentials.get(socket)?.();
      // A new role may mean a narrower view (masked numbers): the client reconnects into it.
      if (identity && ctx.fanout.follows(socket, identity.role)) continue;
      log.info({ user: socket.data.user }, identity ? 'socket closed: its role changed' : 'socket closed: credentials no longer valid');
      socket.disconnect(true);
    }
  }, ctx.recheckMs ?? 5_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * socket.io: who may connect (a session cookie or a token, from our own
 * origin), and what a connected client may do (snapshot, resync, actions).
 */
import type { Auth } from '../auth/auth';
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
}

export function wireSockets(ctx: SocketContext): void {
  const log = ctx.log.child({ module: 'socket' });
  ctx.io.use((socket, next) => {
    const { headers, auth } = socket.handshake;
    if (!originAllowed(headers.origin, headers.host, ctx.allowedOrigins)) {
      log.warn({ origin: String(headers.origin).slice(0, 200), address: socket.handshake.address }, 'socket refused: foreign origin');
      return next(new Error('forbidden origin'));
    }
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    const identity = (token ? ctx.auth.fromToken(token) : null) ?? ctx.auth.fromCookieHeader(headers.cookie, ctx.now());
    if (!identity) return next(new Error('unauthorized'));
    socket.data = { user: identity.user, role: identity.role, address: socket.handshake.address };
    next();
  });

  ctx.io.on('connection', (socket) => {
    ctx.fanout.attach(socket);
    socket.on('action', (request, ack) => {
      if (typeof ack !== 'function') return;
      ctx.runner.run(socket.data, request).then(ack, (err: unknown) => {
        log.error({ err }, 'action crashed');
        ack({ ok: false, code: 'ami', message: 'The action failed on the server' });
      });
    });
  });
}

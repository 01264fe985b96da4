import net from 'node:net';
import tls from 'node:tls';
import { AmiParser } from '../../lib/ami/parser';
import type { AmiPacket } from '../../lib/ami/packet';
import { md5Key } from '../../lib/ami/login';

export const GREETING = 'Asterisk Call Manager/11.0.0\r\n';

export interface FakeConnection {
  readonly socket: net.Socket;
  /** Every action this connection received, in order. */
  readonly actions: AmiPacket[];
  write(text: string): void;
}

export type ActionHandler = (action: AmiPacket, conn: FakeConnection) => string | string[] | void;

export interface FakeAmiOptions {
  username?: string;
  secret?: string;
  /** Refuse every login with Asterisk's own text. */
  refuseLogin?: boolean;
  /** Don't send the greeting (a peer that is silent from the start). */
  silent?: boolean;
  /** Serve TLS with this key and certificate. */
  tls?: tls.TlsOptions;
  /** Answer Ping as Asterisk does (default true). */
  answerPing?: boolean;
  /** Answers every action after login; return nothing to stay silent. */
  onAction?: ActionHandler;
}

export interface FakeAmi {
  readonly port: number;
  readonly connections: FakeConnection[];
  /** Resolves with the n-th connection (0-based) once it is accepted. */
  connection(n: number): Promise<FakeConnection>;
  /** Resolves once `conn` received an action named `name` (already received ones count). */
  action(conn: FakeConnection, name: string, nth?: number): Promise<AmiPacket>;
  close(): Promise<void>;
}

/** A real TCP AMI peer on 127.0.0.1:0 that logs in like Asterisk 22 and delegates the rest. */
export async function startFakeAmi(options: FakeAmiOptions = {}): Promise<FakeAmi> {
  const username = options.username ?? 'dashboard';
  const secret = options.secret ?? 's3cret';
  const connections: FakeConnection[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const until = <T>(probe: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });

  const onConnection = (socket: net.Socket) => {
    let challenge = '';
    const conn: FakeConnection = {
      socket,
      actions: [],
      write: (text) => {
        if (!socket.destroyed) socket.write(text);
      },
    };
    connections.push(conn);
    const parser = new AmiParser({
      onPacket: (action) => {
        conn.actions.push(action);
        const f = action.fields;
        const id = f.ActionID ?? '';
        if (f.Action === 'Challenge') {
          challenge = String(100000000 + connections.length);
          conn.write(`Response: Success\r\nActionID: ${id}\r\nChallenge: ${challenge}\r\n\r\n`);
        } else if (f.Action === 'Login') {
          const ok =
            !options.refuseLogin &&
            f.Username === username &&
            (f.AuthType === 'MD5' ? f.Key === md5Key(challenge, secret) : f.Secret === secret);
          conn.write(
            ok
              ? `Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n` +
                  'Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 160\r\nLastReload: 140\r\nStatus: Fully Booted\r\n\r\n'
              : `Response: Error\r\nActionID: ${id}\r\nMessage: Authentication failed\r\n\r\n`,
          );
        } else if (f.Action === 'Ping' && options.answerPing !== false) {
          conn.write(`Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\nTimestamp: 1795664596.753893\r\n\r\n`);
        } else {
          const out = options.onAction?.(action, conn);
          if (out !== undefined) conn.write(Array.isArray(out) ? out.join('') : out);
        }
        wake();
      },
    });
    socket.on('data', (chunk) => parser.push(chunk));
    socket.on('error', () => {});
    if (!options.silent) socket.write(GREETING);
    wake();
  };
  const server = options.tls ? tls.createServer(options.tls, onConnection) : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    connections,
    connection: (n) => until(() => connections[n]),
    action: (conn, name, nth = 0) => until(() => conn.actions.filter((a) => a.fields.Action === name)[nth]),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Recorded answer blocks with the recorded ActionID replaced by the one the client sent. */
export function withActionId(blocks: readonly string[], recorded: string, actual: string): string {
  return blocks.map((b) => b.split(`ActionID: ${recorded}\r\n`).join(`ActionID: ${actual}\r\n`)).join('');
}

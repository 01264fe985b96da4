/**
 * A real Callboard (no Next) on 127.0.0.1:0 against a real demo PBX, and
 * socket.io clients that mirror the state exactly as the browser does.
 */
import type { PbxState } from '@/lib/protocol';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCallboard, type Callboard, type CallboardOptions } from '@/server/app';
import { loadConfig } from '@/server/config';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import { io as connectSocket } from 'socket.io-client';
import { waitFor, withTimeout } from '../support/wait-for';
import { MirrorClient } from './mirror';

export { MirrorClient, waitFor, wireCopy } from './mirror';

export type DemoPbx = Awaited<ReturnType<typeof startDemoPbx>>;
export type DemoPbxOptions = NonNullable<Parameters<typeof startDemoPbx>[0]>;

export interface Stack {
  pbx: DemoPbx;
  app: Callboard;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startStack(
  opts: { pbx?: Partial<DemoPbxOptions>; app?: Partial<CallboardOptions>; env?: Record<string, string>; demo?: boolean } = {},
): Promise<Stack> {
  // Ten times faster phones and busy traffic: many ops in little time.
  const pbx = await startDemoPbx({ port: 0, seed: 7, speed: 10, traffic: { callsPerMinute: 300, maxConcurrentCalls: 24 }, ...opts.pbx });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-server-'));
  const config = loadConfig({ CALLBOARD_DATA: dataDir, CALLBOARD_BATCH_MS: '20', ORIGINATE_CONTEXT: 'internal', ...opts.env });
  const account = pbx.users[0];
  const app = await createCallboard(config, {
    log: createLogger(process.env.TEST_LOG ?? 'silent'),
    ami: { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false },
    demo: opts.demo ?? true,
    amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
    ...opts.app,
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  await waitFor(() => app.session.state.pbx.link === 'connected' && app.session.state.pbx.lastResync > 0, 'first resync');
  return {
    pbx,
    app,
    url,
    dataDir,
    async close() {
      await app.close();
      await pbx.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface MultiStack {
  pbxs: DemoPbx[];
  app: Callboard;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A Callboard serving several demo PBXs at once, one per seed, with ids `a`, `b`, … */
export async function startMultiStack(seeds: number[], opts: { app?: Partial<CallboardOptions> } = {}): Promise<MultiStack> {
  const pbxs = await Promise.all(
    seeds.map((seed) => startDemoPbx({ port: 0, seed, speed: 10, traffic: { callsPerMinute: 300, maxConcurrentCalls: 24 } })),
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-multi-'));
  const config = loadConfig({ CALLBOARD_DATA: dataDir, CALLBOARD_BATCH_MS: '20', ORIGINATE_CONTEXT: 'internal' });
  const app = await createCallboard(config, {
    log: createLogger(process.env.TEST_LOG ?? 'silent'),
    demo: true,
    pbxs: pbxs.map((pbx, i) => {
      const id = String.fromCharCode(97 + i);
      const account = pbx.users[0];
      return {
        config: { ...config.pbxs[0], id, label: `PBX ${id.toUpperCase()}`, seed: seeds[i] },
        ami: { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false },
        demo: true,
      };
    }),
    amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
    ...opts.app,
  });
  const address = await app.listen(0, '127.0.0.1');
  await waitFor(() => app.pbxs.list.every((p) => p.session.state.pbx.lastResync > 0), 'first resync of every PBX');
  return {
    pbxs,
    app,
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    async close() {
      await app.close();
      await Promise.all(pbxs.map((p) => p.close()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Mirror clients opened by one test file, closed together in its afterAll.
 * `url` is read when a client opens, since the stack starts in beforeAll.
 */
export function clientPool(url: () => string): {
  open(auth: ConstructorParameters<typeof MirrorClient>[1]): MirrorClient;
  closeAll(): void;
} {
  const clients: MirrorClient[] = [];
  return {
    open(auth) {
      const c = new MirrorClient(url(), auth);
      clients.push(c);
      return c;
    },
    closeAll() {
      for (const c of clients.splice(0)) c.close();
    },
  };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/**
 * Flushes the server's pending ops, notes its state at that seq, and returns
 * what the client held at the same seq; retried if the client skipped it.
 */
export async function stateAtSameSeq(
  app: { fanout: Callboard['fanout']; session: { readonly state: PbxState } },
  client: MirrorClient,
): Promise<{ server: unknown; client: unknown; seq: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    app.fanout.flush();
    const seq = app.fanout.currentSeq;
    const server = JSON.parse(JSON.stringify(app.session.state));
    const held = await withTimeout(client.stateAt(seq), 5_000, `the client to reach seq ${seq}`);
    if (held) return { server, client: held, seq };
  }
  throw new Error('client kept skipping the compared seq');
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/**
 * How the server answers a socket handshake: 'connected', or the refusal's
 * message (e.g. 'unauthorized', 'forbidden origin'). The socket is closed either way.
 */
export function socketAnswer(
  url: string,
  opts: { cookie?: string; origin?: string; token?: string; ca?: string; pbx?: string } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    const s = connectSocket(url, {
      transports: ['websocket'],
      extraHeaders: headers,
      auth: { ...(opts.token ? { token: opts.token } : {}), ...(opts.pbx ? { pbx: opts.pbx } : {}) },
      ...(opts.ca ? { ca: opts.ca } : {}),
      reconnection: false,
      forceNew: true,
    });
    s.on('connect', () => {
      s.disconnect();
      resolve('connected');
    });
    s.on('connect_error', (e) => {
      s.disconnect();
      resolve(e.message);
    });
  });
}

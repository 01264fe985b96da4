/**
 * Logout is final: a logged-out cookie with its last character changed gets
 * nothing (REST or socket), and a restart of the server on the same data
 * directory does not bring logged-out sessions back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallboard, type Callboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import { login, waitFor, type DemoPbx, socketAnswer } from './harness';

let pbx: DemoPbx;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-auth-sessions-'));

async function start(): Promise<{ app: Callboard; url: string }> {
  const account = pbx.users[0];
  const app = await createCallboard(loadConfig({ CALLBOARD_DATA: dataDir, ORIGINATE_CONTEXT: 'internal' }), {
    log: createLogger('silent'),
    ami: { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false },
    demo: true,
    amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
  });
  const { port } = await app.listen(0, '127.0.0.1');
  await waitFor(() => app.session.state.pbx.lastResync > 0, 'first resync');
  return { app, url: `http://127.0.0.1:${port}` };
}

/** The cookie with its last character replaced by each other base64url character. */
function lastCharVariants(cookie: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return [...alphabet].filter((c) => c !== cookie.at(-1)).map((c) => cookie.slice(0, -1) + c);
}

beforeAll(async () => {
  pbx = await startDemoPbx({ port: 0, seed: 3 });
});
afterAll(async () => {
  await pbx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('logout is final', () => {
  it('refuses a logged-out cookie with its last character changed, over REST and the socket, and across a restart', async () => {
    let server = await start();
    const ended = await login(server.url, 'supervisor', 'supervisor');
    const kept = await login(server.url, 'viewer', 'viewer');
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie: ended } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { cookie: ended } })).status).toBe(204);

    const variants = [ended, ...lastCharVariants(ended)];
    const statuses = await Promise.all(
      variants.map(async (cookie) => (await fetch(`${server.url}/api/snapshot`, { headers: { cookie } })).status),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    const originate = await fetch(`${server.url}/api/originate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: variants[1] },
      body: JSON.stringify({ from: '101', to: '102' }),
    });
    expect(originate.status).toBe(401);
    for (const cookie of variants.slice(0, 8)) expect(await socketAnswer(server.url, { cookie: cookie })).toBe('unauthorized');

    // Same data directory, new process state: the logout holds, the live session lives on.
    await server.app.close();
    server = await start();
    try {
      for (const cookie of variants) expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
      expect(await socketAnswer(server.url, { cookie: ended })).toBe('unauthorized');
      expect((await fetch(`${server.url}/api/me`, { headers: { cookie: kept } })).status).toBe(200);
      expect(await socketAnswer(server.url, { cookie: kept })).toBe('connected');
    } finally {
      await server.app.close();
    }
  });
});

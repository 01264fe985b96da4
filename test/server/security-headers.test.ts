/**
 * Security headers on every response the server sends, API and pages, and
 * the CSP nonce handed to Next (here a stand-in page handler that shows what
 * Next would see). The page side in a real browser is e2e/security.spec.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startStack, type Stack } from './harness';

/** Answers like a page, echoing the request headers Next reads the nonce from. */
function fakeNext(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ nonce: req.headers['x-nonce'], csp: req.headers['content-security-policy'] });
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(body);
}

let plain: Stack;
let framing: Stack;
beforeAll(async () => {
  [plain, framing] = await Promise.all([
    startStack({ app: { nextHandler: fakeNext }, env: { NODE_ENV: 'production' } }),
    startStack({
      app: { nextHandler: fakeNext },
      env: { CALLBOARD_WALLBOARD_ANCESTORS: 'https://intranet.example.com, https://*.example.org' },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), framing?.close()]);
});

const noFollow = { redirect: 'manual' } as const;

function expectCommon(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  // Plain HTTP: HSTS would be meaningless (and is ignored by browsers).
  expect(res.headers.get('strict-transport-security')).toBeNull();
}

describe('security headers', () => {
  it('are on every API answer: success, error, unknown route, refused login, logout', async () => {
    const cookie = await login(plain.url, 'viewer', 'viewer');
    const answers = await Promise.all([
      fetch(`${plain.url}/api/health`),
      fetch(`${plain.url}/api/snapshot`, { headers: { cookie } }),
      fetch(`${plain.url}/api/snapshot`),
      fetch(`${plain.url}/api/nothing`),
      fetch(`${plain.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":"viewer","password":"no"}',
      }),
      fetch(`${plain.url}/api/logout`, { method: 'POST', headers: { cookie } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 401, 204]);
    for (const res of answers) {
      expectCommon(res);
      expect(res.headers.get('content-security-policy')).toBe(`default-src 'none'; frame-ancestors 'none'`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      await res.arrayBuffer();
    }
  });

  it("are on socket.io's own answers", async () => {
    const res = await fetch(`${plain.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await res.arrayBuffer();
  });

  it('give pages a fresh nonce per request, in the CSP and where Next looks for it, and forbid framing', async () => {
    const cookie = await login(plain.url, 'viewer', 'viewer');
    const seen = new Set<string>();
    for (const path of ['/login', '/', '/wallboard']) {
      const res = await fetch(`${plain.url}${path}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expectCommon(res);
      const csp = res.headers.get('content-security-policy')!;
      const { nonce, csp: toNext } = (await res.json()) as { nonce: string; csp: string };
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(toNext).toBe(csp);
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
      expect(csp).toContain(`frame-ancestors 'none'`);
      expect(csp).toContain(`object-src 'none'`);
      expect(csp).toContain(`base-uri 'self'`);
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      seen.add(nonce);
    }
    expect(seen.size).toBe(3);
    // A redirect carries them too.
    const redirect = await fetch(`${plain.url}/`, noFollow);
    expect(redirect.status).toBe(302);
    expectCommon(redirect);
    expect(redirect.headers.get('x-frame-options')).toBe('DENY');
  });

  it('let only /wallboard be framed, by the ancestors an admin lists', async () => {
    const { token } = framing.app.auth.store.createToken('lobby', 'wallboard');
    const exchanged = await fetch(`${framing.url}/wallboard?token=${token}`, noFollow);
    const wall = exchanged.headers.get('set-cookie')!.split(';')[0];
    const board = await fetch(`${framing.url}/wallboard`, { headers: { cookie: wall } });
    expect(board.status).toBe(200);
    expect(board.headers.get('content-security-policy')).toMatch(
      /frame-ancestors https:\/\/intranet\.example\.com https:\/\/\*\.example\.org(;|$)/,
    );
    expect(board.headers.get('x-frame-options')).toBeNull();
    const login = await fetch(`${framing.url}/login`);
    expect(login.headers.get('content-security-policy')).toContain(`frame-ancestors 'none'`);
    expect(login.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuse a wallboard ancestor that is not a source', async () => {
    const { loadConfig } = await import('@/server/config');
    expect(() => loadConfig({ CALLBOARD_WALLBOARD_ANCESTORS: "https://ok.example.com; script-src 'unsafe-inline'" })).toThrow(
      /CALLBOARD_WALLBOARD_ANCESTORS/,
    );
  });
});

/**
 * `/wallboard?token=…` trades the token for an HttpOnly cookie and redirects
 * to the URL without it; a wallboard that cannot get in is sent to the page
 * that says why, never to the login page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorClient, startStack, type Stack, socketAnswer } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ app: { recheckMs: 50 } });
});
afterAll(async () => {
  await stack?.close();
});

const noFollow = { redirect: 'manual' } as const;

describe('the wallboard token exchange', () => {
  it('sets an HttpOnly cookie and redirects to a clean URL; the cookie opens the page, the API and the socket', async () => {
    const { token } = stack.app.auth.store.createToken('lobby', 'wallboard');
    const res = await fetch(`${stack.url}/wallboard?queue=sales&token=${encodeURIComponent(token)}`, noFollow);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/wallboard?queue=sales');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cb_wallboard=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=34560000$/);
    expect(setCookie).not.toContain(token);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = setCookie.split(';')[0];

    expect((await fetch(`${stack.url}/wallboard?queue=sales`, { ...noFollow, headers: { cookie } })).status).toBe(404); // Next's turn (absent here)
    const snap = await fetch(`${stack.url}/api/snapshot`, { headers: { cookie } });
    expect(snap.status).toBe(200);
    await snap.arrayBuffer();
    expect(await json(`${stack.url}/api/me`, cookie)).toEqual({
      user: 'token:lobby',
      role: 'wallboard',
      demo: true,
      actions: [],
      queues: null,
      extension: '',
    });
    expect(await socketAnswer(stack.url, { cookie: cookie })).toBe('connected');
    // Not a person's session: the dashboard stays closed.
    expect((await fetch(`${stack.url}/`, { ...noFollow, headers: { cookie } })).headers.get('location')).toBe('/login');
  });

  it('turns away a revoked token: the open socket closes, the page says "revoked" and the cookie is cleared', async () => {
    const { id, token } = stack.app.auth.store.createToken('hall', 'wallboard');
    const cookie = (await fetch(`${stack.url}/wallboard?token=${token}`, noFollow)).headers.get('set-cookie')!.split(';')[0];
    const wall = new MirrorClient(stack.url, { cookie });
    await wall.connected();
    const closed = new Promise<string>((resolve) => wall.socket.on('disconnect', (reason) => resolve(reason)));
    stack.app.auth.store.revokeToken(id);
    expect(await closed).toBe('io server disconnect');
    expect(await socketAnswer(stack.url, { cookie: cookie })).toBe('unauthorized');

    const page = await fetch(`${stack.url}/wallboard`, { ...noFollow, headers: { cookie } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/wallboard/unavailable?reason=revoked');
    expect(page.headers.get('set-cookie')).toMatch(/^cb_wallboard=; .*Max-Age=0/);
    // The same token in the URL again: not valid.
    const again = await fetch(`${stack.url}/wallboard?token=${token}`, noFollow);
    expect(again.headers.get('location')).toBe('/wallboard/unavailable?reason=invalid');
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('says why for a missing token, a wrong one, and a cookie the server no longer knows', async () => {
    const reason = async (path: string, cookie?: string) =>
      (await fetch(`${stack.url}${path}`, { ...noFollow, headers: cookie ? { cookie } : {} })).headers.get('location');
    expect(await reason('/wallboard')).toBe('/wallboard/unavailable?reason=missing');
    expect(await reason('/wallboard?token=')).toBe('/wallboard/unavailable?reason=invalid');
    expect(await reason('/wallboard?token=cbt_0123456789.forged')).toBe('/wallboard/unavailable?reason=invalid');
    expect(await reason('/wallboard', `cb_wallboard=${'A'.repeat(43)}`)).toBe('/wallboard/unavailable?reason=ended');
    // The refusal page itself is open to all (Next renders it; absent here: 404, not a redirect).
    expect((await fetch(`${stack.url}/wallboard/unavailable?reason=revoked`, noFollow)).status).toBe(404);
  });
});

async function json(url: string, cookie: string): Promise<unknown> {
  return (await fetch(url, { headers: { cookie } })).json();
}

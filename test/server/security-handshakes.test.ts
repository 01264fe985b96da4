/**
 * Before it authenticates, a socket costs memory and gives nothing: one
 * address holds only a few such connections, each for a short time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, MirrorClient, startStack, waitFor, type Stack } from './harness';
import { measureHandshakes } from './security-handshakes';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { CALLBOARD_PENDING_SOCKETS_PER_ADDRESS: '5', CALLBOARD_HANDSHAKE_TIMEOUT_MS: '600' } });
});
afterAll(async () => {
  await stack?.close();
});

describe('unauthenticated connections', () => {
  it('are capped per address and closed when they do not authenticate in time', async () => {
    const m = await measureHandshakes(stack, 40, 10_000);
    expect(m).toMatchObject({ tried: 40, accepted: 5, refused: 35, heldAfterBurst: 5 });
    expect(m.heldForMs).not.toBeNull();
    expect(m.heldForMs!).toBeLessThan(2_000);
    // Once they are gone the address may try again.
    expect((await measureHandshakes(stack, 3, 10_000)).accepted).toBe(3);
  });

  it('do not count once authenticated: many logged-in sockets from one address are fine', async () => {
    const cookie = await login(stack.url, 'viewer', 'viewer');
    const clients: MirrorClient[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        clients.push(new MirrorClient(stack.url, { cookie }));
        await clients[i].connected();
      }
      // A connection that never authenticates, opened after them, is closed once the handshake timeout passed …
      const probe = await measureHandshakes(stack, 1, 10_000);
      expect(probe).toMatchObject({ accepted: 1, heldAfterBurst: 1 });
      expect(probe.heldForMs).not.toBeNull();
      // … and by then no authenticated one was.
      expect(clients.every((c) => c.socket.connected)).toBe(true);
      expect(stack.app.io.engine.clientsCount).toBe(12);
    } finally {
      for (const c of clients) c.close();
    }
    await waitFor(() => stack.app.io.engine.clientsCount === 0, 'all closed');
  });

  it('that fail to authenticate are closed after the timeout too', async () => {
    const refused = Array.from({ length: 5 }, () => new MirrorClient(stack.url, { cookie: 'cb_session=forged' }));
    await Promise.all(refused.map((c) => c.connected().catch(() => undefined)));
    await waitFor(() => stack.app.io.engine.clientsCount === 0, 'the refused connections closed', 3_000);
    for (const c of refused) c.close();
  });
});

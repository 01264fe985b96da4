/**
 * GET /api/snapshot under load: rate-limited per user or token (429 with
 * Retry-After), and serialised once per seq and view however many ask.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { json, startStack, waitFor, type Stack } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ app: { snapshotRateLimit: { limit: 3, windowMs: 60_000 } } });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const snapshot = (token: string) => fetch(`${stack.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } });

describe('GET /api/snapshot', () => {
  it('refuses a token past its limit with 429 and Retry-After, and leaves other tokens alone', async () => {
    const { token } = stack.app.auth.store.createToken('loop', 'viewer');
    for (let i = 0; i < 3; i++) expect((await snapshot(token)).status).toBe(200);
    const refused = await snapshot(token);
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(await json(refused)).toEqual({
      error: expect.stringMatching(/^Too many snapshot requests\. Try again in \d+ s/),
      code: 'rate-limited',
    });
    const other = stack.app.auth.store.createToken('other', 'viewer');
    expect((await snapshot(other.token)).status).toBe(200);
  });

  it('serialises one snapshot per seq and view for every request at that seq', async () => {
    await waitFor(() => Object.keys(stack.app.session.state.channels).length > 0, 'some channels');
    const tokens = Array.from({ length: 12 }, (_, i) => stack.app.auth.store.createToken(`reader${i}`, 'viewer').token);
    const stringify = vi.spyOn(JSON, 'stringify');
    const bodies = await Promise.all(tokens.map(async (t) => (await snapshot(t)).text()));
    const serialised = stringify.mock.calls.filter(([value]) => {
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      return keys.length === 2 && keys[0] === 'seq' && keys[1] === 'state';
    }).length;
    stringify.mockRestore();
    const parsed = bodies.map((b) => JSON.parse(b) as { seq: number; state: unknown; serverTime: number });
    const seqs = new Set(parsed.map((p) => p.seq));
    // Traffic goes on, so the twelve may span a few batches: one serialisation per seq, not per
    // request (a seq served before the spy started may need none).
    expect(serialised).toBeLessThanOrEqual(seqs.size);
    expect(serialised).toBeLessThan(tokens.length / 2);
    // Same seq, same state; serverTime is each answer's own.
    const [first] = parsed;
    for (const p of parsed) {
      if (p.seq === first.seq) expect(p.state).toEqual(first.state);
      expect(p.serverTime).toBeGreaterThan(0);
    }
  });
});

/**
 * Nobody can lock an account out: failures slow down the (user, address)
 * that makes them, with doubling delays, and a correct password from an
 * address that has not failed always gets in. Injected time throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const retryAfter = (result: { ok: boolean; error?: string }) => Number(/in (\d+) s/.exec(result.error ?? '')?.[1] ?? 0);

describe('the login throttle', () => {
  it('never keeps the real admin out, however long an attacker elsewhere keeps guessing', async () => {
    const auth = stack.app.auth;
    let t = Date.now();
    const waits: number[] = [];
    for (let guess = 0; guess < 40; guess++) {
      let result = await auth.login('admin', `guess-${guess}`, '203.0.113.66', t);
      if (!result.ok && result.status === 429) {
        waits.push(retryAfter(result));
        t += retryAfter(result) * 1000;
        result = await auth.login('admin', `guess-${guess}`, '203.0.113.66', t);
      }
      expect(result).toMatchObject({ ok: false, status: 401 });
      // Now and then the admin logs in from the office: always at once.
      if (guess === 5 || guess === 20 || guess === 39)
        expect(await auth.login('admin', 'admin', `198.51.100.${guess}`, t)).toMatchObject({ ok: true });
    }
    // The attacker's delays double (1, 2, 4, 8 … s) up to the cap, and stay there: a slowdown, never a lockout of anyone else.
    expect(waits.slice(0, 6)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(waits.slice(-10)).toEqual(Array(10).fill(900));
  });
});

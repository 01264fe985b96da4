/**
 * The one way tests wait. A sleep is either too short on a loaded machine
 * (the test flakes) or too long on an idle one (the suite crawls), so tests
 * wait on the condition they mean, re-checked every few milliseconds, and
 * fail saying what never happened.
 */

export interface WaitOptions {
  /** Give up after this long, ms (default 10 s). */
  timeoutMs?: number;
  /** Re-check this often, ms (default 10). */
  intervalMs?: number;
}

/**
 * Resolves with the first value of `check` that is not `undefined`, `null` or
 * `false` (so a boolean check and a "find it" check both work); rejects after
 * the timeout, naming `what`.
 */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, options: number | WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 10 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `p`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lets `ms` pass on purpose. Only for a test that asserts that something does
 * NOT happen within a window, where no condition can say "it is over"; the
 * caller says in a comment why the window is as long as it is.
 */
export function observeFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `waitFor` for a check that must ask something over the network: each attempt is awaited before the next. */
export async function waitForAsync<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  options: number | WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 20 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

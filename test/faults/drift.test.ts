/**
 * The drift check on the demo PBX under busy traffic: every check, taken
 * while calls start and end, finds the board equal to Asterisk's lists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, waitFor } from '../server/harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('drift check', () => {
  it('on its interval during traffic, finds zero differences every time and says so in /api/health', async () => {
    // Every 0.6 s instead of 15 min.
    const stack = await startStack({ env: { CALLBOARD_DRIFT_CHECK_MINUTES: '0.01' } });
    cleanups.push(() => stack.close());
    const eventsBefore = stack.pbx.snapshot().events;
    await waitFor(() => stack.app.session.health().drift.checks >= 5, 'five drift checks', 20_000);
    expect(stack.pbx.snapshot().events - eventsBefore).toBeGreaterThan(50); // the PBX was busy meanwhile
    const health = (await (await fetch(`${stack.url}/api/health`)).json()) as {
      drift: { checks: number; totalDifferences: number; lastReason: string };
    };
    expect(health.drift.checks).toBeGreaterThanOrEqual(5);
    expect(health.drift.lastReason).toBe('interval');
    expect(health.drift.totalDifferences).toBe(0);
    expect(stack.app.session.state.pbx.driftDifferences).toBe(0);
  }, 30_000);
});

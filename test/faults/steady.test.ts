/**
 * Asterisk protection: once the first resync is done, the server sends the PBX
 * nothing but Ping, however busy it is (no polling of lists or status).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startStack } from '../server/harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Action names in raw AMI client bytes, in order. */
function actions(text: string): string[] {
  return [...text.matchAll(/(?:^|\r\n\r\n)Action: ([^\r\n]*)/g)].map((m) => m[1]);
}

describe('steady state', () => {
  it('sends no action but Ping over 1,500 events of steady traffic', async () => {
    // A short keepalive, so Pings happen at all between the events.
    const stack = await startStack({ app: { amiClient: { pingIntervalMs: 500, deadAfterMs: 5_000 } } });
    cleanups.push(() => stack.close());
    const sentBefore = stack.pbx.received().length;
    const eventsBefore = stack.pbx.snapshot().events;
    let ops = 0;
    stack.app.session.onOps((o) => (ops += o.length));

    // Counted in traffic, not milliseconds: a slow machine waits longer, never sees less.
    const sentSince = () => actions(stack.pbx.received().slice(sentBefore));
    await vi.waitFor(
      () => {
        expect(stack.pbx.snapshot().events - eventsBefore).toBeGreaterThanOrEqual(1_500);
        expect(sentSince()).toContain('Ping'); // the keepalive ran: the server was sending when it wished
      },
      { timeout: 60_000, interval: 100 },
    );

    const sent = sentSince();
    expect(ops).toBeGreaterThan(100);
    expect(sent.filter((a) => a !== 'Ping')).toEqual([]);
  }, 80_000);
});

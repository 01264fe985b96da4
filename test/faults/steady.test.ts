/**
 * Asterisk protection: once the first resync is done, the server sends the PBX
 * nothing but Ping, however busy it is (no polling of lists or status).
 */
import { afterEach, describe, expect, it } from 'vitest';
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
  it('sends no action but Ping over 10 s of steady traffic', async () => {
    // A short keepalive so Pings can happen at all in a 10 s window.
    const stack = await startStack({ app: { amiClient: { pingIntervalMs: 1_000, deadAfterMs: 5_000 } } });
    cleanups.push(() => stack.close());
    const sentBefore = stack.pbx.received().length;
    const eventsBefore = stack.pbx.snapshot().events;
    let ops = 0;
    stack.app.session.onOps((o) => (ops += o.length));

    await new Promise((r) => setTimeout(r, 10_000));

    const sent = actions(stack.pbx.received().slice(sentBefore));
    expect(stack.pbx.snapshot().events - eventsBefore).toBeGreaterThan(100); // the PBX was busy
    expect(ops).toBeGreaterThan(100);
    expect(sent.filter((a) => a !== 'Ping')).toEqual([]);
  }, 20_000);
});

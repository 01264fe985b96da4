/**
 * An action in flight when the AMI link is cut: the user gets `link-down`
 * (it may or may not have happened), and it is never sent again behind their back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '@/lib/protocol';
import { login, MirrorClient, startStack, waitFor } from '../server/harness';
import { expectNoDrift, expectTruth, quietPoint } from './truth';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('an action in flight when the link drops', () => {
  it('answers link-down and is sent exactly once, even after the link is back', async () => {
    const stack = await startStack();
    cleanups.push(() => stack.close());
    const supervisor = new MirrorClient(stack.url, { cookie: await login(stack.url, 'supervisor', 'supervisor') });
    cleanups.push(() => supervisor.close());
    await waitFor(() => supervisor.snapshots === 1, 'snapshot');
    await waitFor(() => Object.values(stack.app.session.state.channels).some((c) => c.state === 6), 'an answered channel', 20_000);
    const ch = Object.values(stack.app.session.state.channels).find((c) => c.state === 6)!;
    const wire = `Action: Hangup\r\nChannel: ${ch.name}\r\n`;

    // The PBX takes the action in but never answers; then the link is cut mid-packet.
    stack.pbx.faults.stall(true);
    const pending: Promise<ActionResult> = supervisor.socket
      .timeout(20_000)
      .emitWithAck('action', { type: 'hangup', pbx: 'demo', channel: ch.id });
    await waitFor(() => stack.pbx.received().includes(wire), 'hangup on the wire');
    const before = stack.app.session.state.pbx.lastResync;
    stack.pbx.faults.cutMidPacket();
    stack.pbx.faults.stall(false);
    expect(await pending).toMatchObject({ ok: false, code: 'link-down', message: expect.stringMatching(/may or may not have happened/) });

    await waitFor(() => stack.app.session.connected && stack.app.session.state.pbx.lastResync > before, 'link back and resynced');
    // Let traffic (and any retry, were there one) run for a while on the new link.
    const events = stack.pbx.snapshot().events;
    await waitFor(() => stack.pbx.snapshot().events > events + 30, 'traffic on the new link');
    expect(count(stack.pbx.received(), wire)).toBe(1);

    const quiet = await quietPoint(stack, [supervisor]);
    expectTruth(quiet);
    await expectNoDrift(stack);
  });
});

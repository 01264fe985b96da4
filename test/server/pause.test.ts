/**
 * Pause and unpause against the demo PBX, from the socket and from REST:
 * QueuePause with a reason, Asterisk's own answer, the card's state from
 * the QueueMemberPause that follows (the reason forgotten on unpause, as
 * Asterisk does), and every refusal audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, ActionResult } from '@/lib/protocol';
import type { AuditEntry } from '@/server/actions/audit';
import { json, login, MirrorClient, startStack, waitFor, type Stack } from './harness';

let stack: Stack;
let supervisor: MirrorClient;
let cookie: string;
let adminCookie: string;

beforeAll(async () => {
  // Quiet traffic: the simulated agents pause themselves too, and must not undo the test's pause under it.
  stack = await startStack({ pbx: { traffic: { callsPerMinute: 0 } }, app: { actionRateLimit: { limit: 1000, windowMs: 60_000 } } });
  cookie = await login(stack.url, 'supervisor', 'supervisor');
  adminCookie = await login(stack.url, 'admin', 'admin');
  supervisor = new MirrorClient(stack.url, { cookie });
  await supervisor.connected();
});
afterAll(async () => {
  supervisor?.close();
  await stack?.close();
});

const act = (request: unknown): Promise<ActionResult> => supervisor.socket.timeout(10_000).emitWithAck('action', request as ActionRequest);
const membersOf = (iface: string) => Object.values(stack.app.session.state.members).filter((m) => m.interface === iface);

/** A member that is free and not paused, in at least one queue. */
function someFreeMember() {
  const m = Object.values(stack.app.session.state.members).find((x) => !x.paused && !x.inCall);
  if (!m) throw new Error('no free member on the demo PBX');
  return m;
}

async function audit(): Promise<AuditEntry[]> {
  const body = await json(await fetch(`${stack.url}/api/audit?limit=1000&action=pause`, { headers: { cookie: adminCookie } }));
  return body.entries as AuditEntry[];
}

describe('pause', () => {
  it('pauses a member in every queue with a reason, and unpausing forgets the reason as Asterisk does', async () => {
    const m = someFreeMember();
    const result = await act({ type: 'pause', pbx: 'demo', interface: m.interface, paused: true, reason: 'Coaching' });
    expect(result).toEqual({ ok: true, message: 'Interface paused successfully' });
    await waitFor(() => membersOf(m.interface).every((x) => x.paused && x.pausedReason === 'Coaching'), 'paused in every queue');
    expect(membersOf(m.interface).every((x) => x.pausedSince > 0)).toBe(true);
    // The socket's copy says the same: it is what the card shows.
    await waitFor(
      () => Object.values(supervisor.state!.members).some((x) => x.interface === m.interface && x.pausedReason === 'Coaching'),
      'mirror',
    );

    expect(await act({ type: 'pause', pbx: 'demo', interface: m.interface, paused: false })).toEqual({
      ok: true,
      message: 'Interface unpaused successfully',
    });
    await waitFor(() => membersOf(m.interface).every((x) => !x.paused && x.pausedReason === ''), 'unpaused');
    const entries = (await audit()).filter((e) => e.params && (e.params as { interface?: string }).interface === m.interface);
    expect(entries.map((e) => [e.result, e.pbx, (e.params as { paused: boolean }).paused])).toEqual([
      ['ok', 'demo', true],
      ['ok', 'demo', false],
    ]);
  });

  it('pauses in one queue only, over REST', async () => {
    const m = someFreeMember();
    const res = await fetch(`${stack.url}/api/pbx/demo/pause`, {
      method: 'POST',
      headers: { cookie, origin: stack.url, 'content-type': 'application/json' },
      body: JSON.stringify({ interface: m.interface, queue: m.queue, paused: true, reason: 'Lunch' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: 'Interface paused successfully' });
    await waitFor(
      () => membersOf(m.interface).some((x) => x.queue === m.queue && x.paused && x.pausedReason === 'Lunch'),
      'paused in its queue',
    );
    for (const other of membersOf(m.interface).filter((x) => x.queue !== m.queue)) expect(other.paused).toBe(false);
    await act({ type: 'pause', pbx: 'demo', interface: m.interface, queue: m.queue, paused: false });
  });

  it('refuses what it cannot or may not do, in words, and audits it', async () => {
    const m = someFreeMember();
    const bad = [
      [{ type: 'pause', pbx: 'demo', interface: 'PJSIP/nobody', paused: true }, 'PJSIP/nobody is not a member of any queue'],
      [
        { type: 'pause', pbx: 'demo', interface: m.interface, queue: 'nosuchqueue', paused: true },
        `${m.interface} is not a member of nosuchqueue`,
      ],
      [
        { type: 'pause', pbx: 'demo', interface: m.interface, paused: true, reason: 'x\r\nAction: Logoff' },
        "A reason is letters, digits, spaces and .,'()&/_-",
      ],
      [{ type: 'pause', pbx: 'demo', interface: m.interface, paused: false, reason: 'Lunch' }, 'An unpause takes no reason'],
      [{ type: 'pause', pbx: 'demo', interface: '/.*/', paused: true }, 'Not a queue member interface'],
      [{ type: 'pause', pbx: 'demo', interface: m.interface }, 'Say whether to pause or unpause'],
    ] as const;
    for (const [request, message] of bad) expect(await act(request)).toEqual({ ok: false, code: 'invalid', message });
    const viewer = new MirrorClient(stack.url, { cookie: await login(stack.url, 'viewer', 'viewer') });
    try {
      await viewer.connected();
      const refused: ActionResult = await viewer.socket
        .timeout(10_000)
        .emitWithAck('action', { type: 'pause', pbx: 'demo', interface: m.interface, paused: true });
      expect(refused).toEqual({ ok: false, code: 'forbidden', message: 'Role viewer may not pause' });
    } finally {
      viewer.close();
    }
    expect(membersOf(m.interface).every((x) => !x.paused)).toBe(true);
    const results = (await audit()).map((e) => e.result);
    expect(results.filter((r) => r === 'invalid').length).toBeGreaterThanOrEqual(bad.length);
    expect(results).toContain('forbidden');
    // Nothing of the refused requests reached the PBX.
    expect(stack.pbx.received()).not.toContain('Logoff');
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, ActionResult } from '@/lib/protocol';
import { Writable } from 'node:stream';
import { createLogger } from '@/server/log';
import { json, login, MirrorClient, startStack, waitFor, type Stack } from './harness';

/** Every log line the server writes during this file, at the most verbose level. */
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

/** How far the server's clock is ahead of the wall clock: time passes for the server without the test sleeping. */
let clockAhead = 0;
let stack: Stack;
let supervisor: MirrorClient;
let cookie: string;
beforeAll(async () => {
  stack = await startStack({
    app: {
      actionRateLimit: { limit: 100_000, windowMs: 1000 },
      log: createLogger('trace', { stream: logSink, pretty: false }),
      now: () => Date.now() + clockAhead,
    },
  });
  cookie = await login(stack.url, 'supervisor', 'supervisor');
  supervisor = new MirrorClient(stack.url, { cookie });
  await supervisor.connected();
});
afterAll(async () => {
  supervisor?.close();
  await stack?.close();
});

/** What our side wrote to the PBX since `from`, minus the keepalive Pings. */
function sentSince(from: number): string {
  return stack.pbx
    .received()
    .slice(from)
    .replace(/Action: Ping\r\nActionID: [^\r\n]*\r\n\r\n/g, '');
}

const BREAKERS = ['\r', '\n', '\0', '\r\n', '\r\nAction: Command\r\nCommand: core stop now\r\n\r\n', '\n\n'];
/** Strings that carry CR, LF or NUL somewhere, wrapped in unicode, header-like text or bulk. */
const hostile = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('101', 'PJSIP/101', 'Local/1@x-0001;1', '1795664596.106', 'Zoë Müller <101>'),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
    ),
    fc.constantFrom(...BREAKERS),
    fc.oneof(
      fc.constantFrom('Action: Command', 'Action: Originate\r\nApplication: System\r\nData: rm -rf /', ''),
      fc.string({ maxLength: 20 }),
    ),
  )
  .map(([a, b, c]) => a + b + c);
/** Too long for any field, yet under socket.io's 64 KiB message limit. */
const huge = fc.integer({ min: 121, max: 60_000 }).map((n) => '1'.repeat(n));
const badValue = fc.oneof(hostile, huge);

const requestWith = (value: string) =>
  fc
    .constantFrom<(v: string) => unknown>(
      (v) => ({ type: 'hangup', pbx: 'demo', channel: v }),
      (v) => ({ type: 'hangup', pbx: 'demo', call: v }),
      (v) => ({ type: 'originate', pbx: 'demo', from: v, to: '102' }),
      (v) => ({ type: 'originate', pbx: 'demo', from: '101', to: v }),
      (v) => ({ type: 'originate', pbx: 'demo', from: '101', to: '102', callerId: v }),
      (v) => ({ type: 'originate', pbx: 'demo', from: '101', to: '102', Channel: v }),
    )
    .map((make) => make(value));

describe('injection attempts never reach the AMI socket', () => {
  it('over socket.io', async () => {
    const start = stack.pbx.received().length;
    await fc.assert(
      fc.asyncProperty(badValue.chain(requestWith), async (request) => {
        const result: ActionResult = await supervisor.socket.timeout(5000).emitWithAck('action', request as ActionRequest);
        expect(result).toMatchObject({ ok: false, code: 'invalid' });
      }),
      { numRuns: 150 },
    );
    expect(sentSince(start)).toBe('');
  });

  it('closes a socket that sends a message over the size limit, sending nothing', async () => {
    const start = stack.pbx.received().length;
    const c = new MirrorClient(stack.url, { cookie });
    await c.connected();
    const closed = new Promise<string>((resolve) => c.socket.on('disconnect', (reason) => resolve(reason)));
    c.socket.emit('action', { type: 'hangup', pbx: 'demo', channel: `1\r\n${'1'.repeat(100_000)}` } as ActionRequest, () => {});
    expect(await closed).toBe('transport close');
    expect(sentSince(start)).toBe('');
  });

  it('over REST', async () => {
    const start = stack.pbx.received().length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(badValue, fc.constant('1'.repeat(100_000))),
        fc.constantFrom('from', 'to', 'callerId', 'call'),
        async (value, field) => {
          const res =
            field === 'call'
              ? await fetch(`${stack.url}/api/calls/${encodeURIComponent(value.slice(0, 4000))}/hangup`, {
                  method: 'POST',
                  headers: { cookie },
                })
              : await fetch(`${stack.url}/api/originate`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', cookie },
                  body: JSON.stringify({ from: '101', to: '102', [field]: value }),
                });
          expect([400, 413]).toContain(res.status);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 100 },
    );
    expect(sentSince(start)).toBe('');
  });

  it('audits invalid attempts with the hostile value escaped and bounded', async () => {
    const admin = await login(stack.url, 'admin', 'admin');
    // After the floods above, the audit writes refusals one by one again once a second passed on the server's clock.
    clockAhead += 1_100;
    await supervisor.socket
      .timeout(5000)
      .emitWithAck('action', { type: 'hangup', pbx: 'demo', channel: `x\r\nAction: Command${'y'.repeat(5000)}` } as ActionRequest);
    const { entries } = (await json(await fetch(`${stack.url}/api/audit?limit=1`, { headers: { cookie: admin } }))) as {
      entries: { result: string; params: { channel: string } }[];
    };
    expect(entries[0].result).toBe('invalid');
    expect(entries[0].params.channel.length).toBeLessThan(400);
  });
});

describe('the AMI secret never leaves the server', () => {
  it('is in nothing a browser can fetch or receive', async () => {
    const secret = stack.pbx.users[0].secret;
    expect(secret.length).toBeGreaterThan(3);
    const admin = await login(stack.url, 'admin', 'admin');
    const watcher = new MirrorClient(stack.url, { cookie: admin });
    const { token } = stack.app.auth.store.createToken('wall', 'wallboard');
    const wall = new MirrorClient(stack.url, { token });
    try {
      await waitFor(() => watcher.batches >= 5 && wall.snapshots >= 1, 'some traffic', 20_000);
      watcher.socket.emit('resync', 'demo');
      await waitFor(() => watcher.snapshots >= 2, 'resync snapshot');
      const bodies: string[] = [];
      for (const path of [
        '/api/health',
        '/api/login-info',
        '/api/me',
        '/api/snapshot',
        '/api/audit',
        '/',
        '/login',
        '/wallboard',
        `/wallboard?token=${token}`,
      ]) {
        for (const headers of [{}, { cookie: admin }] as Record<string, string>[])
          bodies.push(await (await fetch(`${stack.url}${path}`, { headers, redirect: 'manual' })).text());
      }
      const all = [...bodies, ...watcher.received, ...wall.received].join('\n');
      expect(all).toContain('"queues"');
      expect(all).not.toContain(secret);
      // Nor in the server's own logs, with tokens and session cookies.
      stack.pbx.faults.dropAll();
      await waitFor(() => logLines.join('').includes('AMI link down'), 'a logged link drop');
      const logs = logLines.join('');
      expect(logs).toContain('"msg":"login"');
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(admin.split('=')[1]);
    } finally {
      watcher.close();
      wall.close();
    }
  });
});

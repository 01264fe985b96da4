/**
 * The admin CLI console against the demo PBX: an allowed command's output,
 * Asterisk's words for an unknown one, and every refusal made before
 * anything reaches AMI, checked on the bytes the demo PBX received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@/server/actions/audit';
import { json, login, startStack, type Stack } from './harness';

let stack: Stack;
let admin: string;
let supervisor: string;

beforeAll(async () => {
  stack = await startStack({ pbx: { traffic: { callsPerMinute: 0 } }, app: { actionRateLimit: { limit: 1000, windowMs: 60_000 } } });
  admin = await login(stack.url, 'admin', 'admin');
  supervisor = await login(stack.url, 'supervisor', 'supervisor');
});
afterAll(async () => {
  await stack?.close();
});

async function run(cookie: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}/api/pbx/demo/command`, {
    method: 'POST',
    headers: { cookie, origin: stack.url, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

describe('the CLI console', () => {
  it('runs an allowed command for an admin and returns its output lines', async () => {
    const { status, body } = await run(admin, { command: 'core  show uptime' });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.message).toMatch(/^Command output follows \(\d+ lines, \d+ bytes\)$/);
    expect((body.output as string[]).join('\n')).toMatch(/System uptime:/);
    expect(stack.pbx.received()).toContain('Command: core show uptime\r\n');
  });

  it("answers an unknown command in Asterisk's words (transcript 08's, byte for byte)", async () => {
    const { status, body } = await run(admin, { command: 'sip show peers' });
    expect(status).toBe(409);
    expect(body).toEqual({
      code: 'ami',
      error: "No such command 'sip show peers' (type 'core show help sip show' for other possible commands)",
    });
  });

  it('refuses non-admins, commands off the allowlist and CR/LF, and none of it reaches AMI', async () => {
    const before = stack.pbx.received().length;
    expect(await run(supervisor, { command: 'core show uptime' })).toEqual({
      status: 403,
      body: { error: 'Your account may not command', code: 'forbidden' },
    });
    const stop = await run(admin, { command: 'core stop now' });
    expect(stop.status).toBe(403);
    expect(stop.body.error).toMatch(/can change or stop the PBX/);
    const off = await run(admin, { command: 'pjsip list endpoints' });
    expect(off.status).toBe(403);
    expect(off.body.error).toMatch(/not on the console's allowlist \(core show \*, pjsip show \*/);
    const injected = await run(admin, { command: 'core show uptime\r\nAction: Command\r\nCommand: core stop now' });
    expect(injected).toEqual({ status: 400, body: { error: 'A command is one line of printable characters', code: 'invalid' } });
    const received = stack.pbx.received().slice(before);
    expect(received).not.toMatch(/core stop|pjsip list|Action: Command/);
  });

  it('audits every command with its output size', async () => {
    const res = await fetch(`${stack.url}/api/audit?limit=100&action=command`, { headers: { cookie: admin } });
    const entries = (await json(res)).entries as AuditEntry[];
    expect(entries.map((e) => e.result)).toEqual(['ok', 'ami', 'forbidden', 'forbidden', 'forbidden', 'invalid']);
    expect(entries[0].message).toMatch(/\d+ lines, \d+ bytes/);
    expect(entries[0].params).toMatchObject({ command: 'core  show uptime' });
  });
});

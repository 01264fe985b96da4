/**
 * One error shape for REST, `{"error": "<sentence>", "code": "<machine code>"}`,
 * on every route and status, and messages written for people rather than
 * zod's own wording. Socket actions keep their typed result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, ActionResult } from '@/lib/protocol';
import { login, MirrorClient, startStack, type Stack } from './harness';

let stack: Stack;
let supervisor: string;
let viewer: string;
beforeAll(async () => {
  stack = await startStack();
  [supervisor, viewer] = await Promise.all([login(stack.url, 'supervisor', 'supervisor'), login(stack.url, 'viewer', 'viewer')]);
});
afterAll(async () => {
  await stack?.close();
});

const RAW_ZOD = /Invalid input|expected string|received undefined|Too big|Too small|Unrecognized key/;

async function errorOf(res: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body };
}

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('REST errors', () => {
  it('answer every failure with {error, code} and nothing else', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [fetch(`${stack.url}/api/nothing`), 404, 'not-found'],
      [fetch(`${stack.url}/api/resync`), 405, 'method-not-allowed'],
      [fetch(`${stack.url}/api/snapshot`), 401, 'unauthenticated'],
      [post('/api/resync', {}, viewer), 403, 'forbidden'],
      [post('/api/originate', '{"from": ', supervisor), 400, 'invalid'],
      [post('/api/originate', { from: '101' }, supervisor), 400, 'invalid'],
      [post('/api/originate', { from: '101', to: '102' }, viewer), 403, 'forbidden'],
      [post('/api/calls/nope/hangup', {}, supervisor), 400, 'invalid'],
      [post('/api/login', { username: 'viewer', password: 'wrong' }), 401, 'unauthenticated'],
    ];
    for (const [request, status, code] of cases) {
      const { status: got, body } = await errorOf(await request);
      expect({ got, code: body.code }).toEqual({ got: status, code });
      expect(Object.keys(body).sort()).toEqual(['code', 'error']);
      expect(body.error).toEqual(expect.any(String));
      expect(body.error).not.toMatch(RAW_ZOD);
    }
  });

  it('say what is wrong with an originate in words a person understands', async () => {
    const said = async (body: unknown) => (await errorOf(await post('/api/originate', body, supervisor))).body.error;
    expect(await said({ from: '101' })).toBe('To: Enter the number to call');
    expect(await said({ to: '102' })).toBe('From: Enter the extension to ring first');
    expect(await said({ from: '101', to: '102', callerId: `${'a'.repeat(81)}` })).toBe('Caller ID is at most 80 characters');
    expect(await said({ from: '101', to: '102\r\nAction: Command' })).toBe('To: A number is 1 to 32 digits, *, # or +');
    expect(await said({ from: 101, to: '102' })).toBe('From: The extension must be text');
    expect(await said({ from: '101', to: '102', Application: 'System' })).toBe('Unknown field "Application"');
  });

  it('keep the typed result for socket actions, with the same human message', async () => {
    const c = new MirrorClient(stack.url, { cookie: supervisor });
    try {
      await c.connected();
      const result: ActionResult = await c.socket
        .timeout(5_000)
        .emitWithAck('action', { type: 'originate', pbx: 'demo', from: '101' } as unknown as ActionRequest);
      expect(result).toEqual({ ok: false, code: 'invalid', message: 'To: Enter the number to call' });
      const hangup: ActionResult = await c.socket
        .timeout(5_000)
        .emitWithAck('action', { type: 'hangup', pbx: 'demo' } as unknown as ActionRequest);
      expect(hangup).toEqual({ ok: false, code: 'invalid', message: 'Say which channel to hang up' });
    } finally {
      c.close();
    }
  });
});

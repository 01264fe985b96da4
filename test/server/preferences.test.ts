/**
 * GET/PUT /api/me/preferences over real HTTP: a person's own settings, kept
 * across a restart of the store, validated, audited, and never a token's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreferencesStore } from '@/server/auth/preferences-store';
import { USER_LIMITS } from '@/server/http/user-limits';
import { json, login, startStack, type Stack } from './harness';

let stack: Stack;
let cookie: string;
beforeAll(async () => {
  stack = await startStack();
  cookie = await login(stack.url, 'supervisor', 'supervisor');
});
afterAll(async () => {
  await stack?.close();
});

const put = (body: unknown, headers: Record<string, string> = { cookie }) =>
  fetch(`${stack.url}/api/me/preferences`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', origin: stack.url, ...headers },
    body: JSON.stringify(body),
  });

describe('/api/me/preferences', () => {
  it('starts from the defaults, and keeps what the user saves, across a fresh store', async () => {
    const first = await fetch(`${stack.url}/api/me/preferences`, { headers: { cookie } });
    expect(await json(first)).toEqual({ sound: false, notifications: false, screenPop: null });
    const body = { sound: true, screenPop: { url: 'https://crm.example/lookup?phone={callerNum}&queue={queue}', on: 'answered' } };
    const res = await put(body);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      sound: true,
      notifications: false,
      screenPop: { url: body.screenPop.url, on: 'answered', open: 'tab' },
    });
    const again = await fetch(`${stack.url}/api/me/preferences`, { headers: { cookie } });
    expect((await json(again)).sound).toBe(true);
    // What a restart reads back: the file, not the memory.
    expect(new PreferencesStore(stack.dataDir).get('supervisor').screenPop?.on).toBe('answered');
    const viewer = await login(stack.url, 'viewer', 'viewer');
    expect(await json(await fetch(`${stack.url}/api/me/preferences`, { headers: { cookie: viewer } }))).toMatchObject({ sound: false });
  });

  it('refuses a template that could send the browser elsewhere, with the reason, and audits it', async () => {
    const res = await put({ screenPop: { url: 'javascript:alert(document.cookie)' } });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(/screenPop\.url: The URL starts with http/);
    const unknown = await put({ screenPop: { url: 'https://crm.example/?x={password}' } });
    expect((await json(unknown)).error).toMatch(/Unknown placeholder \{password\}/);
    const audit = fs.readFileSync(path.join(stack.dataDir, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/"action":"preferences".*"result":"invalid"/);
    expect(audit).toMatch(/"action":"preferences".*"screenPop":"https:\/\/crm\.example".*"result":"ok"/);
    // The audit names where the template points, never the template itself.
    expect(audit).not.toContain('lookup?phone=');
  });

  it('answers 401 without a login, 403 for a token, and refuses a cross-site PUT', async () => {
    expect((await put({ sound: true }, { cookie: '' })).status).toBe(401);
    const token = stack.app.auth.store.createToken('tv', 'wallboard').token;
    expect((await put({ sound: true }, { cookie: '', authorization: `Bearer ${token}` })).status).toBe(403);
    const cross = await put({ sound: true }, { cookie, origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
  });

  it(`takes ${USER_LIMITS.preferences.perMinute} saves a minute from one person, then says when to retry`, async () => {
    const admin = await login(stack.url, 'admin', 'admin');
    for (let i = 0; i < USER_LIMITS.preferences.perMinute; i++)
      expect((await put({ sound: i % 2 === 0 }, { cookie: admin })).status).toBe(200);
    const over = await put({ sound: true }, { cookie: admin });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await stack.app.audit.tail(50)).some((e) => e.action === 'preferences' && e.who === 'admin' && e.result === 'rate-limited'),
    ).toBe(true);
    // Someone else is not held back.
    expect((await put({ sound: false })).status).toBe(200);
  });

  it('leaves a broken file alone and starts from the defaults', () => {
    const dir = fs.mkdtempSync(path.join(stack.dataDir, 'p-'));
    fs.writeFileSync(path.join(dir, 'preferences.json'), '{"version":1,"users":[{"name":"a","preferences":{"sound":"loud"}}]}');
    const warnings: string[] = [];
    const store = new PreferencesStore(dir, (m) => warnings.push(m));
    expect(store.get('a')).toEqual({ sound: false, notifications: false, screenPop: null });
    expect(warnings.join()).toMatch(/preferences of a are not valid/);
    expect(store.get('__proto__')).toEqual({ sound: false, notifications: false, screenPop: null });
  });
});

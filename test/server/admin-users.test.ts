/**
 * Users' grants: the users file (old files still load, bad settings are
 * refused), the CLI's `set` and `list`, and the admin REST API (admins only,
 * no password hash ever, clear errors, every change audited).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_KINDS, ROLE_ACTIONS } from '@/lib/grants';
import { Auth } from '@/server/auth/auth';
import { main as userCli } from '@/server/auth/cli';
import { loadOrCreateKey } from '@/server/auth/session-cookie';
import { SessionStore } from '@/server/auth/session-store';
import { UserStore } from '@/server/auth/user-store';
import { json, login, startStack, type Stack } from './harness';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-grants-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function cli(dir: string, args: string[]): Promise<string[]> {
  const prev = process.env.CALLBOARD_DATA;
  process.env.CALLBOARD_DATA = dir;
  const lines: string[] = [];
  try {
    await userCli(args, (l) => lines.push(l));
    return lines;
  } finally {
    process.env.CALLBOARD_DATA = prev;
  }
}

describe('the users file', () => {
  it('loads a version 1 file without grant settings, and the identity gets its role’s grants', async () => {
    const dir = tempDir();
    const seed = new UserStore(dir);
    await seed.addUser('old', 'supervisor', 'longenough');
    const text = fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
    expect(text).not.toMatch(/actions|queues|extension/);
    const store = new UserStore(dir);
    expect(store.getUser('old')?.role).toBe('supervisor');
    const auth = new Auth(store, new SessionStore(dir), loadOrCreateKey(dir), []);
    const result = await auth.login('old', 'longenough', '127.0.0.1', Date.now());
    expect(result.ok && result.identity.grants).toEqual({ actions: [...ROLE_ACTIONS.supervisor], queues: null, extension: '' });
  });

  it('narrows by the user’s settings, and a hand edit with a bad setting is refused with where it is', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    await store.addUser('lead', 'viewer', 'longenough');
    store.updateUser('lead', { actions: ['pause'], queues: ['support', 'sales'], extension: '206' });
    const auth = new Auth(store, new SessionStore(dir), loadOrCreateKey(dir), []);
    const result = await auth.login('lead', 'longenough', '127.0.0.1', Date.now());
    // A viewer's role allows no action: the user's list can only narrow it.
    expect(result.ok && result.identity.grants).toEqual({ actions: [], queues: ['sales', 'support'], extension: '206' });

    const file = path.join(dir, 'users.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { users: Record<string, unknown>[] };
    data.users[0].queues = ['sales', 'no spaces'];
    fs.writeFileSync(file, JSON.stringify(data));
    expect(() => new UserStore(dir)).toThrow(/users\[0\]\.queues\[1\]: A queue name is 1 to 80 letters/);
  });
});

describe('user CLI: set and list', () => {
  it('sets role, actions, queues and extension, lists them, and clears them with all and none', async () => {
    const dir = tempDir();
    await cli(dir, ['add', 'carol', '--role', 'viewer', '--password', 'longenough']);
    const set = await cli(dir, [
      'set',
      'carol',
      '--role',
      'supervisor',
      '--actions',
      'pause,listen',
      '--queues',
      'support,sales',
      '--extension',
      '206',
    ]);
    expect(set).toEqual(['Updated carol (supervisor): actions=pause,listen queues=sales,support extension=206']);
    expect(new UserStore(dir).getUser('carol')).toMatchObject({ role: 'supervisor', actions: ['pause', 'listen'], extension: '206' });
    expect((await cli(dir, ['list'])).join('\n')).toMatch(/carol\tsupervisor\t.*\tactions=pause,listen queues=sales,support extension=206/);

    await cli(dir, ['set', 'carol', '--actions', 'all', '--queues', 'all', '--extension', 'none']);
    const user = new UserStore(dir).getUser('carol')!;
    expect([user.actions, user.queues, user.extension]).toEqual([undefined, undefined, undefined]);
    expect(fs.readFileSync(path.join(dir, 'users.json'), 'utf8')).not.toMatch(/"actions"|"queues"|"extension"/);
  });

  it('refuses bad input with a message a person can act on', async () => {
    const dir = tempDir();
    await cli(dir, ['add', 'carol', '--role', 'viewer', '--password', 'longenough']);
    await expect(cli(dir, ['set', 'carol', '--actions', 'pause,fly'])).rejects.toThrow(
      `Unknown action "fly"; the action kinds are ${ACTION_KINDS.join(', ')}`,
    );
    await expect(cli(dir, ['set', 'carol', '--queues', 'sales,a b'])).rejects.toThrow(/queues\[1\]: A queue name is 1 to 80/);
    await expect(cli(dir, ['set', 'carol', '--extension', '20x'])).rejects.toThrow(/An extension is 1 to 20 digits/);
    await expect(cli(dir, ['set', 'carol', '--role', 'root'])).rejects.toThrow(/role must be one of viewer, supervisor, admin/);
    await expect(cli(dir, ['set', 'carol'])).rejects.toThrow(/at least one of --role/);
    await expect(cli(dir, ['set', 'nobody', '--role', 'viewer'])).rejects.toThrow(/No user nobody/);
    expect(new UserStore(dir).getUser('carol')).toMatchObject({ role: 'viewer' });
  });
});

describe('admin REST', () => {
  let stack: Stack;
  const cookies = { admin: '', supervisor: '' };
  beforeAll(async () => {
    stack = await startStack();
    await stack.app.auth.store.addUser('root', 'admin', 'longenough');
    await stack.app.auth.store.addUser('carol', 'viewer', 'longenough');
    cookies.admin = await login(stack.url, 'admin', 'admin');
    cookies.supervisor = await login(stack.url, 'supervisor', 'supervisor');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const patch = (name: string, body: unknown, cookie = cookies.admin) =>
    fetch(`${stack.url}/api/admin/users/${encodeURIComponent(name)}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('lists users without any password hash', async () => {
    const res = await fetch(`${stack.url}/api/admin/users`, { headers: { cookie: cookies.admin } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/scrypt|password/);
    const { users } = JSON.parse(text) as { users: { name: string }[] };
    expect(users.map((u) => u.name)).toEqual(['root', 'carol']);
    expect(users[1]).toEqual({
      name: 'carol',
      role: 'viewer',
      created: expect.any(String),
      actions: null,
      queues: null,
      extension: '',
      allowed: [],
    });
  });

  it('refuses non-admins (403) and strangers (401), and audits the refused change', async () => {
    expect((await fetch(`${stack.url}/api/admin/users`, { headers: { cookie: cookies.supervisor } })).status).toBe(403);
    expect((await fetch(`${stack.url}/api/admin/users`)).status).toBe(401);
    const res = await patch('carol', { role: 'admin' }, cookies.supervisor);
    expect(res.status).toBe(403);
    expect(await json(res)).toEqual({ error: 'Only an admin may manage users', code: 'forbidden' });
    expect(stack.app.auth.store.getUser('carol')?.role).toBe('viewer');
    const { entries } = await stack.app.audit.page({ limit: 50, action: 'user-update', result: 'forbidden' });
    expect(entries.at(-1)).toMatchObject({ who: 'supervisor', params: { name: 'carol', role: 'admin' } });
  });

  it('changes a user, and audits the change', async () => {
    const res = await patch('carol', { role: 'supervisor', actions: ['pause', 'hangup'], queues: ['sales'], extension: '201' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      name: 'carol',
      role: 'supervisor',
      actions: ['pause', 'hangup'],
      queues: ['sales'],
      extension: '201',
    });
    expect(stack.app.auth.store.getUser('carol')).toMatchObject({ role: 'supervisor', queues: ['sales'] });
    const cleared = await json(await patch('carol', { actions: null, queues: 'all', extension: '' }));
    expect(cleared).toMatchObject({ actions: null, queues: null, extension: '' });
    const { entries } = await stack.app.audit.page({ limit: 50, action: 'user-update', result: 'ok' });
    expect(entries.slice(-2)).toMatchObject([
      { who: 'admin', role: 'admin', params: { name: 'carol', role: 'supervisor', queues: ['sales'] }, message: 'Updated carol' },
      { who: 'admin', params: { name: 'carol', queues: 'all' } },
    ]);
  });

  it('refuses bad input with the reason, and audits each refusal', async () => {
    const cases: [string, unknown, number, string | RegExp][] = [
      ['carol', { actions: ['pause', 'fly'] }, 400, `actions[1]: Unknown action "fly"; the action kinds are ${ACTION_KINDS.join(', ')}`],
      ['carol', { queues: ['sales', '../etc'] }, 400, /queues\[1\]: A queue name is 1 to 80 letters/],
      ['carol', { queues: 'sales' }, 400, /queues: queues must be a list of queue names, or "all"/],
      ['carol', { extension: '20\r\n1' }, 400, /An extension is 1 to 20 digits/],
      ['carol', { role: 'wallboard' }, 400, /role must be one of viewer, supervisor, admin/],
      ['carol', { password: 'secret-typed-here' }, 400, /Unknown field password; use role, actions, queues, extension/],
      ['carol', {}, 400, /Nothing to change/],
      ['carol', '[1', 400, /JSON/i],
      ['nobody', { role: 'viewer' }, 404, 'No user nobody'],
      ['bad name!', { role: 'viewer' }, 400, /A user name is/],
    ];
    const before = (await stack.app.audit.page({ limit: 1000, action: 'user-update' })).entries.length;
    for (const [name, body, status, message] of cases) {
      const res = await patch(name, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const answer = await json(res);
      if (typeof message === 'string') expect(answer.error).toBe(message);
      else expect(answer.error).toMatch(message);
    }
    const after = (await stack.app.audit.page({ limit: 1000, action: 'user-update' })).entries;
    expect(after.length - before).toBe(cases.length);
    expect(after.slice(-cases.length).every((e) => e.result !== 'ok')).toBe(true);
    // A field sent by mistake is named, its value (a password, say) never written.
    const stray = after.find((e) => JSON.stringify(e.params).includes('unknownFields'));
    expect(stray?.params).toEqual({ name: 'carol', unknownFields: ['password'] });
    expect(stack.app.auth.store.getUser('carol')).toMatchObject({ role: 'supervisor' });
    expect(fs.readFileSync(path.join(stack.dataDir, 'audit.jsonl'), 'utf8')).not.toContain('secret-typed-here');
  });

  it('gates the /admin page: admins only, others back to the board, strangers to the login', async () => {
    const get = (cookie?: string) => fetch(`${stack.url}/admin`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const stranger = await get();
    expect([stranger.status, stranger.headers.get('location')]).toEqual([302, '/login?next=%2Fadmin']);
    const supervisor = await get(cookies.supervisor);
    expect([supervisor.status, supervisor.headers.get('location')]).toEqual([303, '/']);
    // Past the gate; without Next in this stack the page itself is a 404.
    expect((await get(cookies.admin)).status).toBe(404);
  });

  it('never demotes the last admin of the users file', async () => {
    const res = await patch('root', { role: 'viewer' });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toBe('root is the last admin; make another user admin first');
    expect(stack.app.auth.store.getUser('root')?.role).toBe('admin');
  });
});

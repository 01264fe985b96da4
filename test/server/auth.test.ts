import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Auth, DEMO_ACCOUNTS } from '@/server/auth/auth';
import { main as userCli } from '@/server/auth/cli';
import { hashPassword, verifyPassword } from '@/server/auth/passwords';
import { loadOrCreateKey, SessionSigner } from '@/server/auth/session-cookie';
import { UserStore } from '@/server/auth/user-store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-auth-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('passwords', () => {
  it('hashes with a per-user salt and verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('users and sessions', () => {
  it('logs in file users, rejects wrong passwords, and a password change ends old sessions', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    await store.addUser('alice', 'supervisor', 'wonderland');
    const auth = new Auth(store, new SessionSigner(loadOrCreateKey(dir)), []);
    const ok = await auth.login('alice', 'wonderland', '10.0.0.1', 1000);
    expect(ok).toMatchObject({ ok: true, identity: { user: 'alice', role: 'supervisor' } });
    const cookie = ok.ok ? ok.cookieValue : '';
    expect(auth.fromSession(cookie, 2000)).toMatchObject({ user: 'alice', role: 'supervisor' });
    expect(auth.fromSession(`${cookie.slice(0, -2)}xx`, 2000)).toBeNull();
    expect(auth.fromSession(cookie, 1000 + 13 * 3600_000)).toBeNull(); // expired
    expect(await auth.login('alice', 'wrong', '10.0.0.1', 1000)).toMatchObject({ ok: false, status: 401, error: 'Wrong username or password' });
    expect(await auth.login('nobody', 'x', '10.0.0.1', 1000)).toMatchObject({ ok: false, status: 401 });
    await store.setPassword('alice', 'looking-glass');
    expect(auth.fromSession(cookie, 2000)).toBeNull();
    // Demo accounts do not exist outside demo mode.
    expect(await auth.login('admin', 'admin', '10.0.0.1', 1000)).toMatchObject({ ok: false, status: 401 });
  });

  it('rate-limits login per user name and per address', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    const auth = new Auth(store, new SessionSigner(loadOrCreateKey(dir)), DEMO_ACCOUNTS, { perAddress: 6, perUser: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await auth.login('admin', 'nope', `10.0.0.${i}`, 1000)).ok).toBe(false);
    const limited = await auth.login('admin', 'admin', '10.0.0.9', 1000);
    expect(limited).toMatchObject({ ok: false, status: 429 });
    expect(limited.ok ? '' : limited.error).toMatch(/^Too many login attempts\. Try again in 60 s\.$/);
    expect(await auth.login('admin', 'admin', '10.0.0.9', 62_000)).toMatchObject({ ok: true });
    // Per address: six failures, whatever the names; successes do not count.
    for (let i = 0; i < 10; i++) expect((await auth.login('supervisor', 'supervisor', '10.9.9.9', 100_000)).ok).toBe(true);
    for (let i = 0; i < 6; i++) await auth.login(`u${i}`, 'x', '10.9.9.9', 100_000);
    expect(await auth.login('viewer', 'viewer', '10.9.9.9', 100_000)).toMatchObject({ ok: false, status: 429 });
    expect(await auth.login('viewer', 'viewer', '10.9.9.8', 100_000)).toMatchObject({ ok: true });
  });

  it('bounds a burst of parallel attempts: no more guesses get through than the limit allows', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    await store.addUser('alice', 'supervisor', 'wonderland');
    const auth = new Auth(store, new SessionSigner(loadOrCreateKey(dir)), [], { perAddress: 6, perUser: 3, windowMs: 60_000 });
    const sameUser = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.login('alice', `guess-${i}`, `10.0.1.${i}`, 1000)));
    expect(sameUser.filter((r) => !r.ok && r.status === 401).length).toBeLessThanOrEqual(3);
    const sameAddress = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.login(`user${i}`, 'guess', '10.0.2.1', 1000)));
    expect(sameAddress.filter((r) => !r.ok && r.status === 401).length).toBeLessThanOrEqual(6);
    // Once the burst is over, the right password still works.
    expect((await auth.login('alice', 'wonderland', '10.0.3.1', 1000)).ok).toBe(true);
  });

  it('compares demo passwords in constant time and ends a logged-out session', async () => {
    const dir = tempDir();
    const auth = new Auth(new UserStore(dir), new SessionSigner(loadOrCreateKey(dir)), DEMO_ACCOUNTS);
    expect((await auth.login('admin', 'admi', '10.0.0.1', 1000)).ok).toBe(false);
    const ok = await auth.login('admin', 'admin', '10.0.0.1', 1000);
    const value = ok.ok ? ok.cookieValue : '';
    expect(auth.fromCookieHeader(`cb_session=${value}`, 2000)).toMatchObject({ user: 'admin' });
    auth.logout(`cb_session=${value}`, 2000);
    expect(auth.fromCookieHeader(`cb_session=${value}`, 2000)).toBeNull();
  });

  it('stores only token hashes; revokes by token or id; the server sees CLI changes', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    const serverView = new UserStore(dir);
    const auth = new Auth(serverView, new SessionSigner(loadOrCreateKey(dir)), []);
    const { id, token } = store.createToken('lobby', 'wallboard');
    expect(fs.readFileSync(path.join(dir, 'users.json'), 'utf8')).not.toContain(token.split('.')[1]);
    expect(auth.fromToken(token)).toEqual({ user: 'token:lobby', role: 'wallboard', via: 'token' });
    expect(auth.fromToken(`${token}x`)).toBeNull();
    expect(store.revokeToken(id)).toBe(true);
    expect(auth.fromToken(token)).toBeNull();
    const second = store.createToken('api', 'supervisor');
    expect(store.revokeToken(second.token)).toBe(true);
    expect(store.revokeToken(second.token)).toBe(false);
  });
});

describe('user CLI', () => {
  it('adds, lists, changes and deletes users', async () => {
    const dir = tempDir();
    const prev = process.env.CALLBOARD_DATA;
    process.env.CALLBOARD_DATA = dir;
    try {
      const lines: string[] = [];
      const out = (l: string) => lines.push(l);
      await userCli(['add', 'carol', '--role', 'supervisor', '--password', 'longenough'], out);
      await userCli(['list'], out);
      expect(lines.join('\n')).toMatch(/carol\tsupervisor/);
      await expect(userCli(['add', 'dave', '--role', 'root', '--password', 'longenough'], out)).rejects.toThrow(/--role/);
      await expect(userCli(['add', 'carol', '--role', 'viewer', '--password', 'longenough'], out)).rejects.toThrow(/exists/);
      await userCli(['passwd', 'carol', '--password', 'evenlonger'], out);
      expect(await verifyPassword('evenlonger', new UserStore(dir).getUser('carol')!.password)).toBe(true);
      await userCli(['del', 'carol'], out);
      expect(new UserStore(dir).users).toEqual([]);
    } finally {
      process.env.CALLBOARD_DATA = prev;
    }
  });

  it('`npm run -s user -- token` prints only the token, and --revoke revokes it', async () => {
    const dir = tempDir();
    // A .env in the working directory must not add noise to stdout either.
    fs.writeFileSync(path.join(dir, '.env'), 'LOG_LEVEL=debug\n');
    const run = promisify(execFile);
    const cwd = process.cwd();
    const env = { ...process.env, CALLBOARD_DATA: dir };
    const { stdout } = await run('npm', ['run', '-s', '--prefix', cwd, 'user', '--', 'token', 'lobby', '--role', 'wallboard'], { env, cwd: dir });
    expect(stdout).toMatch(/^cbt_[0-9a-f]{10}\.[A-Za-z0-9_-]{43}\n$/);
    const token = stdout.trim();
    const store = new UserStore(dir);
    expect(store.findToken(token)?.role).toBe('wallboard');
    const revoked = await run(path.join(cwd, 'node_modules/.bin/tsx'), [path.join(cwd, 'server/auth/cli.ts'), 'token', '--revoke', token], { env, cwd: dir });
    expect(revoked.stdout).toBe('Token revoked.\n');
    expect(store.findToken(token)).toBeUndefined();
  });
});

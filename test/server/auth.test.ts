import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { grantsFor } from '@/lib/grants';
import { Auth, DEMO_ACCOUNTS } from '@/server/auth/auth';
import { main as userCli } from '@/server/auth/cli';
import { hashPassword, verifyPassword } from '@/server/auth/passwords';
import { loadOrCreateKey, parseCookies } from '@/server/auth/session-cookie';
import { SessionStore } from '@/server/auth/session-store';
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

function authIn(
  dir: string,
  demo: readonly (typeof DEMO_ACCOUNTS)[number][] = [],
  opts: ConstructorParameters<typeof Auth>[4] = {},
  store = new UserStore(dir),
): Auth {
  return new Auth(store, new SessionStore(dir), loadOrCreateKey(dir), demo, opts);
}

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
    const auth = authIn(dir, [], {}, store);
    const ok = await auth.login('alice', 'wonderland', '10.0.0.1', 1000);
    expect(ok).toMatchObject({ ok: true, identity: { user: 'alice', role: 'supervisor' } });
    const cookie = ok.ok ? ok.cookieValue : '';
    expect(auth.fromSession(cookie, 2000)).toMatchObject({ user: 'alice', role: 'supervisor' });
    expect(auth.fromSession(`${cookie.slice(0, -2)}xx`, 2000)).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'sessions.jsonl'), 'utf8')).not.toContain(cookie); // only its hash is kept
    expect(auth.fromSession(cookie, 1000 + 13 * 3600_000)).toBeNull(); // expired
    expect(await auth.login('alice', 'wrong', '10.0.0.1', 1000)).toMatchObject({
      ok: false,
      status: 401,
      error: 'Wrong username or password',
    });
    expect(await auth.login('nobody', 'x', '10.0.0.1', 1000)).toMatchObject({ ok: false, status: 401 });
    await store.setPassword('alice', 'looking-glass');
    expect(auth.fromSession(cookie, 2000)).toBeNull();
    // Demo accounts do not exist outside demo mode.
    expect(await auth.login('admin', 'admin', '10.0.0.1', 1000)).toMatchObject({ ok: false, status: 401 });
  });

  it('throttles per (user, address) with doubling delays, never locks the user out elsewhere', async () => {
    const dir = tempDir();
    const auth = authIn(dir, DEMO_ACCOUNTS, {
      throttle: { freeFailures: 3, addressFreeFailures: 20, baseDelayMs: 1000, maxDelayMs: 8000 },
    });
    const t0 = 1_000_000;
    // An attacker at 10.6.6.6 hammers admin.
    for (let i = 0; i < 3; i++) expect(await auth.login('admin', 'nope', '10.6.6.6', t0)).toMatchObject({ ok: false, status: 401 });
    expect(await auth.login('admin', 'nope', '10.6.6.6', t0)).toMatchObject({ ok: false, status: 401 }); // 4th: counted, now 1 s
    const delays: number[] = [];
    let t = t0;
    for (let i = 0; i < 6; i++) {
      const refused = await auth.login('admin', 'admin', '10.6.6.6', t);
      expect(refused).toMatchObject({ ok: false, status: 429 });
      const wait = refused.ok ? 0 : refused.retryAfterSeconds!;
      delays.push(wait);
      t += wait * 1000;
      expect(await auth.login('admin', 'nope', '10.6.6.6', t)).toMatchObject({ ok: false, status: 401 });
    }
    expect(delays).toEqual([1, 2, 4, 8, 8, 8]); // doubling up to the cap, never a lockout
    // Meanwhile the real admin, from an address that has not failed, gets in at once: every time.
    for (let i = 0; i < 3; i++) expect(await auth.login('admin', 'admin', `10.0.0.${i + 1}`, t)).toMatchObject({ ok: true });
    // The attacker's own pair gets through once its delay has passed, and a success starts it afresh.
    expect(await auth.login('admin', 'admin', '10.6.6.6', t + 8000)).toMatchObject({ ok: true });
    expect(await auth.login('admin', 'nope', '10.6.6.6', t + 8000)).toMatchObject({ ok: false, status: 401 });
    expect(await auth.login('admin', 'nope', '10.6.6.6', t + 8000)).toMatchObject({ ok: false, status: 401 });
  });

  it('delays an address that fails for many names, not other addresses; old failures fade', async () => {
    const dir = tempDir();
    const auth = authIn(dir, DEMO_ACCOUNTS, {
      throttle: { freeFailures: 3, addressFreeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, addressHalfLifeMs: 60_000 },
    });
    const t = 5_000_000;
    for (let i = 0; i < 6; i++) expect(await auth.login(`user${i}`, 'x', '10.9.9.9', t)).toMatchObject({ ok: false, status: 401 });
    expect(await auth.login('viewer', 'viewer', '10.9.9.9', t)).toMatchObject({ ok: false, status: 429 });
    expect(await auth.login('viewer', 'viewer', '10.9.9.8', t)).toMatchObject({ ok: true });
    expect(await auth.login('viewer', 'viewer', '::ffff:10.9.9.8', t)).toMatchObject({ ok: true });
    // Successes never count: a busy shared address (an office NAT, the e2e suite) logs in as often as it likes.
    for (let i = 0; i < 50; i++) expect((await auth.login('supervisor', 'supervisor', '10.1.1.1', t)).ok).toBe(true);
    // An hour later the six failures count for almost nothing.
    expect(await auth.login('viewer', 'viewer', '10.9.9.9', t + 3600_000)).toMatchObject({ ok: true });
  });

  it('counts IPv6 clients by their /64', async () => {
    const { addressKey } = await import('@/server/auth/login-throttle');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
  });

  it('compares demo passwords in constant time and ends a logged-out session', async () => {
    const dir = tempDir();
    const auth = authIn(dir, DEMO_ACCOUNTS);
    expect((await auth.login('admin', 'admi', '10.0.0.1', 1000)).ok).toBe(false);
    const ok = await auth.login('admin', 'admin', '10.0.0.1', 1000);
    const value = ok.ok ? ok.cookieValue : '';
    expect(auth.fromCookieHeader(`cb_session=${value}`, 2000)).toMatchObject({ user: 'admin' });
    auth.logout(`cb_session=${value}`);
    expect(auth.fromCookieHeader(`cb_session=${value}`, 2000)).toBeNull();
  });

  it('refuses a logged-out cookie with any one character changed, and remembers the logout across a restart', async () => {
    const dir = tempDir();
    const auth = authIn(dir, DEMO_ACCOUNTS);
    const t = Date.now(); // a restart reads the journal with the real clock
    const a = await auth.login('admin', 'admin', '10.0.0.1', t);
    const b = await auth.login('viewer', 'viewer', '10.0.0.1', t);
    const [out, kept] = [a.ok ? a.cookieValue : '', b.ok ? b.cookieValue : ''];
    auth.logout(`cb_session=${out}`);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < out.length; i++) {
      for (const c of alphabet) {
        if (c === out[i]) continue;
        expect(auth.fromSession(out.slice(0, i) + c + out.slice(i + 1), t + 1000)).toBeNull();
      }
    }
    expect(auth.fromSession(out, t + 1000)).toBeNull();
    // A new process on the same data directory: the logout holds, the other session lives on.
    const restarted = authIn(dir, DEMO_ACCOUNTS);
    expect(restarted.fromSession(out, t + 2000)).toBeNull();
    expect(restarted.fromSession(kept, t + 2000)).toMatchObject({ user: 'viewer' });
    expect(parseCookies('__proto__=x; cb_session=y').cb_session).toBe('y');
  });

  it('reads a session journal with a torn last line (a crash mid-write), and keeps memory bounded', () => {
    const dir = tempDir();
    const sessions = new SessionStore(dir, { maxSessions: 3 });
    const ids = Array.from({ length: 5 }, (_, i) =>
      sessions.create({ kind: 'user', subject: `u${i}`, stamp: 's', expires: Date.now() + 60_000 }, Date.now()),
    );
    expect(sessions.size).toBe(3);
    // One account logging in again and again only replaces its own oldest sessions.
    const perUser = new SessionStore(tempDir(), { maxPerSubject: 2 });
    const other = perUser.create({ kind: 'user', subject: 'bob', stamp: 's', expires: Date.now() + 60_000 }, Date.now());
    const mine = Array.from({ length: 5 }, () =>
      perUser.create({ kind: 'user', subject: 'eve', stamp: 's', expires: Date.now() + 60_000 }, Date.now()),
    );
    expect(perUser.size).toBe(3);
    expect([other, ...mine].map((id) => perUser.get(id, Date.now()) !== null)).toEqual([true, false, false, false, true, true]);
    expect(sessions.get(ids[0], Date.now())).toBeNull();
    expect(sessions.get(ids[4], Date.now())).not.toBeNull();
    fs.appendFileSync(sessions.file, '{"add":"abc","kind":"us');
    const warnings: string[] = [];
    const again = new SessionStore(dir, { onWarning: (m) => warnings.push(m) });
    expect(again.get(ids[4], Date.now())).not.toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/sessions\.jsonl: 1 unreadable line/)]);
  });

  it('stores only token hashes; revokes by token or id; the server sees CLI changes', async () => {
    const dir = tempDir();
    const store = new UserStore(dir);
    const serverView = new UserStore(dir);
    const auth = authIn(dir, [], {}, serverView);
    const { id, token } = store.createToken('lobby', 'wallboard');
    expect(fs.readFileSync(path.join(dir, 'users.json'), 'utf8')).not.toContain(token.split('.')[1]);
    expect(auth.fromToken(token)).toEqual({ user: 'token:lobby', role: 'wallboard', via: 'token', grants: grantsFor('wallboard') });
    expect(auth.fromToken(`${token}x`)).toBeNull();
    expect(store.revokeToken(id)).toBe(true);
    expect(auth.fromToken(token)).toBeNull();
    const second = store.createToken('api', 'supervisor');
    expect(store.revokeToken(second.token)).toBe(true);
    expect(store.revokeToken(second.token)).toBe(false);
  });
});

describe('user CLI', () => {
  /** Runs `body` with the CLI pointed at a fresh data directory, and what it printed collected in `lines`. */
  async function inDataDir(body: (dir: string, out: (line: string) => void, lines: string[]) => Promise<void>): Promise<void> {
    const dir = tempDir();
    const prev = process.env.CALLBOARD_DATA;
    process.env.CALLBOARD_DATA = dir;
    const lines: string[] = [];
    try {
      await body(dir, (l) => lines.push(l), lines);
    } finally {
      process.env.CALLBOARD_DATA = prev;
    }
  }

  it('adds, lists, changes and deletes users', async () => {
    await inDataDir(async (dir, out, lines) => {
      await userCli(['add', 'carol', '--role', 'supervisor', '--password', 'longenough'], out);
      await userCli(['list'], out);
      expect(lines.join('\n')).toMatch(/carol\tsupervisor/);
      await expect(userCli(['add', 'dave', '--role', 'root', '--password', 'longenough'], out)).rejects.toThrow(/--role/);
      await expect(userCli(['add', 'carol', '--role', 'viewer', '--password', 'longenough'], out)).rejects.toThrow(/exists/);
      await userCli(['passwd', 'carol', '--password', 'evenlonger'], out);
      expect(await verifyPassword('evenlonger', new UserStore(dir).getUser('carol')!.password)).toBe(true);
      await userCli(['del', 'carol'], out);
      expect(new UserStore(dir).users).toEqual([]);
    });
  });

  it('makes a token for some queues, lists them, and refuses a bad queue name with the reason', async () => {
    await inDataDir(async (dir, out, lines) => {
      await userCli(['token', 'sales-tv', '--role', 'wallboard', '--queues', 'support,sales,sales'], out);
      const token = lines.pop()!;
      expect(new UserStore(dir).findToken(token)?.queues).toEqual(['sales', 'support']);
      await userCli(['list'], out);
      expect(lines.join('\n')).toMatch(/sales-tv\twallboard\t\S+\tqueues=sales,support/);
      await expect(userCli(['token', 'bad', '--role', 'wallboard', '--queues', 'sales\r\nAction: Logoff'], out)).rejects.toThrow(/queue/i);
      await expect(userCli(['token', 'none', '--role', 'wallboard', '--queues', ','], out)).rejects.toThrow(/at least one queue/);
      expect(new UserStore(dir).tokens.map((t) => t.name)).toEqual(['sales-tv']);
    });
  });

  it('`npm run -s user -- token` prints only the token, and --revoke revokes it', async () => {
    const dir = tempDir();
    // A .env in the working directory must not add noise to stdout either.
    fs.writeFileSync(path.join(dir, '.env'), 'LOG_LEVEL=debug\n');
    const run = promisify(execFile);
    const cwd = process.cwd();
    const env = { ...process.env, CALLBOARD_DATA: dir };
    const { stdout } = await run('npm', ['run', '-s', '--prefix', cwd, 'user', '--', 'token', 'lobby', '--role', 'wallboard'], {
      env,
      cwd: dir,
    });
    expect(stdout).toMatch(/^cbt_[0-9a-f]{10}\.[A-Za-z0-9_-]{43}\n$/);
    const token = stdout.trim();
    const store = new UserStore(dir);
    expect(store.findToken(token)?.role).toBe('wallboard');
    const revoked = await run(path.join(cwd, 'node_modules/.bin/tsx'), [path.join(cwd, 'server/auth/cli.ts'), 'token', '--revoke', token], {
      env,
      cwd: dir,
    });
    expect(revoked.stdout).toBe('Token revoked.\n');
    expect(store.findToken(token)).toBeUndefined();
  });
});

/**
 * A hand-edited users.json that breaks the schema: a clear error naming the
 * file and the field, the last good users stay in use, and the periodic
 * credential check goes on for every socket.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@/server/log';
import { login, MirrorClient, startStack, waitFor, type Stack } from './harness';

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ demo: false, app: { recheckMs: 50, log: createLogger('info', { stream: logSink, pretty: false }) } });
});
afterAll(async () => {
  await stack?.close();
});

const closed = (c: MirrorClient) => new Promise<string>((resolve) => c.socket.on('disconnect', (reason) => resolve(reason)));

describe('a users.json that breaks the schema', () => {
  it('is reported with the file and the field, the last good users stay, and the sockets are still rechecked', async () => {
    const store = stack.app.auth.store;
    await store.addUser('carol', 'supervisor', 'carol-password');
    const { token } = store.createToken('tv', 'wallboard');
    const carol = new MirrorClient(stack.url, { cookie: await login(stack.url, 'carol', 'carol-password') });
    const wall = new MirrorClient(stack.url, { token });
    await Promise.all([carol.connected(), wall.connected()]);

    // An admin edits the file by hand and mistypes a role.
    const good = JSON.parse(fs.readFileSync(store.file, 'utf8'));
    const broken = structuredClone(good);
    broken.users[1].role = 'superviser';
    fs.writeFileSync(store.file, JSON.stringify(broken, null, 2));
    await waitFor(() => logLines.some((l) => l.includes('users[1].role')), 'the error in the log');
    const error = JSON.parse(logLines.find((l) => l.includes('users[1].role'))!);
    expect(error.level).toBe(50);
    expect(error.msg).toContain(store.file);
    expect(error.msg).toMatch(/users\[1\]\.role: Invalid option/);
    expect(logLines.filter((l) => l.includes('users[1].role'))).toHaveLength(1); // once per broken version, not every 50 ms

    // Several recheck rounds later (counted by the wallboard socket's checks): nothing more logged, everyone still in,
    // logins still work with the last good users.
    const lines = logLines.length;
    const checks = vi.spyOn(stack.app.auth, 'fromToken');
    await waitFor(() => checks.mock.calls.length >= 3, 'three recheck rounds');
    checks.mockRestore();
    expect(logLines.length).toBe(lines);
    expect(carol.socket.connected && wall.socket.connected).toBe(true);
    expect((await fetch(`${stack.url}/api/me`, { headers: { cookie: await login(stack.url, 'carol', 'carol-password') } })).status).toBe(
      200,
    );
    // The CLI refuses to write over the broken file rather than lose the edit.
    expect(() => store.createToken('other', 'viewer')).toThrow(/users\[1\]\.role/);

    // Fixed, with the wallboard token removed: the check goes on and closes that socket only.
    const wallClosed = closed(wall);
    fs.writeFileSync(store.file, JSON.stringify({ ...good, tokens: [] }, null, 2));
    expect(await wallClosed).toBe('io server disconnect');
    expect(carol.socket.connected).toBe(true);
    carol.close();
  });

  it('stops the server at start with the same clear message when there are no good users to fall back on', async () => {
    const { UserStore } = await import('@/server/auth/user-store');
    const dir = fs.mkdtempSync(`${stack.dataDir}-start`);
    fs.writeFileSync(
      `${dir}/users.json`,
      JSON.stringify({ version: 1, users: [{ name: 'x', role: 'admin', created: 'now' }], tokens: [] }),
    );
    expect(() => new UserStore(dir)).toThrow(/users\.json is not a valid Callboard users file: users\[0\]\.password: Invalid input/);
    fs.writeFileSync(`${dir}/users.json`, '{"version": 1,');
    expect(() => new UserStore(dir)).toThrow(/users\.json is not valid JSON/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * Two processes started on one empty data directory make one admin between
 * them: the check and the write happen under an exclusive lock file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '@/server/auth/bootstrap';
import { UserStore } from '@/server/auth/user-store';

const run = promisify(execFile);
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-first-admin-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const admins = (dir: string) => new UserStore(dir).users.filter((u) => u.role === 'admin').length;

describe('the first admin', () => {
  it('is created once by concurrent starts in one process', async () => {
    for (let round = 0; round < 10; round++) {
      const dir = tempDir();
      const results = await Promise.all([
        ensureFirstAdmin(new UserStore(dir)),
        ensureFirstAdmin(new UserStore(dir)),
        ensureFirstAdmin(new UserStore(dir)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(admins(dir)).toBe(1);
    }
  });

  it('is created once by two processes racing on the same empty directories, 30 times over', async () => {
    const rounds = Array.from({ length: 30 }, tempDir);
    const tsx = path.resolve('node_modules/.bin/tsx');
    const child = path.resolve('test/server/fixtures/auth-first-admin-child.ts');
    const [a, b] = await Promise.all(['a', 'b'].map((me) => run(tsx, [child, me, ...rounds])));
    const created = [a.stdout, b.stdout]
      .join('')
      .split('\n')
      .filter((l) => l === 'created').length;
    expect(created).toBe(30);
    for (const dir of rounds) expect(admins(dir)).toBe(1);
    for (const dir of rounds) expect(fs.readdirSync(dir).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

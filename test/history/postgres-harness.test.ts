/** The throwaway PostgreSQL's rules: found on PATH or in Debian's place, and never skipped under CI. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresBin, postgresAvailability } from '../support/postgres';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const empty = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-nopg-'));
  dirs.push(d);
  return d;
};

describe('test PostgreSQL', () => {
  it('without PostgreSQL: fails under CI=true with what to do, skips otherwise', () => {
    const nowhere = { PATH: empty() };
    expect(() => postgresAvailability({ ...nowhere, CI: 'true' }, empty())).toThrow(
      /PostgreSQL is not installed.*CI must test.*apt-get install postgresql/,
    );
    expect(postgresAvailability(nowhere, empty())).toEqual({ skip: expect.stringMatching(/not installed/) });
  });

  it('finds the newest of Debian’s /usr/lib/postgresql/<version>/bin when PATH has none', () => {
    const root = empty();
    for (const v of ['9', '15', '13']) {
      fs.mkdirSync(path.join(root, v, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(root, v, 'bin', 'initdb'), '');
    }
    expect(findPostgresBin({ PATH: empty() }, root)).toBe(path.join(root, '15', 'bin'));
  });
});

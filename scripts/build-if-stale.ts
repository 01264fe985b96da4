/**
 * Runs `next build` only when what the build reads has changed since the last
 * build, so a service restart takes seconds instead of a full build.
 *
 * The fingerprint is a hash of the contents (not the mtimes: a fresh clone or
 * a checkout touches every file) of the pages, components, lib, public files
 * and the build's configuration and lockfile. It is written into `.next` only
 * after a build succeeded, so a failed build is retried on the next start.
 *
 *   tsx scripts/build-if-stale.ts           build if stale
 *   tsx scripts/build-if-stale.ts --check   exit 1 if stale, build nothing
 *   tsx scripts/build-if-stale.ts --force   build whatever the fingerprint says
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(root, '.next', 'callboard-build-fingerprint');
const SOURCE_DIRS = ['app', 'components', 'lib', 'public'];
const ROOT_FILES = /^(next\.config\.\w+|postcss\.config\.\w+|tsconfig\.json|package\.json|package-lock\.json|proxy\.ts|middleware\.ts)$/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

export function fingerprint(): string {
  const files = [
    ...SOURCE_DIRS.flatMap((d) => filesUnder(path.join(root, d))),
    ...fs
      .readdirSync(root)
      .filter((name) => ROOT_FILES.test(name))
      .map((name) => path.join(root, name)),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function built(): string | null {
  try {
    return fs.readFileSync(STAMP, 'utf8').trim();
  } catch {
    return null;
  }
}

const wanted = fingerprint();
const fresh = built() === wanted && fs.existsSync(path.join(root, '.next', 'BUILD_ID'));
if (process.argv.includes('--check')) process.exit(fresh ? 0 : 1);
if (fresh && !process.argv.includes('--force')) {
  process.stdout.write('Build is up to date with the sources; skipping next build.\n');
  process.exit(0);
}
const result = spawnSync('npx', ['next', 'build'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(STAMP, `${wanted}\n`);

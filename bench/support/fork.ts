/**
 * A child process running one TS file of bench/ (via tsx), with `--expose-gc`
 * so it can measure its own retained heap. It speaks bench/e2e/ipc.ts's
 * messages: `ready` once, then numbered requests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '../e2e/ipc';

const benchDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export class BenchChild extends Child {
  /** `file` is relative to bench/. */
  constructor(file: string, env: Record<string, string> = {}) {
    super(file, env, { dir: benchDir, nodeFlags: ['--expose-gc'] });
  }
}

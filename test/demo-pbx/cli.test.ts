import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor as waitForCondition } from '../support/wait-for';
import { TestAmi, repoRoot } from './ami-test-client';

/** `npm run demo-pbx` runs this file with tsx; the test runs it the same way, on port 0. */
const cli = path.join(repoRoot, 'server/demo-pbx/cli.ts');
let child: ChildProcess | undefined;

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const c = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
  return { child: c, output: () => out, exited };
}

// A child process starts slower than anything in-process: tsx compiles first.
const waitFor = <T>(cond: () => T | undefined, what: string) => waitForCondition(cond, what, 30_000);

afterEach(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.on('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  child = undefined;
});

describe('demo PBX CLI', () => {
  it('listens, prints its credentials, and serves any AMI client', async () => {
    const r = run(['--port', '0', '--seed', '5', '--rate', '30', '--user', 'tool', '--secret', 'pw-1']);
    child = r.child;
    const port = await waitFor(() => /listening on 127\.0\.0\.1:(\d+)\n/.exec(r.output())?.[1], 'listening line');
    // The credentials are printed after the listening line, and may arrive in a later chunk of the child's stdout.
    await waitFor(() => r.output().includes('secret:'), 'credentials');
    expect(r.output()).toContain('username: tool');
    expect(r.output()).toContain('secret:   pw-1');
    const c = await TestAmi.login(Number(port), 'tool', 'pw-1');
    const channels = await c.list({ Action: 'CoreShowChannels' });
    expect(channels.complete.fields.EventList).toBe('Complete');
    c.close();
  }, 45_000);

  it('--warmup starts the PBX with traffic already handled', async () => {
    const r = run(['--port', '0', '--seed', '5', '--warmup', '30', '--user', 'tool', '--secret', 'pw-1']);
    child = r.child;
    const port = await waitFor(() => /listening on 127\.0\.0\.1:(\d+)\n/.exec(r.output())?.[1], 'listening line');
    const c = await TestAmi.login(Number(port), 'tool', 'pw-1');
    const params = (await c.list({ Action: 'QueueStatus' })).items.filter((i) => i.fields.Event === 'QueueParams');
    expect(params.reduce((n, i) => n + Number(i.fields.Completed), 0)).toBeGreaterThan(0);
    c.close();
  }, 45_000);

  it('rejects bad arguments with a clear message', async () => {
    const r = run(['--port', 'many']);
    child = r.child;
    expect(await r.exited).toBe(2);
    expect(r.output()).toContain('--port must be an integer');
  });
});

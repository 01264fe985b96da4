import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/server/config';

describe('config', () => {
  it('defaults to the demo PBX on port 3000 with ./data', () => {
    const c = loadConfig({});
    expect(c.ami).toBeNull();
    expect(c.port).toBe(3000);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.originate).toEqual({ context: 'from-internal', channelTemplate: 'PJSIP/{extension}' });
    expect(c.batchMs).toBe(50);
  });

  it('reads a real PBX', () => {
    const c = loadConfig({ AMI_HOST: 'pbx.lan', AMI_USERNAME: 'callboard', AMI_SECRET: 's3cret', AMI_TLS: 'yes', AMI_PORT: '5039' });
    expect(c.ami).toEqual({ host: 'pbx.lan', port: 5039, username: 'callboard', secret: 's3cret', tls: true });
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ AMI_HOST: 'pbx' })).toThrow(/AMI_USERNAME, AMI_SECRET: required/);
    expect(() => loadConfig({ ORIGINATE_CHANNEL: 'PJSIP/101' })).toThrow(/\{extension\}/);
    expect(() => loadConfig({ AMI_HOST: 'pbx', AMI_USERNAME: 'u', AMI_SECRET: 'a\r\nAction: Command' })).toThrow(ConfigError);
  });

  it('exits with code 1 and a message, not a stack trace, on bad config', async () => {
    const run = promisify(execFile);
    const err = await run('npx', ['tsx', 'server/index.ts'], { env: { ...process.env, PORT: '99999' } }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/Invalid configuration:\n {2}PORT/);
    expect((err as { stderr: string }).stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

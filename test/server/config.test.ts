import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrunks } from '@/server/config';
import { startStack, waitFor } from './harness';

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

  it('reads allowed origins as the exact origins browsers send', () => {
    expect(loadConfig({ CALLBOARD_ORIGINS: 'https://cb.example.com/, http://10.0.0.5:3000' }).allowedOrigins).toEqual([
      'https://cb.example.com',
      'http://10.0.0.5:3000',
    ]);
    expect(() => loadConfig({ CALLBOARD_ORIGINS: 'cb.example.com' })).toThrow(/CALLBOARD_ORIGINS: "cb.example.com" is not an origin/);
  });

  it('reads trunk patterns: endpoint names and /regex/, commas inside a regex included', () => {
    expect(loadConfig({}).trunks).toBeNull();
    expect(parseTrunks('carrier, PJSIP/sipgate ,/^IAX2\\/x{1,3}-/i')).toEqual(['carrier', 'PJSIP/sipgate', /^IAX2\/x{1,3}-/i]);
    expect(loadConfig({ CALLBOARD_TRUNKS: '/^DAHDI\\//' }).trunks).toEqual([/^DAHDI\//]);
    expect(() => loadConfig({ CALLBOARD_TRUNKS: '/(/' })).toThrow(/CALLBOARD_TRUNKS: bad regular expression/);
    expect(() => loadConfig({ CALLBOARD_TRUNKS: '/carrier/g' })).toThrow(/CALLBOARD_TRUNKS: flags "g"/);
    expect(() => loadConfig({ CALLBOARD_TRUNKS: 'carrier;rm' })).toThrow(/CALLBOARD_TRUNKS: .*neither an endpoint/);
    expect(() => loadConfig({ CALLBOARD_TRUNKS: ' , ' })).toThrow(/names no trunk/);
  });

  it('passes the trunk patterns to the state engine', async () => {
    // The demo's carrier is a trunk by the built-in guess; configured otherwise, its calls are internal.
    const stack = await startStack({ env: { CALLBOARD_TRUNKS: 'provider9' } });
    try {
      const carrierCalls = () =>
        Object.values(stack.app.session.state.calls).filter((c) =>
          c.channels.some((id) => stack.app.session.state.channels[id]?.name.startsWith('PJSIP/carrier-')),
        );
      await waitFor(() => carrierCalls().length > 0, 'a call over the carrier');
      expect(carrierCalls().map((c) => c.direction)).toEqual(carrierCalls().map(() => 'internal'));
    } finally {
      await stack.close();
    }
  });

  it('exits with code 1 and a message, not a stack trace, on bad config', async () => {
    const run = promisify(execFile);
    const err = await run('npx', ['tsx', 'server/index.ts'], { env: { ...process.env, PORT: '99999' } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/Invalid configuration:\n {2}PORT/);
    expect((err as { stderr: string }).stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrunks } from '@/server/config';
import { startStack, waitFor } from './harness';

describe('config', () => {
  it('defaults to the demo PBX on port 3000 with ./data', () => {
    const c = loadConfig({});
    expect(c.pbxs).toHaveLength(1);
    expect(c.pbxs[0]).toMatchObject({ id: 'demo', label: 'Demo PBX', ami: null, seed: 1 });
    expect(c.port).toBe(3000);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    // The demo dialplan's context; a real PBX's default is from-internal.
    expect(c.pbxs[0].originate).toEqual({ context: 'internal', channelTemplate: 'PJSIP/{extension}' });
    expect(c.batchMs).toBe(50);
    expect(c.contactCheckMs).toBe(30_000);
    expect(c.systemCheckMs).toBe(60_000);
  });

  it("reads the checks' intervals in seconds, 0 turning one off", () => {
    const c = loadConfig({ CALLBOARD_CONTACT_CHECK_SECONDS: '120', CALLBOARD_SYSTEM_CHECK_SECONDS: '0' });
    expect(c.contactCheckMs).toBe(120_000);
    expect(c.systemCheckMs).toBe(0);
    expect(() => loadConfig({ CALLBOARD_CONTACT_CHECK_SECONDS: '-5' })).toThrow(/CALLBOARD_CONTACT_CHECK_SECONDS/);
  });

  it('reads a real PBX', () => {
    const c = loadConfig({ AMI_HOST: 'pbx.lan', AMI_USERNAME: 'callboard', AMI_SECRET: 's3cret', AMI_TLS: 'yes', AMI_PORT: '5039' });
    expect(c.pbxs).toHaveLength(1);
    expect(c.pbxs[0]).toMatchObject({ id: 'main', label: 'pbx.lan', originate: { context: 'from-internal' } });
    expect(c.pbxs[0].ami).toEqual({ host: 'pbx.lan', port: 5039, username: 'callboard', secret: 's3cret', tls: true });
  });

  it('reads several PBXs from the CALLBOARD_CONFIG file, secrets from the environment if asked', () => {
    const file = writeConfig({
      pbxs: [
        { id: 'hq', label: 'Head office', host: '10.0.0.5', username: 'cb', secretEnv: 'HQ_SECRET', trunks: ['carrier', '/^gw-/'] },
        { id: 'lab', demo: { seed: 2 }, originate: { context: 'lab-internal' } },
      ],
    });
    const c = loadConfig({ CALLBOARD_CONFIG: file, HQ_SECRET: 'from-env' });
    expect(c.pbxSource).toBe('file');
    expect(c.pbxs.map((p) => p.id)).toEqual(['hq', 'lab']);
    expect(c.pbxs[0]).toMatchObject({
      label: 'Head office',
      ami: { host: '10.0.0.5', port: 5038, username: 'cb', secret: 'from-env', tls: false },
      trunks: ['carrier', /^gw-/],
      originate: { context: 'from-internal', channelTemplate: 'PJSIP/{extension}' },
    });
    expect(c.pbxs[1]).toMatchObject({ label: 'Demo PBX lab', ami: null, seed: 2, originate: { context: 'lab-internal' } });
  });

  it('reads the example file the README points to', () => {
    const c = loadConfig({ CALLBOARD_CONFIG: 'callboard.config.example.json', HQ_AMI_SECRET: 'x' });
    expect(c.pbxs.map((p) => [p.id, p.ami === null])).toEqual([
      ['hq', false],
      ['branch', false],
      ['lab', true],
    ]);
  });

  it('names the entry and field of every mistake in the file', () => {
    const bad =
      (pbxs: unknown, env: Record<string, string> = {}) =>
      () =>
        loadConfig({ CALLBOARD_CONFIG: writeConfig({ pbxs }), ...env });
    expect(bad([])).toThrow(/pbxs: lists no PBX/);
    expect(bad([{ id: 'Bad Id', demo: {} }])).toThrow(/pbxs\.0\.id: must be 1 to 32 lowercase/);
    expect(
      bad([
        { id: 'a', demo: {} },
        { id: 'a', demo: {} },
      ]),
    ).toThrow(/pbxs\.1\.id: "a" is listed twice/);
    expect(bad([{ id: 'a', host: 'x', username: 'u' }])).toThrow(/pbxs\.0: secret \(or secretEnv\) is required/);
    expect(bad([{ id: 'a', host: 'x', username: 'u', secretEnv: 'NOPE' }])).toThrow(/the variable NOPE is not set/);
    expect(bad([{ id: 'a', host: 'x', username: 'u', secret: 'a\r\nAction: Logoff' }])).toThrow(/control characters/);
    expect(bad([{ id: 'a', host: 'x', username: 'u', secret: 's', trunks: '/(/' }])).toThrow(/pbxs\.0\.trunks: bad regular expression/);
    expect(bad([{ id: 'a', host: 'x', username: 'u', secret: 's', colour: 'red' }])).toThrow(/Unrecognized key|colour/);
    expect(() => loadConfig({ CALLBOARD_CONFIG: '/nonexistent/callboard.json' })).toThrow(
      /cannot read \/nonexistent\/callboard.json \(ENOENT\)/,
    );
    expect(() => loadConfig({ CALLBOARD_CONFIG: writeConfig({ pbxs: [{ id: 'a', demo: {} }] }), AMI_HOST: 'pbx' })).toThrow(
      /either AMI_HOST or CALLBOARD_CONFIG/,
    );
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

  it('reads the pause reasons and the parking context, from the environment and per PBX in the file', () => {
    expect(loadConfig({}).pbxs[0]).toMatchObject({
      pauseReasons: ['Break', 'Lunch', 'Coaching', 'Training', 'Meeting', 'Admin'],
      parkingContext: 'parkedcalls',
    });
    expect(loadConfig({ CALLBOARD_PAUSE_REASONS: ' Lunch , After-call work,', PARKING_CONTEXT: 'park-lot' }).pbxs[0]).toMatchObject({
      pauseReasons: ['Lunch', 'After-call work'],
      parkingContext: 'park-lot',
    });
    expect(() => loadConfig({ CALLBOARD_PAUSE_REASONS: 'Lunch,Break\r\nAction: Command' })).toThrow(/CALLBOARD_PAUSE_REASONS/);
    const file = writeConfig({
      pbxs: [
        { id: 'hq', demo: { seed: 1 }, pauseReasons: ['Coaching'], parking: { context: 'hq-park' } },
        { id: 'lab', demo: { seed: 2 } },
      ],
    });
    const [hq, lab] = loadConfig({ CALLBOARD_CONFIG: file, CALLBOARD_PAUSE_REASONS: 'Lunch' }).pbxs;
    expect(hq).toMatchObject({ pauseReasons: ['Coaching'], parkingContext: 'hq-park' });
    expect(lab).toMatchObject({ pauseReasons: ['Lunch'], parkingContext: 'parkedcalls' });
    expect(() => loadConfig({ CALLBOARD_CONFIG: writeConfig({ pbxs: [{ id: 'x', demo: {}, pauseReasons: ['a\nb'] }] }) })).toThrow(
      /pbxs.0.pauseReasons.0/,
    );
  });

  it('reads trunk patterns: endpoint names and /regex/, commas inside a regex included', () => {
    expect(loadConfig({}).pbxs[0].trunks).toBeNull();
    expect(parseTrunks('carrier, PJSIP/sipgate ,/^IAX2\\/x{1,3}-/i')).toEqual(['carrier', 'PJSIP/sipgate', /^IAX2\/x{1,3}-/i]);
    expect(loadConfig({ CALLBOARD_TRUNKS: '/^DAHDI\\//' }).pbxs[0].trunks).toEqual([/^DAHDI\//]);
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

function writeConfig(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-config-'));
  const file = path.join(dir, 'callboard.config.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

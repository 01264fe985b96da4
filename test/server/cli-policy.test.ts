import { describe, expect, it } from 'vitest';
import { CliPolicy, DEFAULT_CLI_ALLOW } from '@/server/actions/cli-policy';

describe('the CLI console allowlist', () => {
  const policy = new CliPolicy();

  it('allows the read-only defaults, whatever the spacing and case', () => {
    for (const command of [
      'core show uptime',
      '  core   show version ',
      'pjsip show contacts',
      'queue show',
      'queue show billing',
      'Core Show Channels count',
    ])
      expect(policy.check(command), command).toMatchObject({ ok: true });
    expect(policy.check('  core   show uptime ')).toEqual({ ok: true, command: 'core show uptime' });
  });

  it('refuses everything else, with a reason that names the allowlist', () => {
    const refused = policy.check('channel request hangup all');
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.reason).toMatch(/can change or stop the PBX/);
    const other = policy.check('pjsip list endpoints');
    expect(!other.ok && other.reason).toContain(DEFAULT_CLI_ALLOW.join(', '));
    expect(policy.check('')).toEqual({ ok: false, reason: 'Type a command, e.g. core show uptime' });
  });

  it('never lets a pattern allow a command that stops, restarts, unloads or changes the PBX', () => {
    const broad = new CliPolicy(['*', 'core *', 'module *']);
    for (const command of [
      'core stop now',
      'core restart gracefully',
      'module unload res_pjsip.so',
      'core reload',
      'reload',
      'database deltree cidname',
      '!rm -rf /',
      'dialplan reload',
      'manager show user callboard',
    ])
      expect(broad.check(command), command).toMatchObject({ ok: false });
    expect(broad.check('core show uptime')).toMatchObject({ ok: true });
  });

  it('allows a dangerous command only when the config names it exactly', () => {
    const named = new CliPolicy([...DEFAULT_CLI_ALLOW, 'dialplan reload']);
    expect(named.check('dialplan  reload')).toEqual({ ok: true, command: 'dialplan reload' });
    expect(named.check('core reload')).toMatchObject({ ok: false });
  });
});

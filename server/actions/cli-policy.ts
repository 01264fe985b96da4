/**
 * Which CLI commands the admin console may run through AMI's `Command`.
 * An allowlist of patterns (`*` is any run of characters), read-only by
 * default. Commands that stop, restart, unload or change the PBX are never
 * matched by a pattern: only an entry that names the command exactly lets
 * one through, so `core *` never allows `core stop now`.
 */

/** Read-only defaults: each lists or shows, none changes anything. */
export const DEFAULT_CLI_ALLOW = [
  'core show *',
  'pjsip show *',
  'queue show*',
  'sip show *',
  'iax2 show *',
  'dialplan show *',
  'database show *',
] as const;

/** Prefixes of commands that change or stop the PBX (or reveal secrets); only an exact entry allows one. */
const DANGEROUS = [
  /^core (stop|restart|abort|reload|set)\b/,
  /^(stop|restart|reload|shutdown)\b/,
  /^module (load|unload|reload)\b/,
  /^(dialplan|pjsip|sip|iax2|queue|manager|logger|cdr|cel|features|parking|voicemail|moh|acl|http) reload\b/,
  /^(channel|pjsip|sip) (originate|request|send|set|qualify|hangup)\b/,
  /^(originate|hangup)\b/,
  /^database (put|del|deltree|query)\b/,
  /^dialplan (add|remove|save|set)\b/,
  /^(queue|agent) (add|remove|set|pause|unpause|reset|reload)\b/,
  /^manager (show user|show users)\b/,
  /^(pjsip|sip|iax2) show (auth|auths|secrets?)\b/,
  /^(!|system\b)/,
];

export type CliVerdict = { ok: true; command: string } | { ok: false; reason: string };

/** Spaces as Asterisk's CLI reads them: trimmed, runs collapsed. */
export function normaliseCommand(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export class CliPolicy {
  private readonly patterns: { entry: string; re: RegExp; exact: boolean }[];

  constructor(readonly allow: readonly string[] = DEFAULT_CLI_ALLOW) {
    this.patterns = allow.map((entry) => {
      const e = normaliseCommand(entry).toLowerCase();
      const body = e
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      return { entry: e, re: new RegExp(`^${body}$`), exact: !e.includes('*') };
    });
  }

  check(text: string): CliVerdict {
    const command = normaliseCommand(text);
    if (!command) return { ok: false, reason: 'Type a command, e.g. core show uptime' };
    const lower = command.toLowerCase();
    if (DANGEROUS.some((d) => d.test(lower))) {
      if (this.patterns.some((p) => p.exact && p.entry === lower)) return { ok: true, command };
      return {
        ok: false,
        reason: `"${command.slice(0, 60)}" can change or stop the PBX: only a CALLBOARD_CLI_ALLOW entry that names it exactly allows it`,
      };
    }
    if (this.patterns.some((p) => p.re.test(lower))) return { ok: true, command };
    return { ok: false, reason: `"${command.slice(0, 60)}" is not on the console's allowlist (${this.allow.join(', ')})` };
  }
}

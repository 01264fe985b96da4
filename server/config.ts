/**
 * Configuration from the environment (and `.env`, loaded by the entry point).
 * Everything is validated once at start; a bad value stops the server with a
 * message naming the variable, never a stack trace.
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Values Asterisk will see in a header: printable, no CR/LF/NUL. */
const headerValue = z.string().regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters');

const envSchema = z.object({
  AMI_HOST: z.string().trim().optional(),
  AMI_PORT: port(5038),
  AMI_USERNAME: headerValue.optional(),
  AMI_SECRET: headerValue.optional(),
  AMI_TLS: bool.default(false),
  PORT: port(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  CALLBOARD_DATA: z.string().trim().min(1).default('./data'),
  ORIGINATE_CONTEXT: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be a dialplan context name')
    .default('from-internal'),
  ORIGINATE_CHANNEL: z
    .string()
    .regex(/^[A-Za-z0-9/@._;:+*#{}-]{1,120}$/, 'must be a channel template like PJSIP/{extension}')
    .refine((v) => v.includes('{extension}'), 'must contain {extension}')
    .default('PJSIP/{extension}'),
  CALLBOARD_SEED: z.coerce.number().int().default(1),
  /** Extra origins allowed to open a socket (comma separated), besides the server's own. */
  CALLBOARD_ORIGINS: z.string().default(''),
  /** Op-batching window in ms. */
  CALLBOARD_BATCH_MS: z.coerce.number().int().min(1).max(1000).default(50),
  /** Which channels are trunks, replacing the built-in guess: endpoint names and /regex/ (comma separated). */
  CALLBOARD_TRUNKS: z.string().optional(),
  /** `off`: no AMI `Filter` on connect, in case a PBX's filtering misbehaves. */
  CALLBOARD_AMI_FILTER: bool.default(true),
  /** Roles that see caller numbers masked (`+1555•••••67`), comma separated: `viewer`, `supervisor`; `off` for none. */
  CALLBOARD_MASK_NUMBERS: z
    .string()
    .trim()
    .regex(/^(?:off|none|(?:viewer|supervisor)(?:\s*,\s*(?:viewer|supervisor))*)$/, 'must be off, viewer, supervisor or viewer,supervisor')
    .default('off'),
  /** Full snapshots one user or token may fetch over REST per minute: enough to poll twice a second, not to flood. */
  CALLBOARD_SNAPSHOTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AmiConfig {
  host: string;
  port: number;
  username: string;
  secret: string;
  tls: boolean;
}

export interface Config {
  /** null: run the embedded demo PBX. */
  ami: AmiConfig | null;
  port: number;
  host: string;
  dataDir: string;
  originate: { context: string; channelTemplate: string };
  seed: number;
  allowedOrigins: string[];
  batchMs: number;
  /** Endpoint names and regular expressions that mark trunk channels; null: lib/pbx's default guess. */
  trunks: (string | RegExp)[] | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Ask Asterisk to drop the events the board ignores (server/event-filter.ts). */
  amiFilter: boolean;
  /** Roles whose clients get caller numbers masked, by the server, in the socket and in REST. */
  maskNumbers: ('viewer' | 'supervisor')[];
  snapshotsPerMinute: number;
  dev: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Compared with the browser's Origin header, which is scheme://host[:port] exactly: `https://x/` would never match.
  const allowedOrigins: string[] = [];
  for (const entry of e.CALLBOARD_ORIGINS.split(',').map((v) => v.trim()).filter(Boolean)) {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = 'null';
    }
    if (origin === 'null') throw new ConfigError(`Invalid configuration:\n  CALLBOARD_ORIGINS: "${entry.slice(0, 80)}" is not an origin like https://callboard.example.com`);
    allowedOrigins.push(origin);
  }
  let trunks: (string | RegExp)[] | null = null;
  if (e.CALLBOARD_TRUNKS !== undefined) {
    try {
      trunks = parseTrunks(e.CALLBOARD_TRUNKS);
    } catch (err) {
      throw new ConfigError(`Invalid configuration:\n  CALLBOARD_TRUNKS: ${(err as Error).message}`);
    }
  }
  let ami: AmiConfig | null = null;
  if (e.AMI_HOST) {
    const missing = (['AMI_USERNAME', 'AMI_SECRET'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join(', ')}: required when AMI_HOST is set`);
    ami = { host: e.AMI_HOST, port: e.AMI_PORT, username: e.AMI_USERNAME!, secret: e.AMI_SECRET!, tls: e.AMI_TLS };
  }
  return {
    ami,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CALLBOARD_DATA),
    originate: { context: e.ORIGINATE_CONTEXT, channelTemplate: e.ORIGINATE_CHANNEL },
    seed: e.CALLBOARD_SEED,
    allowedOrigins,
    batchMs: e.CALLBOARD_BATCH_MS,
    trunks,
    logLevel: e.LOG_LEVEL,
    amiFilter: e.CALLBOARD_AMI_FILTER,
    maskNumbers: /^(?:off|none)$/.test(e.CALLBOARD_MASK_NUMBERS) ? [] : [...new Set(e.CALLBOARD_MASK_NUMBERS.split(',').map((r) => r.trim() as 'viewer' | 'supervisor'))],
    snapshotsPerMinute: e.CALLBOARD_SNAPSHOTS_PER_MINUTE,
    dev: env.NODE_ENV !== 'production',
  };
}

const ENDPOINT = /^[A-Za-z0-9_.+@:-]+(?:\/[A-Za-z0-9_.+@:-]+)?$/;

/**
 * `carrier, PJSIP/sipgate, /^IAX2\/.+-[0-9a-f]+$/i`: endpoint names (with or
 * without the technology) and regular expressions matched against the whole
 * channel name. A comma inside /…/ belongs to the expression. Flags g and y
 * are refused: they make `test` stateful, so the same channel would alternate.
 */
export function parseTrunks(text: string): (string | RegExp)[] {
  const out: (string | RegExp)[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    if (i >= text.length) break;
    if (text[i] === '/') {
      let j = i + 1;
      while (j < text.length && text[j] !== '/') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new Error(`unclosed regular expression ${text.slice(i, i + 40)}`);
      const flags = /^[a-z]*/.exec(text.slice(j + 1))![0];
      if (/[^imsu]/.test(flags)) throw new Error(`flags "${flags}" not allowed (use i, m, s, u)`);
      const source = text.slice(i + 1, j);
      try {
        out.push(new RegExp(source, flags));
      } catch (err) {
        throw new Error(`bad regular expression /${source}/: ${(err as Error).message}`);
      }
      i = j + 1 + flags.length;
      if (i < text.length && !/[\s,]/.test(text[i])) throw new Error(`expected a comma after /${source}/${flags}`);
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',') j++;
      const name = text.slice(i, j).trim();
      if (!ENDPOINT.test(name)) throw new Error(`"${name.slice(0, 40)}" is neither an endpoint name (carrier, PJSIP/carrier) nor a /regex/`);
      out.push(name);
      i = j;
    }
  }
  if (out.length === 0) throw new Error('names no trunk; leave it unset for the built-in guess');
  return out;
}

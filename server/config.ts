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
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
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
    allowedOrigins: e.CALLBOARD_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    batchMs: e.CALLBOARD_BATCH_MS,
    logLevel: e.LOG_LEVEL,
    dev: env.NODE_ENV !== 'production',
  };
}

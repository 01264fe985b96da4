/**
 * Configuration from the environment (and `.env`, loaded by the entry point).
 * Everything is validated once at start; a bad value stops the server with a
 * message naming the variable, never a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isTimeZone, parseDayStart, type DayRule } from '@/lib/stats/day';
import { DEFAULT_CLI_ALLOW } from './actions/cli-policy';
import { parseTrustedProxies } from './auth/request-info';
import {
  channelTemplate,
  contextName,
  DEFAULT_ORIGINATE_CHANNEL,
  DEFAULT_ORIGINATE_CONTEXT,
  DEMO_ORIGINATE_CONTEXT,
  DEFAULT_PARKING_CONTEXT,
  DEFAULT_PAUSE_REASONS,
  pauseReasonList,
  headerValue,
  readPbxFile,
  type PbxConfig,
} from './pbx-config';

export type { AmiConfig, PbxConfig } from './pbx-config';

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', '']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Defaults of the bounds (README: configuration). */
export const DEFAULT_LIMITS = { maxChannels: 20_000, maxDevices: 20_000, maxListItems: 50_000, maxFieldLength: 1024 } as const;
export const DEFAULT_DRIFT_CHECK_MINUTES = 15;
export const DEFAULT_SYSTEM_CHECK_SECONDS = 60;
export const DEFAULT_CONTACT_CHECK_SECONDS = 30;
export const DEFAULT_HISTORY_DAYS = 90;

const envSchema = z.object({
  /** A JSON file listing several PBXs (server/pbx-config.ts); instead of the AMI_* variables. */
  CALLBOARD_CONFIG: z.string().trim().optional(),
  AMI_LABEL: z.string().trim().min(1).max(60).optional(),
  AMI_HOST: z.string().trim().optional(),
  AMI_PORT: port(5038),
  AMI_USERNAME: headerValue.optional(),
  AMI_SECRET: headerValue.optional(),
  AMI_TLS: bool.default(false),
  PORT: port(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  CALLBOARD_DATA: z.string().trim().min(1).default('./data'),
  /** Default: from-internal, or the demo dialplan's `internal` on the demo PBX. */
  ORIGINATE_CONTEXT: contextName.optional(),
  ORIGINATE_CHANNEL: channelTemplate.default(DEFAULT_ORIGINATE_CHANNEL),
  /** Comma-separated: the reasons the pause dialog offers first. */
  CALLBOARD_PAUSE_REASONS: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? DEFAULT_PAUSE_REASONS
        : v
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
    )
    .pipe(pauseReasonList),
  PARKING_CONTEXT: contextName.default(DEFAULT_PARKING_CONTEXT),
  /** Comma-separated CLI patterns the admin console may run (`*` any text); the read-only defaults when unset. */
  CALLBOARD_CLI_ALLOW: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? [...DEFAULT_CLI_ALLOW]
        : v
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
    )
    .pipe(z.array(headerValue.min(1).max(200)).max(100, 'at most 100 patterns')),
  CALLBOARD_SEED: z.coerce.number().int().default(1),
  /** Extra origins allowed to open a socket (comma separated), besides the server's own. */
  CALLBOARD_ORIGINS: z.string().default(''),
  /** Op-batching window in ms. */
  CALLBOARD_BATCH_MS: z.coerce.number().int().min(1).max(1000).default(50),
  /** Which channels are trunks, replacing the built-in guess: endpoint names and /regex/ (comma separated). */
  CALLBOARD_TRUNKS: z.string().optional(),
  /** `off`: no AMI `Filter` on connect, in case a PBX's filtering misbehaves. */
  CALLBOARD_AMI_FILTER: bool.default(true),
  /** Bounds on what a hostile PBX can make us hold (see PbxLimits). */
  CALLBOARD_MAX_CHANNELS: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIMITS.maxChannels),
  CALLBOARD_MAX_DEVICES: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIMITS.maxDevices),
  CALLBOARD_MAX_LIST_ITEMS: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_LIMITS.maxListItems),
  CALLBOARD_MAX_FIELD_LENGTH: z.coerce.number().int().min(64).max(1_000_000).default(DEFAULT_LIMITS.maxFieldLength),
  /** Minutes between drift checks (the lists run and differences are counted); 0 turns them off. */
  CALLBOARD_DRIFT_CHECK_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(DEFAULT_DRIFT_CHECK_MINUTES),
  /** Seconds between CoreStatus reads for the system panel (call counts); 0: only on connect and after a reload. */
  CALLBOARD_SYSTEM_CHECK_SECONDS: z.coerce
    .number()
    .min(0)
    .max(24 * 3600)
    .default(DEFAULT_SYSTEM_CHECK_SECONDS),
  /**
   * Seconds between checks for registrations past their expiry
   * (server/pbx/contact-expiry.ts); 0: off. A big site raises it: with
   * thousands of phones one is nearly always due, and each due check reads
   * the whole PJSIPShowContacts (docs/performance.md §9).
   */
  CALLBOARD_CONTACT_CHECK_SECONDS: z.coerce
    .number()
    .min(0)
    .max(24 * 3600)
    .default(DEFAULT_CONTACT_CHECK_SECONDS),
  /** HTTPS: PEM certificate (chain) and key files; both or neither. */
  CALLBOARD_TLS_CERT: z.string().trim().optional(),
  CALLBOARD_TLS_KEY: z.string().trim().optional(),
  /** Proxies believed about X-Forwarded-For/-Proto: addresses and CIDR ranges (comma separated). */
  CALLBOARD_TRUSTED_PROXIES: z.string().default(''),
  /** Strict-Transport-Security max-age in seconds, sent on requests that came over TLS; 0: none. */
  CALLBOARD_HSTS_MAX_AGE: z.coerce.number().int().min(0).max(63_072_000).default(15_552_000),
  /** Who may frame /wallboard (CSP frame-ancestors sources, space or comma separated); default: nobody. */
  CALLBOARD_WALLBOARD_ANCESTORS: z.string().default(''),
  /** Login throttle: failures per (user, address) and per address before the doubling delays start, and their cap. */
  CALLBOARD_LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
  CALLBOARD_LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20),
  CALLBOARD_LOGIN_MAX_DELAY_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Unauthenticated socket connections one address may hold at once, and how long one may take to authenticate. */
  CALLBOARD_PENDING_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(16),
  CALLBOARD_HANDSHAKE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  /** Roles that see caller numbers masked (`+1555•••••67`), comma separated: `viewer`, `supervisor`; `off` for none. */
  CALLBOARD_MASK_NUMBERS: z
    .string()
    .trim()
    .regex(/^(?:off|none|(?:viewer|supervisor)(?:\s*,\s*(?:viewer|supervisor))*)$/, 'must be off, viewer, supervisor or viewer,supervisor')
    .default('off'),
  /** Full snapshots one user or token may fetch over REST per minute: enough to poll twice a second, not to flood. */
  CALLBOARD_SNAPSHOTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `off`: no call history (no database, no Cdr or AgentCalled events asked for). */
  CALLBOARD_HISTORY: bool.default(true),
  /** On the demo PBX, a first start stores a few alert rules to show what alerts do; `off` starts with none. */
  CALLBOARD_DEMO_ALERTS: bool.default(true),
  /** Days of call history kept; 0 keeps everything. */
  CALLBOARD_HISTORY_DAYS: z.coerce.number().int().min(0).max(36_500).default(DEFAULT_HISTORY_DAYS),
  /** The zone "today" follows (IANA, `Europe/Berlin`); the server's own when unset. */
  CALLBOARD_TIME_ZONE: z.string().trim().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC').optional(),
  /** When the day starts, local time `HH:MM`: a night shift's calls count to the day it began. */
  CALLBOARD_DAY_START: z
    .string()
    .refine((v) => parseDayStart(v) !== null, 'must be a time of day such as 00:00 or 06:30')
    .default('00:00'),
  /** PostgreSQL for the call history instead of SQLite in CALLBOARD_DATA. */
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^postgres(?:ql)?:\/\/[^\s]+$/.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Several nodes (docs/architecture.md): the Redis they share. Absent: one node, nothing shared. */
  REDIS_URL: z
    .string()
    .trim()
    .refine((v) => /^rediss?:\/\/[^\s]+$/.test(v), 'must be a redis:// or rediss:// URL')
    .optional(),
  /** This node's name in the cluster (in the lease, the logs and /api/health); default host name and process id. */
  CALLBOARD_NODE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, ., _, : or -')
    .optional(),
});

/** Bounds on the state a PBX can make us hold; each one hit is logged, counted and shown as a warning. */
export interface PbxLimits {
  /** Channels, and so calls, bridges and queue callers (CALLBOARD_MAX_CHANNELS). */
  maxChannels: number;
  /** Devices and hints, queues and queue members (CALLBOARD_MAX_DEVICES). */
  maxDevices: number;
  /** Items one AMI list may hold (CALLBOARD_MAX_LIST_ITEMS). */
  maxListItems: number;
  /** Longest text value kept; longer ones are cut (CALLBOARD_MAX_FIELD_LENGTH). */
  maxFieldLength: number;
}

export interface Config {
  /** The PBXs to watch, in the order the board lists them; the first is the default one. */
  pbxs: PbxConfig[];
  /** Where the PBXs came from, for messages. */
  pbxSource: 'file' | 'env' | 'demo';
  port: number;
  host: string;
  dataDir: string;
  allowedOrigins: string[];
  batchMs: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Ask Asterisk to drop the events the board ignores (server/event-filter.ts). */
  amiFilter: boolean;
  limits: PbxLimits;
  /** ms between drift checks; 0: none. */
  driftCheckMs: number;
  /** ms between CoreStatus reads (server/pbx/system-info.ts); 0: none but on connect and reload. */
  systemCheckMs: number;
  contactCheckMs: number;
  /** Roles whose clients get caller numbers masked, by the server, in the socket and in REST. */
  maskNumbers: ('viewer' | 'supervisor')[];
  snapshotsPerMinute: number;
  /** What the admin CLI console may run: server/actions/cli-policy.ts. */
  cliAllow: string[];
  dev: boolean;
  security: SecurityConfig;
  history: HistoryConfig;
  /** Store the demo's sample alert rules on a first start (demo PBX only). */
  demoAlerts: boolean;
  /** What "today" means for today's figures (docs/metrics.md). */
  day: DayRule;
  /** Several nodes sharing Redis; null: one node on its own. */
  cluster: ClusterConfig | null;
}

export interface ClusterConfig {
  redisUrl: string;
  node: string;
}

export interface HistoryConfig {
  enabled: boolean;
  /** PostgreSQL URL; null: SQLite in the data directory. */
  databaseUrl: string | null;
  /** Days kept; 0: all. */
  retentionDays: number;
}

export interface SecurityConfig {
  /** Serve HTTPS with these PEM contents; null: plain HTTP (perhaps behind a TLS proxy). */
  tls: { cert: string; key: string } | null;
  /** The raw CALLBOARD_TRUSTED_PROXIES list (parsed by server/auth/request-info.ts). */
  trustedProxies: string;
  hstsMaxAge: number;
  wallboardAncestors: string[];
  login: { freeFailures: number; addressFreeFailures: number; maxDelayMs: number };
  pendingSocketsPerAddress: number;
  handshakeTimeoutMs: number;
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
  for (const entry of e.CALLBOARD_ORIGINS.split(',')
    .map((v) => v.trim())
    .filter(Boolean)) {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = 'null';
    }
    if (origin === 'null')
      throw new ConfigError(
        `Invalid configuration:\n  CALLBOARD_ORIGINS: "${entry.slice(0, 80)}" is not an origin like https://callboard.example.com`,
      );
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
  const { pbxs, pbxSource } = pbxConfigs(e, trunks, cleaned);
  const security = securityConfig(e);
  return {
    pbxs,
    pbxSource,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CALLBOARD_DATA),
    allowedOrigins,
    batchMs: e.CALLBOARD_BATCH_MS,
    logLevel: e.LOG_LEVEL,
    amiFilter: e.CALLBOARD_AMI_FILTER,
    limits: {
      maxChannels: e.CALLBOARD_MAX_CHANNELS,
      maxDevices: e.CALLBOARD_MAX_DEVICES,
      maxListItems: e.CALLBOARD_MAX_LIST_ITEMS,
      maxFieldLength: e.CALLBOARD_MAX_FIELD_LENGTH,
    },
    driftCheckMs: Math.round(e.CALLBOARD_DRIFT_CHECK_MINUTES * 60_000),
    systemCheckMs: Math.round(e.CALLBOARD_SYSTEM_CHECK_SECONDS * 1000),
    contactCheckMs: Math.round(e.CALLBOARD_CONTACT_CHECK_SECONDS * 1000),
    maskNumbers: /^(?:off|none)$/.test(e.CALLBOARD_MASK_NUMBERS)
      ? []
      : [...new Set(e.CALLBOARD_MASK_NUMBERS.split(',').map((r) => r.trim() as 'viewer' | 'supervisor'))],
    snapshotsPerMinute: e.CALLBOARD_SNAPSHOTS_PER_MINUTE,
    cliAllow: e.CALLBOARD_CLI_ALLOW,
    dev: env.NODE_ENV !== 'production',
    security,
    history: { enabled: e.CALLBOARD_HISTORY, databaseUrl: e.DATABASE_URL ?? null, retentionDays: e.CALLBOARD_HISTORY_DAYS },
    demoAlerts: e.CALLBOARD_DEMO_ALERTS,
    cluster: e.REDIS_URL ? { redisUrl: e.REDIS_URL, node: e.CALLBOARD_NODE ?? `${os.hostname()}-${process.pid}` } : null,
    day: {
      timeZone: e.CALLBOARD_TIME_ZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      startMinutes: parseDayStart(e.CALLBOARD_DAY_START) ?? 0,
    },
  };
}

/** The PBX list: the CALLBOARD_CONFIG file, or the one PBX of the AMI_* variables, or the demo. */
function pbxConfigs(
  e: z.infer<typeof envSchema>,
  trunks: (string | RegExp)[] | null,
  env: Record<string, string | undefined>,
): { pbxs: PbxConfig[]; pbxSource: Config['pbxSource'] } {
  if (e.CALLBOARD_CONFIG) {
    if (e.AMI_HOST) throw new ConfigError('Invalid configuration:\n  AMI_HOST: set either AMI_HOST or CALLBOARD_CONFIG, not both');
    try {
      const pbxs = readPbxFile(path.resolve(e.CALLBOARD_CONFIG), {
        originate: { context: e.ORIGINATE_CONTEXT, channelTemplate: e.ORIGINATE_CHANNEL },
        pauseReasons: e.CALLBOARD_PAUSE_REASONS,
        parkingContext: e.PARKING_CONTEXT,
        parseTrunks,
        env,
      });
      return { pbxs: pbxs.map((p) => ({ ...p, trunks: p.trunks ?? trunks })), pbxSource: 'file' };
    } catch (err) {
      throw new ConfigError(`Invalid configuration:\n  ${(err as Error).message}`);
    }
  }
  const originate = (fallback: string) => ({ context: e.ORIGINATE_CONTEXT ?? fallback, channelTemplate: e.ORIGINATE_CHANNEL });
  const extras = { pauseReasons: e.CALLBOARD_PAUSE_REASONS, parkingContext: e.PARKING_CONTEXT };
  if (!e.AMI_HOST) {
    const demo = {
      id: 'demo',
      label: 'Demo PBX',
      ami: null,
      seed: e.CALLBOARD_SEED,
      trunks,
      originate: originate(DEMO_ORIGINATE_CONTEXT),
      ...extras,
    };
    return { pbxs: [demo], pbxSource: 'demo' };
  }
  const missing = (['AMI_USERNAME', 'AMI_SECRET'] as const).filter((k) => !e[k]);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join(', ')}: required when AMI_HOST is set`);
  const ami = { host: e.AMI_HOST, port: e.AMI_PORT, username: e.AMI_USERNAME!, secret: e.AMI_SECRET!, tls: e.AMI_TLS };
  const pbx = {
    id: 'main',
    label: e.AMI_LABEL ?? e.AMI_HOST,
    ami,
    seed: 1,
    trunks,
    originate: originate(DEFAULT_ORIGINATE_CONTEXT),
    ...extras,
  };
  return { pbxs: [pbx], pbxSource: 'env' };
}

const ANCESTOR = /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/;

function securityConfig(e: z.infer<typeof envSchema>): SecurityConfig {
  const fail = (name: string, message: string) => new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);
  let tls: SecurityConfig['tls'] = null;
  if (Boolean(e.CALLBOARD_TLS_CERT) !== Boolean(e.CALLBOARD_TLS_KEY)) {
    throw fail(
      e.CALLBOARD_TLS_CERT ? 'CALLBOARD_TLS_KEY' : 'CALLBOARD_TLS_CERT',
      'required when the other of CALLBOARD_TLS_CERT / CALLBOARD_TLS_KEY is set',
    );
  }
  if (e.CALLBOARD_TLS_CERT && e.CALLBOARD_TLS_KEY) {
    const read = (name: string, file: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw fail(name, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    tls = { cert: read('CALLBOARD_TLS_CERT', e.CALLBOARD_TLS_CERT), key: read('CALLBOARD_TLS_KEY', e.CALLBOARD_TLS_KEY) };
  }
  try {
    parseTrustedProxies(e.CALLBOARD_TRUSTED_PROXIES);
  } catch (err) {
    throw fail('CALLBOARD_TRUSTED_PROXIES', (err as Error).message);
  }
  const wallboardAncestors = e.CALLBOARD_WALLBOARD_ANCESTORS.split(/[\s,]+/).filter(Boolean);
  const bad = wallboardAncestors.find((a) => !ANCESTOR.test(a));
  if (bad) throw fail('CALLBOARD_WALLBOARD_ANCESTORS', `"${bad.slice(0, 80)}" is not a source like https://intranet.example.com`);
  return {
    tls,
    trustedProxies: e.CALLBOARD_TRUSTED_PROXIES,
    hstsMaxAge: e.CALLBOARD_HSTS_MAX_AGE,
    wallboardAncestors,
    login: {
      freeFailures: e.CALLBOARD_LOGIN_FREE_FAILURES,
      addressFreeFailures: e.CALLBOARD_LOGIN_ADDRESS_FREE_FAILURES,
      maxDelayMs: e.CALLBOARD_LOGIN_MAX_DELAY_S * 1000,
    },
    pendingSocketsPerAddress: e.CALLBOARD_PENDING_SOCKETS_PER_ADDRESS,
    handshakeTimeoutMs: e.CALLBOARD_HANDSHAKE_TIMEOUT_MS,
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
        throw new Error(`bad regular expression /${source}/: ${(err as Error).message}`, { cause: err });
      }
      i = j + 1 + flags.length;
      if (i < text.length && !/[\s,]/.test(text[i])) throw new Error(`expected a comma after /${source}/${flags}`);
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',') j++;
      const name = text.slice(i, j).trim();
      if (!ENDPOINT.test(name))
        throw new Error(`"${name.slice(0, 40)}" is neither an endpoint name (carrier, PJSIP/carrier) nor a /regex/`);
      out.push(name);
      i = j;
    }
  }
  if (out.length === 0) throw new Error('names no trunk; leave it unset for the built-in guess');
  return out;
}

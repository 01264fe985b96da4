/**
 * Which PBXs the board watches. Two sources, never both:
 *
 * - `CALLBOARD_CONFIG` names a JSON file listing N PBXs (validated with zod;
 *   see `callboard.config.example.json`);
 * - otherwise the `AMI_*` variables describe one PBX, and without `AMI_HOST`
 *   an embedded demo PBX runs.
 *
 * A PBX entry either connects (`host`, `username`, a secret) or is a demo PBX
 * (`demo: {seed}`), which tests and e2e use to run several side by side.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { pauseReasonSchema } from '@/lib/actions';
import { PBX_ID } from '@/lib/protocol';

export interface AmiConfig {
  host: string;
  port: number;
  username: string;
  secret: string;
  tls: boolean;
}

export interface OriginateConfig {
  context: string;
  channelTemplate: string;
}

export interface PbxConfig {
  id: string;
  label: string;
  /** null: an embedded demo PBX seeded with `seed`. */
  ami: AmiConfig | null;
  seed: number;
  /** Endpoint names and regular expressions that mark trunk channels; null: lib/pbx's default guess. */
  trunks: (string | RegExp)[] | null;
  originate: OriginateConfig;
  /** The pause reasons the pause dialog offers first (any other can be typed). */
  pauseReasons: string[];
  /** The context whose extensions are the parking slots, for pick-up. */
  parkingContext: string;
}

/** What the pause dialog offers when nothing is configured. */
export const DEFAULT_PAUSE_REASONS = ['Break', 'Lunch', 'Coaching', 'Training', 'Meeting', 'Admin'];
/** res_parking's default context for its slots. */
export const DEFAULT_PARKING_CONTEXT = 'parkedcalls';
export const pauseReasonList = z.array(pauseReasonSchema).max(20, 'at most 20 reasons');

/** The demo dialplan routes extensions in `internal`, where a real PBX would use from-internal. */
export const DEMO_ORIGINATE_CONTEXT = 'internal';
export const DEFAULT_ORIGINATE_CONTEXT = 'from-internal';
export const DEFAULT_ORIGINATE_CHANNEL = 'PJSIP/{extension}';

/** Values Asterisk will see in a header: printable, no CR/LF/NUL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const headerValue = z.string().regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters');
export const contextName = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be a dialplan context name');
export const channelTemplate = z
  .string()
  .regex(/^[A-Za-z0-9/@._;:+*#{}-]{1,120}$/, 'must be a channel template like PJSIP/{extension}')
  .refine((v) => v.includes('{extension}'), 'must contain {extension}');

const common = {
  id: z.string().regex(PBX_ID, 'must be 1 to 32 lowercase letters, digits, - or _, starting with a letter or digit'),
  label: z.string().trim().min(1).max(60).optional(),
  trunks: z.union([z.string(), z.array(z.string())]).optional(),
  originate: z.strictObject({ context: contextName.optional(), channel: channelTemplate.optional() }).optional(),
  pauseReasons: pauseReasonList.optional(),
  parking: z.strictObject({ context: contextName }).optional(),
};

const amiEntry = z.strictObject({
  ...common,
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(5038),
  username: headerValue.min(1),
  /** The secret itself, or the name of an environment variable that holds it (keeps it out of the file). */
  secret: headerValue.min(1).optional(),
  secretEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  tls: z.boolean().default(false),
});

const demoEntry = z.strictObject({
  ...common,
  demo: z.strictObject({ seed: z.number().int().default(1) }),
});

const fileSchema = z.strictObject({
  pbxs: z
    .array(z.union([demoEntry, amiEntry]))
    .min(1, 'lists no PBX')
    .max(32, 'lists more than 32 PBXs'),
});

export interface PbxDefaults {
  originate: { context?: string; channelTemplate: string };
  pauseReasons: string[];
  parkingContext: string;
  parseTrunks(text: string): (string | RegExp)[];
  env: Record<string, string | undefined>;
}

/** Reads and checks the file `CALLBOARD_CONFIG` names; every problem is one line naming the entry and field. */
export function readPbxFile(file: string, defaults: PbxDefaults): PbxConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`CALLBOARD_CONFIG: cannot read ${file} (${why})`, { cause: err });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new Error(lines.join('\n  '));
  }
  const seen = new Set<string>();
  return parsed.data.pbxs.map((entry, i) => {
    const where = `${file}: pbxs.${i}`;
    if (seen.has(entry.id)) throw new Error(`${where}.id: "${entry.id}" is listed twice`);
    seen.add(entry.id);
    let trunks: (string | RegExp)[] | null = null;
    if (entry.trunks !== undefined) {
      try {
        trunks = defaults.parseTrunks(Array.isArray(entry.trunks) ? entry.trunks.join(',') : entry.trunks);
      } catch (err) {
        throw new Error(`${where}.trunks: ${(err as Error).message}`, { cause: err });
      }
    }
    const demo = 'demo' in entry;
    const originate: OriginateConfig = {
      context: entry.originate?.context ?? defaults.originate.context ?? (demo ? DEMO_ORIGINATE_CONTEXT : DEFAULT_ORIGINATE_CONTEXT),
      channelTemplate: entry.originate?.channel ?? defaults.originate.channelTemplate,
    };
    const extras = {
      pauseReasons: entry.pauseReasons ?? defaults.pauseReasons,
      parkingContext: entry.parking?.context ?? defaults.parkingContext,
    };
    if ('demo' in entry) {
      return { id: entry.id, label: entry.label ?? `Demo PBX ${entry.id}`, ami: null, seed: entry.demo.seed, trunks, originate, ...extras };
    }
    const secret = entry.secretEnv ? defaults.env[entry.secretEnv] : entry.secret;
    if (entry.secret && entry.secretEnv) throw new Error(`${where}: give secret or secretEnv, not both`);
    if (!secret) {
      throw new Error(
        entry.secretEnv ? `${where}.secretEnv: the variable ${entry.secretEnv} is not set` : `${where}: secret (or secretEnv) is required`,
      );
    }
    if (!headerValue.safeParse(secret).success) throw new Error(`${where}: the secret must not contain control characters`);
    return {
      id: entry.id,
      label: entry.label ?? entry.host,
      ami: { host: entry.host, port: entry.port, username: entry.username, secret, tls: entry.tls },
      seed: 1,
      trunks,
      originate,
      ...extras,
    };
  });
}

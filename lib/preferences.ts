/**
 * What each user sets for themselves: the alert sound, browser notifications,
 * and the screen-pop into their CRM. Shared by the server (which stores it
 * per user and validates it) and the settings dialog (which uses the same
 * schema for its field errors).
 */
import './zod-jitless';
import { z } from 'zod';

/** The values a screen-pop URL may carry, each URL-encoded where it is put. */
export const SCREEN_POP_FIELDS = ['callerNum', 'callerName', 'queue', 'call', 'extension', 'pbx', 'did'] as const;
export type ScreenPopField = (typeof SCREEN_POP_FIELDS)[number];
export type ScreenPopValues = Record<ScreenPopField, string>;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const FIELD_SET: ReadonlySet<string> = new Set(SCREEN_POP_FIELDS);

/** Why a template cannot be used, or null when it can. */
export function templateProblem(template: string): string | null {
  if (!/^https?:\/\/[^/\s{}]/i.test(template)) return 'The URL starts with http:// or https:// and a host (no placeholder in the host)';
  if (/[\s\p{Cc}]/u.test(template)) return 'The URL has no spaces or control characters';
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!FIELD_SET.has(name)) return `Unknown placeholder {${name.slice(0, 30)}}; use ${SCREEN_POP_FIELDS.map((f) => `{${f}}`).join(', ')}`;
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (/[{}]/.test(rest)) return 'A brace that opens a placeholder must close it';
  return null;
}

/**
 * The URL a screen-pop opens. Values are URL-encoded, so a caller name such
 * as `A&B <x>` cannot add a parameter or leave the query; the scheme and the
 * host are the template's own (a placeholder cannot stand in the host).
 */
export function expandTemplate(template: string, values: ScreenPopValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) =>
    FIELD_SET.has(name) ? encodeURIComponent(values[name as ScreenPopField]) : '',
  );
}

export const screenPopSchema = z.strictObject({
  url: z
    .string({ error: 'Give the URL to open' })
    .max(1000, 'A URL is at most 1,000 characters')
    .superRefine((url, ctx) => {
      const problem = templateProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** When it opens: as the phone rings, or once the call is answered there. */
  on: z.enum(['ringing', 'answered'], { error: 'on is ringing or answered' }).default('ringing'),
  /** A new tab (the browser may block it: then the toast's link) or only a link in a toast. */
  open: z.enum(['tab', 'toast'], { error: 'open is tab or toast' }).default('tab'),
});
export type ScreenPop = z.output<typeof screenPopSchema>;

export const preferencesSchema = z.strictObject(
  {
    /** A tone when an alert fires. Off by default: a board in a shared room should not start beeping by itself. */
    sound: z.boolean({ error: 'sound is true or false' }).default(false),
    /** The browser's own notification when an alert fires; the browser asks the user once. */
    notifications: z.boolean({ error: 'notifications is true or false' }).default(false),
    screenPop: screenPopSchema.nullable().default(null),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `Unknown field ${issue.keys.join(', ')}; use sound, notifications, screenPop` : undefined,
  },
);
export type Preferences = z.output<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = { sound: false, notifications: false, screenPop: null };

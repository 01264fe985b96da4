/**
 * A change to a user's role and grant settings, as the admin REST API and
 * the user CLI take it, validated once here for both; and a user as an admin
 * may see them (never the password hash).
 */
import { z } from 'zod';
import { extensionSchema } from '../../lib/actions';
import { grantsFor, type ActionKind } from '../../lib/grants';
import { actionKindSchema, describeIssue, queueNameSchema, USER_ROLES, type StoredUser, type UserChange } from './user-store';

/** `"all"` or null: the setting goes, and the role's default is back. */
const cleared = (v: unknown) => (v === 'all' ? null : v);

export const userChangeSchema = z.strictObject(
  {
    role: z.enum(USER_ROLES, { error: `role must be one of ${USER_ROLES.join(', ')}` }).optional(),
    actions: z
      .preprocess(cleared, z.array(actionKindSchema, { error: 'actions must be a list of action kinds, or "all"' }).max(50).nullable())
      .optional(),
    queues: z
      .preprocess(
        cleared,
        z.array(queueNameSchema, { error: 'queues must be a list of queue names, or "all"' }).max(500, 'At most 500 queues').nullable(),
      )
      .optional(),
    extension: z.preprocess((v) => (v === '' || v === 'none' ? null : v), extensionSchema.nullable()).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `Unknown field ${issue.keys.join(', ')}; use role, actions, queues, extension` : undefined,
  },
);

export type ParsedChange = { ok: true; change: UserChange & { actions?: ActionKind[] | null } } | { ok: false; message: string };

export function parseUserChange(raw: unknown): ParsedChange {
  const parsed = userChangeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: describeIssue(parsed.error.issues[0]) };
  return { ok: true, change: parsed.data };
}

/** The CLI's comma lists (`pause,listen`, `all`; `206`, `none`) as the schema's values. */
export function changeFromCli(values: { role?: string; actions?: string; queues?: string; extension?: string }): ParsedChange {
  const list = (v: string | undefined) =>
    v === undefined || v === 'all'
      ? v
      : v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  const raw: Record<string, unknown> = {};
  if (values.role !== undefined) raw.role = values.role;
  if (values.actions !== undefined) raw.actions = list(values.actions);
  if (values.queues !== undefined) raw.queues = list(values.queues);
  if (values.extension !== undefined) raw.extension = values.extension;
  return parseUserChange(raw);
}

/** A user as the admin page shows it: settings as stored (null: not set), and what they come to. */
export interface UserView {
  name: string;
  role: StoredUser['role'];
  created: string;
  /** The user's own list, or null for every action the role allows. */
  actions: ActionKind[] | null;
  queues: string[] | null;
  extension: string;
  /** The actions the user may take in the end: the role's, narrowed by the list. */
  allowed: ActionKind[];
}

export function userView(user: StoredUser): UserView {
  return {
    name: user.name,
    role: user.role,
    created: user.created,
    actions: user.actions ?? null,
    queues: user.queues ?? null,
    extension: user.extension ?? '',
    allowed: [...grantsFor(user.role, user).actions],
  };
}

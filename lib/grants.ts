/**
 * What a user may do and see: the actions their role allows, narrowed by
 * the user's own list, and the queues they are limited to. The server
 * enforces grants (in the action runner, the fan-out and REST); the browser
 * only uses them to leave out the buttons a user may not press.
 */
import type { Role } from './protocol';

export const ACTION_KINDS = [
  'hangup',
  'originate',
  'pause',
  'queue-add',
  'queue-remove',
  'queue-penalty',
  'transfer',
  'redirect',
  'park',
  'pickup',
  'listen',
  'whisper',
  'barge',
  'command',
  /** Acknowledge or snooze an alert on the board (not an AMI action: server/http/alert-ack-routes.ts). */
  'acknowledge',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

const ACTION_KIND_SET: ReadonlySet<string> = new Set(ACTION_KINDS);
export const isActionKind = (value: unknown): value is ActionKind => typeof value === 'string' && ACTION_KIND_SET.has(value);

/** The CLI console runs commands on the PBX itself: an admin's alone. */
const ADMIN_ONLY: ReadonlySet<ActionKind> = new Set(['command']);

/** Each role's actions; a user's own list can only narrow them. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly ActionKind[]>> = {
  viewer: [],
  wallboard: [],
  supervisor: ACTION_KINDS.filter((a) => !ADMIN_ONLY.has(a)),
  admin: ACTION_KINDS,
};

export interface Grants {
  /** Actions this user may take: the role's, narrowed by the user's own list. */
  actions: readonly ActionKind[];
  /** Queues this user is limited to; null for every queue (and every call, queued or not). */
  queues: readonly string[] | null;
  /** The user's own phone, which listen, whisper, barge and pick-up ring first; '' when none is set. */
  extension: string;
}

export interface UserGrantSettings {
  actions?: readonly ActionKind[];
  queues?: readonly string[];
  extension?: string;
}

export function grantsFor(role: Role, user: UserGrantSettings = {}): Grants {
  const allowed = ROLE_ACTIONS[role];
  const actions = user.actions === undefined ? [...allowed] : allowed.filter((a) => user.actions?.includes(a));
  return {
    actions,
    queues: user.queues === undefined ? null : [...new Set(user.queues)].sort(),
    extension: user.extension ?? '',
  };
}

export const mayAct = (grants: Grants, kind: ActionKind): boolean => grants.actions.includes(kind);

/** Whether a scope lets its user see and act on `queue`. */
export const inScope = (grants: Pick<Grants, 'queues'>, queue: string): boolean => grants.queues === null || grants.queues.includes(queue);

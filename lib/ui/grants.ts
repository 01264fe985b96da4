/**
 * The actions this page offers: the ones the server says the user may take
 * (/api/me), so that a button the user may not press is absent. The server
 * enforces them regardless.
 */
import { createContext, useContext } from 'react';
import { ACTION_KINDS, ROLE_ACTIONS, isActionKind, type ActionKind } from '../grants';
import type { Role } from '../protocol';

export type Can = ReadonlySet<ActionKind>;

export const NOTHING: Can = new Set();

export function allowedActions(me: { role: Role; actions?: readonly unknown[] } | null): Can {
  if (!me) return NOTHING;
  const listed = Array.isArray(me.actions) ? me.actions.filter(isActionKind) : (ROLE_ACTIONS[me.role] ?? []);
  return new Set(ACTION_KINDS.filter((a) => listed.includes(a)));
}

export const CanContext = createContext<Can>(NOTHING);

export const useCan = (): Can => useContext(CanContext);

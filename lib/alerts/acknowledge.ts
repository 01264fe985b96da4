/**
 * A person acting on an alert: acknowledging it (it stays until it clears,
 * saying who took it) or snoozing it (no sound, no notification, dimmed,
 * until a time; the next evaluation pass after it ends the snooze). Pure:
 * ops for the `alerts` table and the event for the webhooks, or why not.
 */
import { upsert, type Op } from '../protocol';
import type { PbxState } from '../pbx/model';
import type { Alert, AlertEvent, AlertRule } from './model';
import type { AlertMemory } from './memory';

export type AlertChange =
  | { ok: true; alert: Alert; ops: Op[]; event: AlertEvent }
  | { ok: false; reason: 'absent' }
  | { ok: false; reason: 'acknowledged'; alert: Alert };

export interface AlertContext {
  pbx: string;
  state: Pick<PbxState, 'alerts'>;
  rules: readonly AlertRule[];
  memory: AlertMemory;
}

/** The alert `id` names, with its rule; undefined when there is none (an id from the wire: never a plain key). */
function find(ctx: AlertContext, id: string): { alert: Alert; rule: AlertRule } | undefined {
  if (!Object.hasOwn(ctx.state.alerts, id)) return undefined;
  const alert = ctx.state.alerts[id];
  const rule = ctx.rules.find((r) => r.id === alert.ruleId && r.enabled);
  return rule && { alert, rule };
}

export function acknowledge(ctx: AlertContext, id: string, by: string, now: number): AlertChange {
  const found = find(ctx, id);
  if (!found) return { ok: false, reason: 'absent' };
  if (found.alert.ackedBy !== null) return { ok: false, reason: 'acknowledged', alert: found.alert };
  const fields = { ackedBy: by, ackedAt: now };
  const alert = { ...found.alert, ...fields };
  return {
    ok: true,
    alert,
    ops: [upsert('alerts', id, fields)],
    event: { type: 'alert.acknowledged', pbx: ctx.pbx, at: now, alert, rule: found.rule, by, notify: ctx.memory.firedNotified.has(id) },
  };
}

/** Snoozes until `until` (a later snooze replaces an earlier one; the route bounds it). */
export function snooze(ctx: AlertContext, id: string, by: string, until: number, now: number): AlertChange {
  if (!(until > now)) throw new RangeError('a snooze ends after now');
  const found = find(ctx, id);
  if (!found) return { ok: false, reason: 'absent' };
  const fields = { snoozedBy: by, snoozedUntil: until };
  const alert = { ...found.alert, ...fields };
  return {
    ok: true,
    alert,
    ops: [upsert('alerts', id, fields)],
    event: { type: 'alert.snoozed', pbx: ctx.pbx, at: now, alert, rule: found.rule, by, notify: ctx.memory.firedNotified.has(id) },
  };
}

/**
 * The alert engine: one pure pass over one PBX's state and its rules, giving
 * the ops that keep the `alerts` table and the events that leave through
 * webhooks. No clock and no I/O: `now` and the board's time zone are given;
 * what must last between passes is in the caller's `AlertMemory`.
 *
 * What each kind measures (the same figures the board shows, lib/alerts/measures.ts):
 * - `waiting`: per queue, the callers waiting in it ≥ threshold.
 * - `longest-wait`: per queue, seconds since the oldest waiting caller joined ≥ threshold.
 * - `sla`: per queue, today's SLA as the queue card shows it, in whole percent, < threshold;
 *   no alert while no call counts for it yet (the card's dash).
 * - `no-free-agent`: per queue, callers waiting ≥ max(1, threshold) while no member shows as free
 *   (logged in, not paused, not on a call, device neither busy nor unavailable: lib/ui/agents `memberStatus`).
 * - `paused`: per membership (subject: the member id `queue|interface`), minutes since the pause began ≥
 *   threshold; with `reason`, only pauses of that reason (case-insensitive).
 * - `long-call`: per active call (subject: the call id), minutes since it started ≥ threshold; its queue, or
 *   none; a rule with a queue watches that queue's calls only.
 * - `link`: the PBX link not live (down, connecting, or connected but its lists not yet all in) for ≥
 *   threshold seconds, counted from when it was last live (or from when it went into its state, if never).
 * A rule with no queue watches every queue, each its own alert (subject: the queue's name).
 *
 * Hysteresis: an alert fires once the value has been past the threshold (≥; `sla`: <) for `forSeconds`
 * without a break, and clears once it is back past `clearAt` (<; `sla`: ≥), the threshold when null. In
 * between, a fired alert stays and an unfired one does not start its wait. A subject that goes (a queue
 * removed, a call ended, a member removed, a pause over) clears its alert. An alert whose rule is deleted,
 * disabled, moved to another PBX or changed to another kind is removed without a `cleared` event: nothing about
 * the condition changed.
 *
 * While an alert holds, its `value` follows the measure, in the kind's unit (whole callers, seconds, minutes,
 * percent), but an op goes out only when the shown value changes: a wait in seconds at most every 5 s
 * (VALUE_STEP_SECONDS; at once when it falls), so a ticking wait is not an op per tick.
 *
 * Delivery: `alert.fired` notifies unless the same (rule, subject) notified less than `cooldownSeconds` ago,
 * or `now` is in the rule's quiet hours (then the alert says `quiet: true`). `alert.cleared`, and the ack and
 * snooze events, notify only if the fire did. A re-fire after a clear is a new alert: unacknowledged.
 *
 * While the board is not live only `link` rules run: the others' alerts stay as they were, neither fired nor
 * cleared on a state that may no longer be true, until the resync brings the truth back.
 *
 * A snooze ends by itself: the pass after `snoozedUntil` clears its fields.
 *
 * Bounds: at most MAX_ALERTS alerts per PBX; a fire past it is counted (`dropped`), not raised.
 *
 * Cost: rules are grouped by kind once per change of the rules array; each measure is computed once per
 * queue per pass whatever the number of rules; the measures' objects are reused from pass to pass.
 */
import { remove, upsert, type Op } from '../protocol';
import { isPbxLive, type PbxState } from '../pbx/model';
import { alertId, FALLING_KINDS, KIND_UNITS, type Alert, type AlertEvent, type AlertKind, type AlertRule } from './model';
import { MAX_PENDING, type AlertMemory, type RuleGroups } from './memory';
import { inQuietHours, wallMinutes } from './quiet-hours';

export { AlertMemory } from './memory';

/** Alerts per PBX at most. */
export const MAX_ALERTS = 1000;
/** A shown wait in seconds moves in steps of this many seconds (or at once when it falls). */
export const VALUE_STEP_SECONDS = 5;

export interface EvaluateInput {
  pbx: string;
  state: PbxState;
  /** Every rule; those disabled or of another PBX are left out here. */
  rules: readonly AlertRule[];
  now: number;
  /** The board's IANA zone (CALLBOARD_TIME_ZONE), for quiet hours. */
  timeZone: string;
  memory: AlertMemory;
}

export interface Evaluation {
  ops: Op[];
  events: AlertEvent[];
  /** Fires refused this pass because the PBX had MAX_ALERTS. */
  dropped: number;
  /** Alerts on the board once `ops` are applied. */
  alerts: number;
}

interface Pass {
  input: EvaluateInput;
  ops: Op[];
  events: AlertEvent[];
  count: number;
  dropped: number;
  /** The wall clock's minutes, read at the first fire of the pass; -1 before. */
  minutes: number;
}

export function evaluateAlerts(input: EvaluateInput): Evaluation {
  const { state, now, memory } = input;
  const groups = groupRules(memory, input.rules, input.pbx);
  const pass: Pass = { input, ops: [], events: [], count: 0, dropped: 0, minutes: -1 };
  memory.pass++;
  memory.seen.clear();
  for (const bySubject of memory.active.values()) bySubject.clear();
  const alerts = state.alerts;
  // Walked once: a for-in over a table that changes often is the slow kind.
  const listed = memory.listed;
  listed.length = 0;
  for (const id in alerts) {
    const a = alerts[id];
    // A rule edited to another kind measures something else: its old alerts go like a deleted rule's.
    if (groups.byId.get(a.ruleId)?.kind !== a.kind) {
      pass.ops.push(remove('alerts', id));
      memory.firedNotified.delete(id);
      continue;
    }
    pass.count++;
    let bySubject = memory.active.get(a.ruleId);
    if (!bySubject) memory.active.set(a.ruleId, (bySubject = new Map()));
    bySubject.set(a.subject, a);
    listed.push(a);
    if (a.snoozedUntil !== null && now >= a.snoozedUntil) pass.ops.push(upsert('alerts', id, { snoozedBy: null, snoozedUntil: null }));
  }

  const m = memory.measures;
  m.fill(state, now, groups.needs);
  const live = isPbxLive(state.pbx);
  for (const [kind, rules] of groups.byKind) {
    // A stale board's callers, pauses and calls are what was true before the link went: a caller who hung up
    // since would still "wait". Its alerts stay as they were, neither fired nor cleared, until the resync says.
    if (!live && kind !== 'link') {
      for (const a of listed) if (a.kind === kind) memory.seen.add(a);
      continue;
    }
    for (const rule of rules) {
      switch (kind) {
        case 'waiting':
        case 'longest-wait':
        case 'sla':
        case 'no-free-agent':
          queueRule(pass, rule);
          break;
        case 'paused':
          pausedRule(pass, rule);
          break;
        case 'long-call':
          longCallRule(pass, rule);
          break;
        case 'link':
          consider(pass, rule, 'link', null, '', m.linkSeconds, rule.threshold, rule.clearAt ?? rule.threshold);
          break;
      }
    }
  }

  // What no rule looked at this pass: its subject went, or its value fell back below where anything is visited.
  for (const a of listed) {
    if (memory.seen.has(a)) continue;
    const rule = groups.byId.get(a.ruleId);
    if (rule) clear(pass, a, rule, null);
  }
  for (const [id, p] of memory.pending) if (p.pass !== memory.pass) memory.pending.delete(id);
  memory.pruneNotified(now);
  return { ops: pass.ops, events: pass.events, dropped: pass.dropped, alerts: pass.count };
}

function queueRule(pass: Pass, rule: AlertRule): void {
  const queues = pass.input.memory.measures.queues;
  if (rule.queue !== null) {
    const q = queues.get(rule.queue);
    if (q) queueSubject(pass, rule, rule.queue, q);
    return;
  }
  for (const [name, q] of queues) queueSubject(pass, rule, name, q);
}

function queueSubject(
  pass: Pass,
  rule: AlertRule,
  queue: string,
  q: { waiting: number; oldestSince: number; free: number; sla: number | null },
): void {
  const clearAt = rule.clearAt ?? rule.threshold;
  switch (rule.kind) {
    case 'waiting':
      consider(pass, rule, queue, queue, '', q.waiting, rule.threshold, clearAt);
      return;
    case 'longest-wait':
      consider(
        pass,
        rule,
        queue,
        queue,
        '',
        q.oldestSince > 0 ? Math.max(0, (pass.input.now - q.oldestSince) / 1000) : 0,
        rule.threshold,
        clearAt,
      );
      return;
    case 'sla':
      // The whole percent the card shows, so an alert never says "80 % below 80 %".
      if (q.sla !== null) consider(pass, rule, queue, queue, '', Math.round(q.sla), rule.threshold, clearAt);
      return;
    case 'no-free-agent':
      consider(pass, rule, queue, queue, '', q.free > 0 ? 0 : q.waiting, Math.max(1, rule.threshold), Math.max(1, clearAt));
      return;
  }
}

function pausedRule(pass: Pass, rule: AlertRule): void {
  const { now, memory } = pass.input;
  const m = memory.measures;
  const clearAt = rule.clearAt ?? rule.threshold;
  // Nobody paused long enough to hold or fire: the sweep clears what this rule had.
  if (m.paused.length === 0 || (now - m.oldestPause) / 60_000 < clearAt) return;
  const reason = rule.reason === null ? null : rule.reason.toLowerCase();
  for (const member of m.paused) {
    if (rule.queue !== null && member.queue !== rule.queue) continue;
    if (reason !== null && (member.pausedReason.length !== reason.length || member.pausedReason.toLowerCase() !== reason)) continue;
    const minutes = Math.max(0, (now - member.pausedSince) / 60_000);
    if (minutes < clearAt) continue;
    consider(pass, rule, member.id, member.queue, member.name || member.interface, minutes, rule.threshold, clearAt);
  }
}

function longCallRule(pass: Pass, rule: AlertRule): void {
  const { now, memory } = pass.input;
  const m = memory.measures;
  const clearAt = rule.clearAt ?? rule.threshold;
  if (m.calls.length === 0 || (now - m.oldestCall) / 60_000 < clearAt) return;
  const { calls, callMinutes } = m;
  for (let i = 0; i < calls.length; i++) {
    const minutes = callMinutes[i];
    if (minutes < clearAt) continue;
    const call = calls[i];
    if (rule.queue !== null && call.queue !== rule.queue) continue;
    consider(pass, rule, call.id, call.queue || null, '', minutes, rule.threshold, clearAt);
  }
}

/** One (rule, subject) with its value this pass: fire, hold, update or clear. */
function consider(
  pass: Pass,
  rule: AlertRule,
  subject: string,
  queue: string | null,
  agent: string,
  value: number,
  threshold: number,
  clearAt: number,
): void {
  const { now, memory } = pass.input;
  const falling = FALLING_KINDS.has(rule.kind);
  const existing = memory.active.get(rule.id)?.get(subject);
  if (existing) {
    memory.seen.add(existing);
    if (falling ? value >= clearAt : value < clearAt) return clear(pass, existing, rule, value);
    const shown = shownValue(rule.kind, value);
    const moved = valueMoved(rule.kind, existing.value, shown);
    // Most alerts change nothing in most passes: no object for them.
    if (!moved && existing.ruleName === rule.name && existing.severity === rule.severity && existing.threshold === threshold) return;
    const fields: Partial<Alert> = { ruleName: rule.name, severity: rule.severity, threshold };
    if (moved) fields.value = shown;
    pass.ops.push(upsert('alerts', existing.id, fields));
    return;
  }
  if (falling ? value >= threshold : value < threshold) return;
  if (pass.count >= MAX_ALERTS) {
    pass.dropped++;
    memory.droppedAlerts++;
    return;
  }
  // Built only here: most (rule, subject) pairs hold nothing in most passes.
  const id = alertId(rule.id, subject);
  if (rule.forSeconds > 0) {
    const pending = memory.pending.get(id);
    if (!pending) {
      if (memory.pending.size >= MAX_PENDING) memory.droppedPending++;
      else memory.pending.set(id, { since: now, pass: memory.pass });
      return;
    }
    pending.pass = memory.pass;
    if (now - pending.since < rule.forSeconds * 1000) return;
    memory.pending.delete(id);
  }
  if (pass.minutes < 0) pass.minutes = wallMinutes(now, pass.input.timeZone);
  const quiet = inQuietHours(rule.quietHours, pass.minutes);
  const last = memory.notified.get(id);
  const notify = !quiet && (last === undefined || now - last >= rule.cooldownSeconds * 1000);
  if (notify) {
    memory.notified.delete(id);
    memory.notified.set(id, now);
    memory.firedNotified.add(id);
  } else memory.firedNotified.delete(id);
  const alert: Alert = {
    id,
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    subject,
    queue,
    agent,
    value: shownValue(rule.kind, value),
    threshold,
    firedAt: now,
    quiet,
    ackedBy: null,
    ackedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
  };
  pass.count++;
  pass.ops.push(upsert('alerts', id, alert));
  pass.events.push({ type: 'alert.fired', pbx: pass.input.pbx, at: now, alert, rule, notify });
}

/** `value` null: the subject went, and the alert keeps the last value it showed. */
function clear(pass: Pass, alert: Alert, rule: AlertRule, value: number | null): void {
  const { memory, now } = pass.input;
  const notify = memory.firedNotified.delete(alert.id);
  pass.count--;
  pass.ops.push(remove('alerts', alert.id));
  pass.events.push({
    type: 'alert.cleared',
    pbx: pass.input.pbx,
    at: now,
    alert: value === null ? alert : { ...alert, value: shownValue(rule.kind, value) },
    rule,
    notify,
  });
}

/** The value as the alert shows it: whole callers, seconds, minutes or percent. */
export function shownValue(kind: AlertKind, value: number): number {
  return KIND_UNITS[kind] === 'percent' ? Math.round(value) : Math.floor(value);
}

function valueMoved(kind: AlertKind, shown: number, next: number): boolean {
  if (KIND_UNITS[kind] === 'seconds') return next < shown || next - shown >= VALUE_STEP_SECONDS;
  return next !== shown;
}

/** The rules that apply to this PBX, grouped by kind; rebuilt only when the source hands a new array. */
function groupRules(memory: AlertMemory, rules: readonly AlertRule[], pbx: string): RuleGroups {
  const groups = memory.rules;
  if (groups.source === rules) return groups;
  groups.source = rules;
  memory.active.clear();
  groups.byKind.clear();
  groups.byId.clear();
  const needs = groups.needs;
  needs.callers = needs.free = needs.sla = needs.paused = needs.calls = false;
  for (const rule of rules) {
    if (!rule.enabled || (rule.pbx !== null && rule.pbx !== pbx)) continue;
    groups.byId.set(rule.id, rule);
    const list = groups.byKind.get(rule.kind);
    if (list) list.push(rule);
    else groups.byKind.set(rule.kind, [rule]);
    if (rule.kind === 'waiting' || rule.kind === 'longest-wait' || rule.kind === 'no-free-agent') needs.callers = true;
    if (rule.kind === 'no-free-agent') needs.free = true;
    if (rule.kind === 'sla') needs.sla = true;
    if (rule.kind === 'paused') needs.paused = true;
    if (rule.kind === 'long-call') needs.calls = true;
  }
  return groups;
}

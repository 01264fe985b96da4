/**
 * The alerts on the board as the page shows them: which come first, which
 * still ask for attention, and the colour they give a queue, an agent or a
 * call. Pure; the server raised them and the browser only displays them.
 */
import type { Alert, Severity } from '../alerts/model';
import type { PbxState } from '../pbx/model';

export interface ShownAlert {
  pbx: string;
  pbxLabel: string;
  alert: Alert;
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export const isSnoozed = (alert: Alert, now: number): boolean => alert.snoozedUntil !== null && alert.snoozedUntil > now;

/** Still asks someone to look: neither acknowledged nor snoozed. */
export const wantsAttention = (alert: Alert, now: number): boolean => alert.ackedBy === null && !isSnoozed(alert, now);

/** Whether it may sound or notify: it asks for attention, it is more than information, and it fired outside quiet hours. */
export const mayRing = (alert: Alert, now: number): boolean => wantsAttention(alert, now) && alert.severity !== 'info' && !alert.quiet;

/** Every alert of the boards: those asking for attention first, then the gravest, then the oldest. */
export function shownAlerts(boards: readonly { id: string; label: string; state: Pick<PbxState, 'alerts'> }[], now: number): ShownAlert[] {
  const out: ShownAlert[] = [];
  for (const b of boards) for (const id in b.state.alerts) out.push({ pbx: b.id, pbxLabel: b.label, alert: b.state.alerts[id] });
  return out.sort(
    (x, y) =>
      Number(wantsAttention(y.alert, now)) - Number(wantsAttention(x.alert, now)) ||
      RANK[y.alert.severity] - RANK[x.alert.severity] ||
      x.alert.firedAt - y.alert.firedAt ||
      (x.alert.id < y.alert.id ? -1 : 1),
  );
}

export function countWantingAttention(boards: readonly { state: Pick<PbxState, 'alerts'> }[], now: number): number {
  let n = 0;
  for (const b of boards) for (const id in b.state.alerts) if (wantsAttention(b.state.alerts[id], now)) n++;
  return n;
}

/** The gravest severity among alerts matching `concerns`, or null; snoozed alerts colour nothing. */
export function severityWhere(alerts: PbxState['alerts'], now: number, concerns: (alert: Alert) => boolean): Severity | null {
  let best: Severity | null = null;
  for (const id in alerts) {
    const a = alerts[id];
    if (isSnoozed(a, now) || !concerns(a)) continue;
    if (best === null || RANK[a.severity] > RANK[best]) best = a.severity;
  }
  return best;
}

export const queueSeverity = (alerts: PbxState['alerts'], queue: string, now: number) =>
  severityWhere(alerts, now, (a) => a.queue === queue && a.kind !== 'paused' && a.kind !== 'long-call');
/** Per agent interface, the gravest pause alert of any of its memberships (a tile stands for the agent in every queue). */
export function agentSeverities(alerts: PbxState['alerts'], now: number): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const id in alerts) {
    const a = alerts[id];
    if (a.kind !== 'paused' || isSnoozed(a, now)) continue;
    const iface = a.subject.slice(a.subject.indexOf('|') + 1);
    const held = out.get(iface);
    if (held === undefined || RANK[a.severity] > RANK[held]) out.set(iface, a.severity);
  }
  return out;
}

export const callSeverity = (alerts: PbxState['alerts'], callId: string, now: number) =>
  severityWhere(alerts, now, (a) => a.kind === 'long-call' && a.subject === callId);

/**
 * Ring classes per severity, for the cards and rows an alert concerns. Inset: the queue cards, agent
 * tiles and call rows sit in scrolling columns, whose edges would clip a ring drawn outside them.
 */
export const SEVERITY_RING: Readonly<Record<Severity, string>> = {
  info: 'ring-2 ring-inset ring-sky-400/70 dark:ring-sky-500/60',
  warning: 'ring-2 ring-inset ring-amber-400 dark:ring-amber-500/80',
  critical: 'ring-2 ring-inset ring-rose-500 dark:ring-rose-500/90',
};

/** The tab title with the alerts asking for attention in front: "(3) Callboard". */
export function titleWithAlerts(title: string, alerts: number): string {
  return alerts > 0 ? `(${alerts}) ${title}` : title;
}

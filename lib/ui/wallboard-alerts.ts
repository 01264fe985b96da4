/**
 * Which colour a wallboard card and its figures take from the alerts the
 * server's rules raised (state.alerts): the highest severity wins, an
 * acknowledged alert keeps its colour but says so, a snoozed one is muted.
 * Pure: `now` is passed in (a snooze ends by the clock, not by an event).
 */
import type { Alert, AlertKind, Severity } from '../alerts/model';

/** The figures of a card an alert can point at. */
export type WallFigure = 'waiting' | 'longest' | 'sla' | 'free' | 'paused' | 'busy';

const FIGURE_OF: Readonly<Record<AlertKind, WallFigure | null>> = {
  waiting: 'waiting',
  'longest-wait': 'longest',
  sla: 'sla',
  'no-free-agent': 'free',
  paused: 'paused',
  'long-call': 'busy',
  link: null,
};

const RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, critical: 3 };

export interface AlertTone {
  severity: Severity;
  /** Every alert at this severity is acknowledged: still coloured, marked as seen. */
  acked: boolean;
  /** Every alert at this severity is snoozed: muted. */
  snoozed: boolean;
  /** Who acknowledged it, when `acked` (the first, if several did). */
  ackedBy: string | null;
  count: number;
}

export interface CardTone {
  card: AlertTone | null;
  figures: Partial<Record<WallFigure, AlertTone>>;
}

type WallAlert = Pick<Alert, 'severity' | 'kind' | 'queue' | 'ackedBy' | 'snoozedUntil'>;

const snoozed = (a: WallAlert, now: number) => a.snoozedUntil !== null && a.snoozedUntil > now;

/**
 * The tone of a set of alerts: the highest severity among those not snoozed;
 * when all are snoozed, the highest snoozed one, muted.
 */
export function toneOf(alerts: readonly WallAlert[], now: number): AlertTone | null {
  if (alerts.length === 0) return null;
  const awake = alerts.filter((a) => !snoozed(a, now));
  const pool = awake.length ? awake : alerts;
  let top: Severity = pool[0].severity;
  for (const a of pool) if (RANK[a.severity] > RANK[top]) top = a.severity;
  const atTop = pool.filter((a) => a.severity === top);
  const acked = atTop.every((a) => a.ackedBy !== null);
  return {
    severity: top,
    acked,
    snoozed: awake.length === 0,
    ackedBy: acked ? atTop[0].ackedBy : null,
    count: atTop.length,
  };
}

/** A queue card's tone and its figures', from every alert of that queue. */
export function cardTone(alerts: Iterable<WallAlert>, queue: string, now: number): CardTone {
  const mine: WallAlert[] = [];
  for (const a of alerts) if (a.queue === queue) mine.push(a);
  const byFigure = new Map<WallFigure, WallAlert[]>();
  for (const a of mine) {
    const f = FIGURE_OF[a.kind];
    if (!f) continue;
    const list = byFigure.get(f);
    if (list) list.push(a);
    else byFigure.set(f, [a]);
  }
  const figures: CardTone['figures'] = {};
  for (const [f, list] of byFigure) figures[f] = toneOf(list, now)!;
  return { card: toneOf(mine, now), figures };
}

/** The alerts of no queue (a PBX link, a call outside queues): the wall's header shows them. */
export function wallTone(alerts: Iterable<WallAlert>, now: number): AlertTone | null {
  const none: WallAlert[] = [];
  for (const a of alerts) if (a.queue === null) none.push(a);
  return toneOf(none, now);
}

/** The alerts of one PBX's state as a list (a table keyed by ids from the wire). */
export function alertList(table: Record<string, Alert>): Alert[] {
  const out: Alert[] = [];
  for (const id in table) out.push(table[id]);
  return out;
}

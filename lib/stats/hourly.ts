/**
 * A day's queue calls hour by hour, for the charts and `/api/stats`: calls
 * offered, answered and abandoned in each hour they started in, with the
 * SLA and ASA of that hour's answered calls. Pure.
 */
import type { CallRecord } from '../history/record';
import type { DayWindow } from './day';
import { queueRates } from './figures';
import { answeredQueue } from './tally';

export interface HourFigures {
  /** The hour's first ms. */
  start: number;
  offered: number;
  answered: number;
  answeredInSla: number;
  abandoned: number;
  abandonedInSla: number;
  slaCalls: number;
  answeredWaitSeconds: number;
  talkSeconds: number;
  slaPercent: number | null;
  asaSeconds: number | null;
}

const HOUR = 3_600_000;

/** Calls counted once each, by the queue they were answered or abandoned in (else their last); `inQueue` picks the queues. */
export function hourly(records: Iterable<CallRecord>, day: DayWindow, inQueue: (queue: string) => boolean = () => true): HourFigures[] {
  const hours: HourFigures[] = [];
  for (let t = day.start; t < day.end; t += HOUR)
    hours.push({
      start: t,
      offered: 0,
      answered: 0,
      answeredInSla: 0,
      abandoned: 0,
      abandonedInSla: 0,
      slaCalls: 0,
      answeredWaitSeconds: 0,
      talkSeconds: 0,
      slaPercent: null,
      asaSeconds: null,
    });
  for (const r of records) {
    if (r.queues.length === 0 || r.startedAt < day.start || r.startedAt >= day.end) continue;
    const answeredIn = answeredQueue(r);
    const queue = answeredIn ?? r.queues[r.queues.length - 1];
    if (!inQueue(queue)) continue;
    const h = hours[Math.floor((r.startedAt - day.start) / HOUR)];
    if (!h) continue;
    h.offered++;
    if (answeredIn !== undefined) {
      h.answered++;
      h.answeredWaitSeconds += r.waitSeconds;
      h.talkSeconds += r.talkSeconds;
      if (r.withinSla === true) h.answeredInSla++;
      if (r.withinSla !== null) h.slaCalls++;
    } else if (r.outcome === 'abandoned') {
      h.abandoned++;
      if (r.withinSla === true) h.abandonedInSla++;
      if (r.withinSla === false) h.slaCalls++;
    }
  }
  for (const h of hours) {
    const rates = queueRates(h);
    h.slaPercent = rates.slaPercent;
    h.asaSeconds = rates.asaSeconds;
  }
  return hours;
}

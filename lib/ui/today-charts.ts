/**
 * The charts' data, as uPlot takes it (`[xs, ...ys]`, x in seconds), from
 * what `/api/stats` answers. Pure: the page fetches, these shape.
 */
import type { HourFigures } from '../stats/hourly';

export interface StatsHours {
  hours: HourFigures[];
}

export interface WaitingSeriesBody {
  times: number[];
  queues: { queue: string; waiting: number[] }[];
}

type Series = (number | null)[];

const toSeconds = (ms: number) => ms / 1000;

/** Answered and abandoned per hour, every hour of the day. */
export function callsPerHour(hours: readonly HourFigures[]): [number[], number[], number[]] {
  return [hours.map((h) => toSeconds(h.start)), hours.map((h) => h.answered), hours.map((h) => h.abandoned)];
}

/**
 * The SLA and the ASA of the day so far, at the end of each hour: what a
 * supervisor reads as "how the day is going", not each hour alone. Hours
 * still to come are gaps, and so is an hour before the first call counted.
 */
export function slaThroughDay(hours: readonly HourFigures[], now: number): [number[], Series, Series] {
  let inSla = 0;
  let slaCalls = 0;
  let answered = 0;
  let waited = 0;
  const sla: Series = [];
  const asa: Series = [];
  for (const h of hours) {
    if (h.start > now) {
      sla.push(null);
      asa.push(null);
      continue;
    }
    inSla += h.answeredInSla;
    slaCalls += h.slaCalls;
    answered += h.answered;
    waited += h.answeredWaitSeconds;
    sla.push(slaCalls > 0 ? (inSla / slaCalls) * 100 : null);
    asa.push(answered > 0 ? waited / answered : null);
  }
  return [hours.map((h) => toSeconds(h.start)), sla, asa];
}

/** Callers waiting over the last hour: one queue's, or every queue's added up (`queue` null). */
export function waitingOverHour(series: WaitingSeriesBody, queue: string | null): [number[], number[]] {
  const picked = queue === null ? series.queues : series.queues.filter((q) => q.queue === queue);
  const values = series.times.map((_, i) => picked.reduce((n, q) => n + (q.waiting[i] ?? 0), 0));
  return [series.times.map(toSeconds), values];
}

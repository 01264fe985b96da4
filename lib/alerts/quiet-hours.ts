/**
 * Quiet hours: a span of the board's wall clock (CALLBOARD_TIME_ZONE) in
 * which an alert still shows but is neither sounded nor delivered. Read from
 * Intl's wall time at the instant, so a DST change moves the span with the
 * clock on the wall, as a person means it. Pure: the instant is given.
 */
import type { QuietHours } from './model';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes after local midnight at `instant` in `timeZone`, 0…1439. */
export function wallMinutes(instant: number, timeZone: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return (hour % 24) * 60 + minute;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a wall time (minutes after midnight) is in the span: from `start`
 * inclusive to `end` exclusive; start > end spans midnight (22:00–07:00);
 * start = end is an empty span (never quiet), not a whole day.
 */
export function inQuietHours(quiet: QuietHours | null, minutes: number): boolean {
  if (!quiet) return false;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * "Today" as a call centre means it: a calendar day in the site's time zone
 * that may start at another hour than midnight (a night shift's calls at
 * 02:00 still count to the day that began at 06:00). Pure: the instant is
 * given, and the zone's rules come from Intl, not from the process's TZ.
 */

export interface DayWindow {
  /** The day's name, `YYYY-MM-DD`: the local date on which it starts. */
  date: string;
  /** First ms of the day, inclusive. */
  start: number;
  /** First ms of the next day, exclusive (23 or 25 hours after `start` across a DST change). */
  end: number;
}

export interface DayRule {
  /** An IANA zone, `Europe/Berlin`; `UTC`. */
  timeZone: string;
  /** Minutes after local midnight the day starts, 0…1439. */
  startMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (a config check: a wrong name must fail at start, not at midnight). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
  seconds: number;
}

function localTime(instant: number, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    minutes: get('hour') * 60 + get('minute'),
    seconds: get('second'),
  };
}

/** The zone's offset from UTC at `instant`, ms (local = UTC + offset). */
function offsetAt(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, 0, t.minutes, t.seconds);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall time names. Twice through the offset, because
 * the offset at the guess may differ from the one at the answer (a DST
 * change in between). A wall time that does not exist (skipped by a spring
 * change) gives the instant just after the gap.
 */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The day `instant` falls in. */
export function dayAt(instant: number, rule: DayRule): DayWindow {
  const t = localTime(instant, rule.timeZone);
  // Before the day's start hour, the instant belongs to the day that began yesterday.
  const civil = new Date(Date.UTC(t.year, t.month - 1, t.day - (t.minutes < rule.startMinutes ? 1 : 0)));
  return dayOf(`${pad(civil.getUTCFullYear(), 4)}-${pad(civil.getUTCMonth() + 1)}-${pad(civil.getUTCDate())}`, rule);
}

/** The day named `YYYY-MM-DD`; null when it is not a date. */
export function dayNamed(date: string, rule: DayRule): DayWindow | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const civil = new Date(Date.UTC(y, mo - 1, d));
  if (civil.getUTCFullYear() !== y || civil.getUTCMonth() !== mo - 1 || civil.getUTCDate() !== d) return null;
  return dayOf(date, rule);
}

function dayOf(date: string, rule: DayRule): DayWindow {
  const [y, mo, d] = date.split('-').map(Number);
  return {
    date,
    start: instantOf(y, mo, d, rule.startMinutes, rule.timeZone),
    end: instantOf(y, mo, d + 1, rule.startMinutes, rule.timeZone),
  };
}

/** `06:30` → 390; null when it is not a time of day. */
export function parseDayStart(text: string): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

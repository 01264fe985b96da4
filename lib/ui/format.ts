/** Display helpers shared by the dashboard and the wallboard. */

/** `m:ss` under an hour, `h:mm:ss` above; '' when there is nothing to show. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = s < 10 ? `0${s}` : `${s}`;
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${m < 10 ? `0${m}` : m}:${ss}`;
}

/** Elapsed time since `since` (ms) at `now`; '' while either is unknown. */
export function elapsed(since: number, now: number): string {
  if (!since || !now) return '';
  return formatDuration(now - since);
}

export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${Math.round(value)}%`;
}

/** A long span, e.g. an uptime: `h:mm:ss` under a day, `3 d 04:12:09` above; '' when unknown. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const days = Math.floor(ms / 86_400_000);
  if (days === 0) return formatDuration(ms);
  const total = Math.floor((ms % 86_400_000) / 1000);
  const p = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `${days} d ${p(Math.floor(total / 3600))}:${p(Math.floor((total % 3600) / 60))}:${p(total % 60)}`;
}

/** A moment as the date and time a person reads, in the browser's zone: `1 Dec 08:36:02`. */
export function formatMoment(ms: number): string {
  if (!ms) return '';
  const d = new Date(ms);
  return `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${formatClock(ms)}`;
}

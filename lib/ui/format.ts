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

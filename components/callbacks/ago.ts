/** How long ago, as a person says it on a list: "just now", "12 min ago", "3 h ago", "2 d ago". */
export function ago(at: number, now: number): string {
  if (!at || !now) return '';
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 >= 30 && h < 3 ? `${h} h ${m % 60} min ago` : `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Midnight today in the browser's zone, on the server's clock (`now` is server-corrected). */
export function startOfToday(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

'use client';
import { useNow } from '@/lib/ui/clock';
import { elapsed } from '@/lib/ui/format';

/** The only part of a row that ticks: it alone subscribes to the clock. */
export function LiveDuration({ since, className = '' }: { since: number; className?: string }) {
  const now = useNow();
  return <span className={`tabular ${className}`}>{elapsed(since, now)}</span>;
}

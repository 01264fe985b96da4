'use client';
/** The server's time (the browser's clock corrected by the store's offset), in the board's time zone when known. */
import { useMemo } from 'react';
import { useNow } from '@/lib/ui/clock';

export function WallClock({ timeZone }: { timeZone: string | null }) {
  // useNow is already the server's time: Date.now() plus the clock offset learnt from each snapshot.
  const now = useNow();
  const format = useMemo(() => {
    try {
      return new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        ...(timeZone ? { timeZone } : {}),
      });
    } catch {
      return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
  }, [timeZone]);
  return (
    <time
      data-testid="wallboard-clock"
      className="tabular font-semibold text-zinc-100"
      dateTime={now ? new Date(now).toISOString() : undefined}
    >
      {now ? format.format(now) : ''}
    </time>
  );
}

export function formatAt(ms: number, timeZone: string | null): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    }).format(ms);
  } catch {
    return new Date(ms).toLocaleTimeString();
  }
}

'use client';
/** /api/stats for one PBX (and one queue, or all), read again every 15 s while the tab is visible. */
import { useEffect, useState } from 'react';
import type { HourFigures } from '@/lib/stats/hourly';
import type { WaitingSeriesBody } from '@/lib/ui/today-charts';

const REFRESH_MS = 15_000;

export interface StatsAnswer {
  timeZone: string;
  hours: HourFigures[];
  waiting: WaitingSeriesBody | null;
}

export type Loaded = { ok: true; stats: StatsAnswer } | { ok: false; error: string } | null;

export function useStats(pbx: string, queue: string | null): Loaded {
  const [loaded, setLoaded] = useState<Loaded>(null);
  useEffect(() => {
    let stop = false;
    const url = `/api/stats?pbx=${encodeURIComponent(pbx)}${queue === null ? '' : `&queue=${encodeURIComponent(queue)}`}`;
    const load = async () => {
      try {
        const res = await fetch(url, { cache: 'no-store' });
        const body = (await res.json()) as StatsAnswer & { error?: string };
        if (!stop) setLoaded(res.ok ? { ok: true, stats: body } : { ok: false, error: body.error ?? `The server answered ${res.status}` });
      } catch {
        if (!stop) setLoaded((prev) => (prev?.ok ? prev : { ok: false, error: 'The server could not be reached' }));
      }
    };
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [pbx, queue]);
  return loaded;
}

'use client';
/**
 * The wallboard's charts (`?charts=1`): calls per hour and the callers
 * waiting over the last hour, for every queue on the wall, drawn for a
 * room: type sized to the screen, no legend (the titles say it). uPlot
 * redraws only when new figures arrive (every 10–15 s), so the wall's
 * ticking clock and waits never wait on a chart.
 */
import { useEffect, useMemo, useState } from 'react';
import { callsPerHour, waitingOverHour } from '@/lib/ui/today-charts';
import { UPlotChart } from './charts/UPlotChart';
import { callsPerHourOptions, waitingOptions } from './today/chart-options';
import { useStats } from './today/use-stats';

/** The chart height and type size for this screen: a fixed share of its height, re-read when it changes. */
function useRoomSize(share: number): { height: number; fontPx: number } {
  const [h, setH] = useState(0);
  useEffect(() => {
    const read = () => setH(window.innerHeight);
    read();
    window.addEventListener('resize', read);
    return () => window.removeEventListener('resize', read);
  }, []);
  return { height: Math.max(110, Math.round(h * share)), fontPx: Math.max(12, Math.round(h * 0.02)) };
}

function WallChart({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="min-w-0 rounded-[1.5vmin] border border-zinc-800 bg-zinc-900 px-[2vmin] py-[1.5vmin]">
      <h2 className="text-[clamp(0.9rem,2.4vh,3rem)] text-zinc-300">{title}</h2>
      {children}
    </section>
  );
}

/**
 * `page`: the charts have the wall to themselves (a page of the rotation), else they sit under the queues.
 * `onTimeZone` learns the board's time zone from the figures, for the wall's clock.
 */
export function WallboardCharts({
  pbx,
  className,
  page = false,
  onTimeZone,
}: {
  pbx: string;
  className: string;
  page?: boolean;
  onTimeZone?: (zone: string) => void;
}) {
  const loaded = useStats(pbx, null);
  const { height, fontPx } = useRoomSize(page ? 0.62 : 0.17);
  const zone = loaded?.ok ? loaded.stats.timeZone : 'UTC';
  const known = loaded?.ok ? loaded.stats.timeZone : null;
  useEffect(() => {
    if (known) onTimeZone?.(known);
  }, [known, onTimeZone]);
  const look = useMemo(() => ({ fontPx, legend: false }), [fontPx]);
  const options = useMemo(
    () => ({ calls: callsPerHourOptions(true, zone, look), waiting: waitingOptions(true, zone, look) }),
    [zone, look],
  );
  const calls = useMemo(() => (loaded?.ok ? callsPerHour(loaded.stats.hours) : null), [loaded]);
  const waiting = useMemo(() => (loaded?.ok && loaded.stats.waiting ? waitingOverHour(loaded.stats.waiting, null) : null), [loaded]);
  if (height === 0 || !loaded?.ok) return null;
  return (
    <div className={`grid shrink-0 grid-cols-2 gap-[2vmin] ${page ? 'content-center' : ''} ${className}`} data-testid="wallboard-charts">
      <WallChart title="Calls per hour · answered and abandoned">
        {calls && (
          <UPlotChart
            options={options.calls}
            data={calls}
            height={height}
            label="Calls answered and abandoned per hour"
            testId="wallboard-chart-calls"
          />
        )}
      </WallChart>
      <WallChart title="Waiting, last hour">
        {waiting && waiting[0].length > 0 && (
          <UPlotChart
            options={options.waiting}
            data={waiting}
            height={height}
            label="Callers waiting over the last hour"
            testId="wallboard-chart-waiting"
          />
        )}
      </WallChart>
    </div>
  );
}

'use client';
/** The day in charts for one PBX (and one queue, or all): read from /api/stats, again every 15 s. */
import { useMemo } from 'react';
import { callsPerHour, slaThroughDay, waitingOverHour } from '@/lib/ui/today-charts';
import { useStats } from './use-stats';
import { useNow } from '@/lib/ui/clock';
import { UPlotChart } from '../charts/UPlotChart';
import { useDark } from '../charts/use-dark';
import { callsPerHourOptions, slaOptions, waitingOptions } from './chart-options';

function ChartCard({ title, hint, children }: { title: string; hint: string; children: React.ReactNode }) {
  return (
    <section className="min-w-0 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label={title}>
      <h3 className="text-sm font-semibold">{title}</h3>
      <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">{hint}</p>
      {children}
    </section>
  );
}

export function TodayCharts({ pbx, queue }: { pbx: string; queue: string | null }) {
  const loaded = useStats(pbx, queue);
  const dark = useDark();
  const now = useNow();
  const zone = loaded?.ok ? loaded.stats.timeZone : 'UTC';
  const options = useMemo(
    () => ({ calls: callsPerHourOptions(dark, zone), sla: slaOptions(dark, zone), waiting: waitingOptions(dark, zone) }),
    [dark, zone],
  );
  const hours = loaded?.ok ? loaded.stats.hours : null;
  const minute = Math.floor(now / 60_000);
  const data = useMemo(() => {
    if (!hours) return null;
    return { calls: callsPerHour(hours), sla: slaThroughDay(hours, minute * 60_000) };
  }, [hours, minute]);
  const waiting = useMemo(
    () => (loaded?.ok && loaded.stats.waiting ? waitingOverHour(loaded.stats.waiting, queue) : null),
    [loaded, queue],
  );

  if (loaded === null) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the day…</p>;
  if (!loaded.ok)
    return (
      <p
        role="alert"
        className="rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200"
      >
        The charts could not be loaded: {loaded.error}
      </p>
    );
  return (
    <div className="grid gap-3 lg:grid-cols-2 2xl:grid-cols-3" data-testid="today-charts">
      <ChartCard title="Calls per hour" hint="Queue calls answered and abandoned, by the hour they started in">
        {data && (
          <UPlotChart
            options={options.calls}
            data={data.calls}
            height={220}
            label="Calls answered and abandoned per hour"
            testId="chart-calls"
          />
        )}
      </ChartCard>
      <ChartCard
        title="SLA and ASA through the day"
        hint="The day so far at each hour: answered within the service level, and the average speed of answer"
      >
        {data && <UPlotChart options={options.sla} data={data.sla} height={220} label="SLA and ASA through the day" testId="chart-sla" />}
      </ChartCard>
      <ChartCard title="Waiting callers, last hour" hint="Sampled every 10 s since the server started">
        {waiting && waiting[0].length > 0 ? (
          <UPlotChart
            options={options.waiting}
            data={waiting}
            height={220}
            label="Callers waiting over the last hour"
            testId="chart-waiting"
          />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No samples yet.</p>
        )}
      </ChartCard>
    </div>
  );
}

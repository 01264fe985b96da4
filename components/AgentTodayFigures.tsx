'use client';
/** An agent's day in the agent panel: calls, handling time, pauses by reason and time logged in (docs/metrics.md). */
import { useNow } from '@/lib/ui/clock';
import { formatDuration } from '@/lib/ui/format';
import { memberDaysByAgent } from '@/lib/ui/agent-today';
import { agentToday } from '@/lib/stats/live';
import type { PbxState, QueueMember } from '@/lib/pbx/model';

const span = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds * 1000));

function Figure({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="text-sm font-semibold tabular" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function AgentTodayFigures({ state, iface, memberships }: { state: PbxState; iface: string; memberships: QueueMember[] }) {
  const now = useNow();
  const days = memberDaysByAgent(state.memberDays).get(iface) ?? [];
  let dayStart = days[0]?.dayStart;
  if (dayStart === undefined) for (const id in state.queueDays) dayStart ??= state.queueDays[id].dayStart;
  // No figures of the day at all: the history is off, and the queue table's Asterisk counts are what there is.
  if (dayStart === undefined) return null;
  const t = agentToday(days, memberships, dayStart, now);
  return (
    <section aria-label="Today" className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="agent-today-figures">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Today</h3>
      <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6">
        <Figure label="Handled" value={t.handled} testId="agent-today-handled" />
        <Figure label="Missed" value={t.missed} testId="agent-today-missed" />
        <Figure label="AHT" value={span(t.ahtSeconds)} testId="agent-today-aht" />
        <Figure label="Talk" value={span(t.talkSeconds)} testId="agent-today-talk" />
        <Figure label="Paused" value={span(t.pausedSeconds)} testId="agent-today-paused" />
        <Figure label="Logged in" value={span(t.loggedInSeconds)} testId="agent-today-login" />
      </dl>
      {t.pauses.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Pause time by reason">
          {t.pauses.map((p) => (
            <li key={p.reason}>
              {p.reason || 'No reason'} <span className="font-medium text-zinc-800 tabular dark:text-zinc-200">{span(p.seconds)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

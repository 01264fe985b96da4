'use client';
import { useMemo } from 'react';
import { usePbx } from '@/lib/store';
import { countAgents } from '@/lib/ui/agents';
import { countCalls } from '@/lib/ui/calls';
import { boardLive, shownBoards, useShownAgents, useShownBoards } from '@/lib/ui/selectors';

function Stat({ label, value, tone, testId }: { label: React.ReactNode; value: number; tone?: string; testId: string }) {
  return (
    <div className="min-w-0 px-3 py-2.5 sm:px-4 sm:py-3">
      <div className="flex items-center gap-1.5 truncate text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {tone && <span className={`size-1.5 shrink-0 rounded-full ${tone}`} />}
        <span className="truncate">{label}</span>
      </div>
      <div className="mt-0.5 text-2xl font-semibold tracking-tight tabular" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** On a phone a third of the width holds "Paused" but not "Paused agents": the word stays for screen readers. */
function AgentsLabel({ children }: { children: string }) {
  return (
    <>
      {children}
      <span className="max-sm:sr-only"> agents</span>
    </>
  );
}

/** Headline counts: what a supervisor checks first. */
export function StatStrip() {
  const boards = useShownBoards();
  const agentList = useShownAgents();
  const ready = usePbx((s) => s.ready);
  const active = useMemo(() => boards.reduce((n, b) => n + countCalls(b.state.calls).active, 0), [boards]);
  const waiting = useMemo(() => boards.reduce((n, b) => n + Object.keys(b.state.callers).length, 0), [boards]);
  const agents = useMemo(() => countAgents(agentList.map((a) => a.status)), [agentList]);
  // With several PBXs the sums may hold a stale PBX's last known figures: say whose, rather than pass them off as live.
  const staleNames = usePbx((s) => {
    const shown = shownBoards(s);
    if (shown.length < 2 || s.connection !== 'live') return '';
    return shown
      .filter((b) => !boardLive(s, b))
      .map((b) => b.label)
      .join(', ');
  });
  return (
    <section
      aria-label="Totals"
      data-ready={ready}
      className="grid grid-cols-3 divide-zinc-200 rounded-xl border border-zinc-200 bg-white sm:grid-cols-5 sm:divide-x dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <Stat label="Active calls" value={active} testId="count-active" />
      <Stat label="Waiting" value={waiting} tone={waiting > 0 ? 'bg-violet-500' : 'bg-zinc-300'} testId="count-waiting" />
      <Stat label={<AgentsLabel>Free</AgentsLabel>} value={agents.free} tone="bg-emerald-500" testId="count-free" />
      <Stat label={<AgentsLabel>Busy</AgentsLabel>} value={agents.busy} tone="bg-rose-500" testId="count-busy" />
      <Stat label={<AgentsLabel>Paused</AgentsLabel>} value={agents.paused} tone="bg-amber-500" testId="count-paused" />
      {staleNames && (
        <p
          data-testid="totals-stale"
          className="col-span-full border-t border-zinc-200 px-4 py-1.5 text-xs text-amber-800 dark:border-zinc-800 dark:text-amber-300"
        >
          Includes the last known figures of {staleNames}, whose data is stale.
        </p>
      )}
    </section>
  );
}

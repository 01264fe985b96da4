/** A call's outcome as a coloured chip, and whether it met its queue's service level. */
import type { CallOutcome } from '@/lib/history/record';
import { outcomeLabel } from '@/lib/ui/history/format';

/** Colours read as on the board: green talked, rose lost, amber not reached; each with its own text contrast in both themes. */
const OUTCOME_STYLE = new Map<CallOutcome, string>(
  Object.entries({
    answered: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-500/15 dark:text-emerald-300 dark:ring-emerald-400/30',
    transferred: 'bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-500/15 dark:text-sky-300 dark:ring-sky-400/30',
    abandoned: 'bg-rose-50 text-rose-800 ring-rose-600/25 dark:bg-rose-500/15 dark:text-rose-300 dark:ring-rose-400/30',
    missed: 'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/15 dark:text-amber-300 dark:ring-amber-400/30',
    busy: 'bg-orange-50 text-orange-900 ring-orange-600/30 dark:bg-orange-500/15 dark:text-orange-300 dark:ring-orange-400/30',
    failed: 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-400/30',
    voicemail: 'bg-violet-50 text-violet-800 ring-violet-600/25 dark:bg-violet-500/15 dark:text-violet-300 dark:ring-violet-400/30',
  }) as [CallOutcome, string][],
);
const NEUTRAL = 'bg-zinc-100 text-zinc-800 ring-zinc-500/25 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-600';

export function OutcomeChip({ outcome, withinSla }: { outcome: CallOutcome; withinSla: boolean | null }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span
        data-testid="history-outcome"
        className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_STYLE.get(outcome) ?? NEUTRAL}`}
      >
        {outcomeLabel(outcome)}
      </span>
      {withinSla !== null && <SlaMark within={withinSla} />}
    </span>
  );
}

function SlaMark({ within }: { within: boolean }) {
  const text = within ? 'Within the queue’s service level' : 'Outside the queue’s service level';
  return (
    <span
      title={text}
      className={`text-[11px] font-medium ${within ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
    >
      <span aria-hidden>{within ? '✓ SLA' : '✗ SLA'}</span>
      <span className="sr-only">{text}</span>
    </span>
  );
}

import type { CallDirection, CallState } from '@/lib/pbx/model';
import { STATE_LABEL } from '@/lib/ui/calls';
import { IconInbound, IconInternal, IconOutbound, IconUnknown } from './icons';

const STATE_STYLE: Record<CallState, { chip: string; dot: string }> = {
  dialing: {
    chip: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/20',
    dot: 'bg-sky-500 animate-ring',
  },
  ringing: {
    chip: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/20',
    dot: 'bg-sky-500 animate-ring',
  },
  queued: {
    chip: 'bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-400/20',
    dot: 'bg-violet-500',
  },
  talking: {
    chip: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/20',
    dot: 'bg-emerald-500',
  },
  hold: {
    chip: 'bg-orange-50 text-orange-700 ring-orange-600/20 dark:bg-orange-500/10 dark:text-orange-300 dark:ring-orange-400/20',
    dot: 'bg-orange-500',
  },
  ended: {
    chip: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-400 dark:ring-zinc-400/20',
    dot: 'bg-zinc-400',
  },
};

export function CallStateChip({ state }: { state: CallState }) {
  const s = STATE_STYLE[state];
  return (
    <span
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${s.chip}`}
    >
      <span className={`size-1.5 rounded-full ${s.dot}`} />
      {STATE_LABEL[state]}
    </span>
  );
}

const DIRECTION: Record<CallDirection, { label: string; Icon: typeof IconInbound; tone: string }> = {
  inbound: { label: 'Inbound', Icon: IconInbound, tone: 'text-sky-600 dark:text-sky-400' },
  outbound: { label: 'Outbound', Icon: IconOutbound, tone: 'text-indigo-600 dark:text-indigo-400' },
  internal: { label: 'Internal', Icon: IconInternal, tone: 'text-zinc-600 dark:text-zinc-400' },
  unknown: { label: 'Unknown direction', Icon: IconUnknown, tone: 'text-zinc-400' },
};

export function DirectionIcon({ direction }: { direction: CallDirection }) {
  const d = DIRECTION[direction] ?? DIRECTION.unknown;
  return (
    <span title={d.label} className={`inline-flex ${d.tone}`}>
      <d.Icon aria-hidden="false" role="img" aria-label={d.label} />
    </span>
  );
}

/**
 * The wallboard's colours, one place: agent states, and alert severities as
 * the cards and figures wear them. Alert colours are fills and borders, never
 * plain text colour, so a red "busy" count is not mistaken for a red alert.
 */
import type { AgentStatus } from '@/lib/ui/agents';
import type { Severity } from '@/lib/alerts/model';
import type { AlertTone } from '@/lib/ui/wallboard-alerts';

export const STATE: Readonly<Record<AgentStatus, { dot: string; text: string; word: string }>> = {
  free: { dot: 'bg-emerald-400', text: 'text-emerald-300', word: 'free' },
  ringing: { dot: 'bg-cyan-300 animate-pulse', text: 'text-cyan-200', word: 'ringing' },
  busy: { dot: 'bg-rose-400', text: 'text-rose-300', word: 'on a call' },
  paused: { dot: 'bg-amber-400', text: 'text-amber-300', word: 'paused' },
  offline: { dot: 'border-2 border-zinc-400 bg-transparent', text: 'text-zinc-400', word: 'logged out' },
};

const CARD: Readonly<Record<Severity, string>> = {
  critical: 'border-red-500 bg-red-950 ring-[0.5vmin] ring-red-500',
  warning: 'border-amber-400 bg-amber-950 ring-[0.4vmin] ring-amber-400',
  info: 'border-sky-400 bg-sky-950 ring-[0.3vmin] ring-sky-400',
};

const FIGURE: Readonly<Record<Severity, string>> = {
  critical: 'bg-red-600 text-white',
  warning: 'bg-amber-400 text-zinc-950',
  info: 'bg-sky-400 text-zinc-950',
};

/** A card's frame: its highest alert's colour; muted grey while every alert on it is snoozed. */
export function cardClass(tone: AlertTone | null): string {
  if (!tone) return 'border-zinc-800 bg-zinc-900';
  if (tone.snoozed) return 'border-dashed border-zinc-500 bg-zinc-900';
  return CARD[tone.severity];
}

/** A figure an alert is about: a filled pill in the severity's colour (an outline while snoozed). */
export function figureClass(tone: AlertTone | undefined): string {
  if (!tone) return '';
  // inline-block: the fill is the figure's own line box, so it never covers the label above it.
  const shape = 'inline-block rounded-[0.8vmin] px-[0.15em]';
  return tone.snoozed ? `${shape} outline outline-[0.3vmin] outline-zinc-500 text-zinc-300` : `${shape} ${FIGURE[tone.severity]}`;
}

/** The word on a card's corner: the severity's fill, or a grey outline while snoozed. */
export function markClass(tone: AlertTone): string {
  return tone.snoozed ? 'text-zinc-300 outline outline-[0.25vmin] outline-zinc-500' : FIGURE[tone.severity];
}

export const SEVERITY_WORD: Readonly<Record<Severity, string>> = { critical: 'Critical', warning: 'Warning', info: 'Notice' };

'use client';
import { memo } from 'react';
import type { Presence, Phone } from '@/lib/ui/switchboard';
import { IconPhoneCall } from './icons';
import { LiveDuration } from './LiveDuration';

export const PRESENCE: Record<Presence, { label: string; bar: string; text: string }> = {
  free: { label: 'Free', bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-400' },
  ringing: { label: 'Ringing', bar: 'bg-sky-500 animate-ring', text: 'text-sky-700 dark:text-sky-400' },
  'in-use': { label: 'In use', bar: 'bg-rose-500', text: 'text-rose-700 dark:text-rose-400' },
  hold: { label: 'On hold', bar: 'bg-amber-500', text: 'text-amber-700 dark:text-amber-400' },
  dnd: { label: 'Do not disturb', bar: 'bg-violet-500', text: 'text-violet-700 dark:text-violet-400' },
  unavailable: { label: 'Unavailable', bar: 'bg-zinc-400 dark:bg-zinc-500', text: 'text-zinc-600 dark:text-zinc-400' },
  unregistered: { label: 'Not registered', bar: 'bg-zinc-300 dark:bg-zinc-600', text: 'text-zinc-600 dark:text-zinc-400' },
};

/** A tile's fixed height, px: the grid is virtualised by rows of tiles. */
export const PHONE_TILE_HEIGHT = 96;

/** Where it registered from, how far away it answers, and what it is: the address first, as the part that gets cut last. */
function registrationLine(p: Phone): string {
  const r = p.registration;
  if (r === null) return 'No contact';
  const parts: string[] = [r.address];
  if (r.rttMs >= 0) parts.push(`${r.rttMs < 10 ? r.rttMs.toFixed(1) : Math.round(r.rttMs)} ms`);
  else if (r.status === 'Unreachable') parts.push('does not answer');
  else if (r.status === '' || r.status === 'Unknown') parts.push('status not known');
  parts.push(r.userAgent);
  return parts.filter(Boolean).join(' · ');
}

export const PhoneTile = memo(function PhoneTile({
  phone: p,
  pbx,
  pbxLabel,
  onCall,
}: {
  phone: Phone;
  pbx: string;
  /** Named when several PBXs are shown. */
  pbxLabel: string;
  /** Absent when the user may not place a call (or the data is stale). */
  onCall: ((pbx: string, phone: Phone) => void) | undefined;
}) {
  const s = PRESENCE[p.presence];
  const other = p.call?.other;
  const party = other ? (other.name && other.name !== other.num ? `${other.name} (${other.num})` : other.num) || '—' : '';
  const who = p.name ? `${p.name} (${p.number})` : p.number;
  const away = p.presence === 'unregistered' || p.presence === 'unavailable';
  return (
    <li
      data-testid="phone-tile"
      data-endpoint={p.id}
      data-pbx={pbx}
      data-presence={p.presence}
      style={{ height: PHONE_TILE_HEIGHT }}
      className={`relative flex min-w-0 flex-col justify-between overflow-hidden rounded-lg border py-2 pl-4 pr-2.5 ${
        away
          ? 'border-dashed border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-950'
          : 'border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900'
      }`}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${s.bar}`} aria-hidden="true" />
      <div className="flex items-baseline gap-2">
        <span className="shrink-0 text-sm font-semibold tabular" data-testid="phone-number">
          {p.number}
        </span>
        <span className="min-w-0 flex-1 truncate text-sm" title={p.name || undefined}>
          {p.name}
        </span>
        {onCall && (
          <button
            type="button"
            onClick={() => onCall(pbx, p)}
            aria-label={`Call ${who} from your phone`}
            title={`Call ${who} from your phone`}
            data-testid="phone-call"
            className="-my-1 inline-flex size-7 shrink-0 items-center justify-center rounded-md text-zinc-600 ring-1 ring-inset ring-zinc-200 hover:bg-emerald-50 hover:text-emerald-700 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-emerald-500/10 dark:hover:text-emerald-400"
          >
            <IconPhoneCall width={14} height={14} />
          </button>
        )}
      </div>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className={`truncate font-medium ${s.text}`} data-testid="phone-presence">
          {s.label}
          {pbxLabel && <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {pbxLabel}</span>}
        </span>
        {!p.call && p.since > 0 && (
          <span className="shrink-0 text-zinc-600 dark:text-zinc-400" title="Time in this state">
            <LiveDuration since={p.since} />
          </span>
        )}
      </div>
      {p.call ? (
        <div className="flex items-baseline gap-1.5 text-xs text-zinc-700 dark:text-zinc-300" data-testid="phone-call-party">
          <span aria-hidden="true">↔</span>
          <span className="sr-only">Talking to</span>
          <span className="min-w-0 truncate font-medium">{party}</span>
          {p.call.call.queue && <span className="shrink-0 text-zinc-600 dark:text-zinc-400">· {p.call.call.queue}</span>}
          <LiveDuration since={p.call.call.answeredAt || p.call.call.startedAt} className="ml-auto shrink-0" />
        </div>
      ) : (
        <div className="truncate text-[11px] text-zinc-600 dark:text-zinc-400" data-testid="phone-registration" title={registrationLine(p)}>
          {registrationLine(p)}
        </div>
      )}
    </li>
  );
});

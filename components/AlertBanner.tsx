'use client';
/**
 * The alerts the server's rules raised, under the header of every page that
 * follows the PBXs: the gravest first, with who acknowledged or snoozed each
 * (every browser sees it, because the alert itself carries it).
 */
import { useState } from 'react';
import type { Alert, Severity } from '@/lib/alerts/model';
import { alertHeading, describeAlert } from '@/lib/alerts/describe';
import { usePbx } from '@/lib/store';
import { isSnoozed, shownAlerts, wantsAttention, type ShownAlert } from '@/lib/ui/alerts';
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatClock } from '@/lib/ui/format';
import { useCan } from '@/lib/ui/grants';
import { showToast } from '@/lib/ui/toasts';
import { IconAlert } from './icons';

const TONE: Readonly<Record<Severity, string>> = {
  critical: 'border-rose-300 bg-rose-50 text-rose-950 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-100',
  info: 'border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/40 dark:text-sky-100',
};

/** Rows shown before "N more": the banner must not push the board off a laptop's screen. */
const FOLDED = 2;

export function AlertBanner() {
  const boards = usePbx((s) => s.boards);
  const now = useNow();
  const [open, setOpen] = useState(false);
  const shown = shownAlerts(boards, now);
  if (shown.length === 0) return null;
  const rows = open ? shown : shown.slice(0, FOLDED);
  const named = boards.length > 1;
  return (
    <section aria-label="Alerts" data-testid="alert-banner" className="border-b border-zinc-200 dark:border-zinc-800">
      <ul>
        {rows.map((s) => (
          <AlertRow key={`${s.pbx}|${s.alert.id}`} shown={s} now={now} named={named} />
        ))}
      </ul>
      {shown.length > FOLDED && (
        <button
          type="button"
          onClick={() => setOpen(!open)}
          className="w-full bg-zinc-50 py-1 text-center text-xs font-medium text-zinc-700 hover:bg-zinc-100 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          {open ? 'Show fewer alerts' : `${shown.length - FOLDED} more ${shown.length - FOLDED === 1 ? 'alert' : 'alerts'}`}
        </button>
      )}
    </section>
  );
}

function AlertRow({ shown, now, named }: { shown: ShownAlert; now: number; named: boolean }) {
  const { alert, pbx, pbxLabel } = shown;
  // The page's grants, as every other button reads them (the server checks them regardless).
  const mayHandle = useCan().has('acknowledge');
  const attention = wantsAttention(alert, now);
  return (
    <li
      data-testid="alert"
      data-alert-id={alert.id}
      data-severity={alert.severity}
      data-acked={alert.ackedBy !== null || undefined}
      className={`flex flex-wrap items-center gap-x-3 gap-y-1 border-t px-4 py-1.5 text-sm first:border-t-0 ${TONE[alert.severity]} ${
        attention ? '' : 'opacity-75'
      }`}
    >
      <IconAlert width={15} height={15} className="shrink-0" aria-hidden />
      <span className="font-semibold">{alertHeading(alert)}</span>
      <span className="min-w-0">
        {named && `${pbxLabel}: `}
        {describeAlert(alert)}
      </span>
      <span className="text-xs opacity-80">for {now > 0 ? elapsed(alert.firedAt, now) : '—'}</span>
      <Handled alert={alert} now={now} />
      {mayHandle && attention && (
        <span className="ml-auto flex gap-1.5">
          <AlertButton pbx={pbx} alert={alert} action="ack" label="Acknowledge" />
          <AlertButton pbx={pbx} alert={alert} action="snooze" minutes={15} label="Snooze 15 min" />
        </span>
      )}
    </li>
  );
}

function Handled({ alert, now }: { alert: Alert; now: number }) {
  if (alert.ackedBy !== null)
    return (
      <span data-testid="alert-acked" className="text-xs font-medium">
        Acknowledged by {alert.ackedBy}
        {alert.ackedAt ? ` at ${formatClock(alert.ackedAt)}` : ''}
      </span>
    );
  if (isSnoozed(alert, now))
    return (
      <span data-testid="alert-snoozed" className="text-xs font-medium">
        Snoozed by {alert.snoozedBy ?? 'someone'} until {formatClock(alert.snoozedUntil!)}
      </span>
    );
  if (alert.quiet) return <span className="text-xs">Quiet hours: not sounded or sent</span>;
  return null;
}

function AlertButton({
  pbx,
  alert,
  action,
  minutes,
  label,
}: {
  pbx: string;
  alert: Alert;
  action: 'ack' | 'snooze';
  minutes?: number;
  label: string;
}) {
  const [busy, setBusy] = useState(false);
  async function press() {
    setBusy(true);
    try {
      const res = await fetch(`/api/pbx/${encodeURIComponent(pbx)}/alerts/${encodeURIComponent(alert.id)}/${action}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(minutes === undefined ? {} : { minutes }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        showToast({ tone: 'error', title: `${label} failed`, detail: body.error ?? `The server answered ${res.status}` });
      }
    } catch {
      showToast({ tone: 'error', title: `${label} failed`, detail: 'The server could not be reached' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <button
      type="button"
      disabled={busy}
      onClick={press}
      className="rounded-md border border-current/25 bg-white/70 px-2 py-0.5 text-xs font-medium hover:bg-white disabled:opacity-50 dark:bg-black/20 dark:hover:bg-black/40"
    >
      {label}
    </button>
  );
}

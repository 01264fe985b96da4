'use client';
/**
 * One call's record in a dialog: its parties, figures and cause, Asterisk's
 * own CDRs beside ours, and its timeline. The native <dialog> (Dialog) keeps
 * focus inside, closes on Esc and gives focus back to the row that opened it.
 */
import { cdrTalkSeconds, type CallRecord } from '@/lib/history/record';
import { formatClock, formatMoment } from '@/lib/ui/format';
import { directionLabel, formatSeconds, hungUpLabel, partyLabel } from '@/lib/ui/history/format';
import { timeline, type TimelineKind } from '@/lib/ui/history/timeline';
import { Dialog } from '../Dialog';
import { OutcomeChip } from './OutcomeChip';

export function CallDetail({
  open,
  call,
  error,
  onClose,
  admin,
}: {
  open: boolean;
  /** null while a linked call loads, or when it could not (then `error` says why). */
  call: CallRecord | null;
  error: string;
  onClose: () => void;
  admin: boolean;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={call ? `${partyLabel(call.from)} → ${partyLabel(call.to)}` : 'Call'}
      description={call ? <Summary call={call} /> : undefined}
      className="sm:w-[min(100vw-2rem,42rem)]"
    >
      {call ? (
        <Body call={call} admin={admin} />
      ) : error ? (
        <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:bg-rose-500/10 dark:text-rose-200">
          {error}
        </p>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the call…</p>
      )}
    </Dialog>
  );
}

function Summary({ call }: { call: CallRecord }) {
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span className="tabular">{formatMoment(call.startedAt)}</span>
      <OutcomeChip outcome={call.outcome} withinSla={call.withinSla} />
    </span>
  );
}

function Body({ call, admin }: { call: CallRecord; admin: boolean }) {
  const asterisk = cdrTalkSeconds(call);
  const facts: [string, string][] = [
    ['From', partyLabel(call.from)],
    ['To', partyLabel(call.to)],
    ['Dialled', call.did || '—'],
    ['Direction', directionLabel(call.direction)],
    ['Queues', call.queues.join(', ') || '—'],
    ['Agent', call.agent ? `${call.agent.name} (${call.agent.interface})` : '—'],
    ['Started', formatMoment(call.startedAt)],
    ['Answered', call.answeredAt ? formatClock(call.answeredAt) : 'Not answered'],
    ['Ended', formatClock(call.endedAt)],
    ['Wait', formatSeconds(call.waitSeconds)],
    [
      'Talk',
      asterisk === null ? formatSeconds(call.talkSeconds) : `${formatSeconds(call.talkSeconds)} (Asterisk: ${formatSeconds(asterisk)})`,
    ],
    ['On hold', call.holdSeconds > 0 ? formatSeconds(call.holdSeconds) : '—'],
    ['Hung up by', hungUpLabel(call)],
    ['Cause', call.hangupCause.code ? `${call.hangupCause.code} ${call.hangupCause.text}` : call.hangupCause.text || '—'],
    ['PBX', call.pbx],
    ['Call id', call.id],
  ];
  return (
    <div className="flex flex-col gap-5 text-sm">
      {call.partial && (
        <p className="rounded-lg bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-500/15 dark:text-amber-200">
          Callboard saw only part of this call (a restart or a link drop): times it did not see are missing.
        </p>
      )}
      <section aria-labelledby="call-timeline">
        <h3 id="call-timeline" className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          Timeline
        </h3>
        <Timeline call={call} admin={admin} />
      </section>
      <section aria-labelledby="call-facts">
        <h3 id="call-facts" className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          Details
        </h3>
        <dl className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-3 gap-y-1 sm:grid-cols-[6.5rem_minmax(0,1fr)_6.5rem_minmax(0,1fr)]">
          {facts.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-zinc-600 dark:text-zinc-400">{k}</dt>
              <dd className="break-words tabular">{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      {call.cdrs.length > 0 && <Cdrs call={call} />}
    </div>
  );
}

function Timeline({ call, admin }: { call: CallRecord; admin: boolean }) {
  const entries = timeline(call);
  return (
    <ol className="relative ml-1 border-l border-zinc-200 dark:border-zinc-700" data-testid="call-timeline">
      {entries.map((e, i) => (
        <li key={i} className="relative pb-2.5 pl-4 last:pb-0" data-kind={e.kind}>
          <span
            aria-hidden
            className={`absolute -left-[5px] top-1.5 size-2.5 rounded-full ring-2 ring-white dark:ring-zinc-900 ${DOT[e.kind] ?? DOT.default ?? ''}`}
          />
          <div className="flex flex-wrap items-baseline gap-x-2">
            <span className="tabular text-xs text-zinc-600 dark:text-zinc-400">{e.at ? formatClock(e.at) : '—'}</span>
            <span className="font-medium">{e.label}</span>
          </div>
          {e.detail && <div className="text-xs text-zinc-600 dark:text-zinc-400">{e.detail}</div>}
          {admin && e.audit !== undefined && (
            <a
              href={`/api/audit?before=${e.audit}&limit=1`}
              target="_blank"
              rel="noopener"
              className="text-xs text-sky-700 underline hover:text-sky-900 dark:text-sky-400 dark:hover:text-sky-300"
            >
              Audit entry
            </a>
          )}
        </li>
      ))}
    </ol>
  );
}

const DOT: Partial<Record<TimelineKind | 'default', string>> = {
  answer: 'bg-emerald-500',
  transfer: 'bg-sky-500',
  park: 'bg-violet-500',
  action: 'bg-amber-500',
  hangup: 'bg-rose-500',
  default: 'bg-zinc-400 dark:bg-zinc-500',
};

function Cdrs({ call }: { call: CallRecord }) {
  return (
    <section aria-labelledby="call-cdrs">
      <h3 id="call-cdrs" className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        Asterisk’s CDRs
      </h3>
      {/* A CDR row is wide: it scrolls inside the dialog, never the page. */}
      <div className="overflow-x-auto">
        <table className="w-full text-xs">
          <thead className="text-left text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="py-1 pr-3 font-medium">Channel</th>
              <th className="py-1 pr-3 font-medium">To</th>
              <th className="py-1 pr-3 font-medium">App</th>
              <th className="py-1 pr-3 text-right font-medium">Duration</th>
              <th className="py-1 pr-3 text-right font-medium">Billed</th>
              <th className="py-1 font-medium">Disposition</th>
            </tr>
          </thead>
          <tbody className="tabular">
            {call.cdrs.map((c, i) => (
              <tr key={i} className="border-t border-zinc-100 dark:border-zinc-800">
                <td className="whitespace-nowrap py-1 pr-3">{c.channel}</td>
                <td className="whitespace-nowrap py-1 pr-3">{c.destinationChannel || '—'}</td>
                <td className="py-1 pr-3">{c.lastApplication}</td>
                <td className="py-1 pr-3 text-right">{formatSeconds(c.duration)}</td>
                <td className="py-1 pr-3 text-right">{formatSeconds(c.billableSeconds)}</td>
                <td className="whitespace-nowrap py-1">{c.disposition}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

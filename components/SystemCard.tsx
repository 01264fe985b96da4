'use client';
/**
 * One PBX as Asterisk describes itself (CoreSettings, CoreStatus) and as the
 * AMI link carries it. Times come as instants and tick here, on the shared
 * clock: nothing on the wire moves while an uptime counts up.
 */
import type { ReactNode } from 'react';
import type { Board } from '@/lib/store';
import { useBoardLive } from '@/lib/ui/selectors';
import { useNow } from '@/lib/ui/clock';
import { formatMoment, formatSpan } from '@/lib/ui/format';
import { phoneCounts } from '@/lib/ui/phones';
import { countCalls } from '@/lib/ui/calls';
import { LinkBadge } from './LinkBadge';

const n = (v: number) => v.toLocaleString('en');

function Row({ label, children, hint, testId }: { label: string; children: ReactNode; hint?: string; testId?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-3 py-1.5">
      <dt className="shrink-0 whitespace-nowrap text-zinc-600 dark:text-zinc-400" title={hint}>
        {label}
      </dt>
      <dd className="min-w-0 truncate text-right font-medium tabular" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{title}</h3>
      <dl className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">{children}</dl>
    </div>
  );
}

/** "3 d 04:12:09", ticking, over "since 1 Dec 08:36:02". */
function Since({ at, offset }: { at: number; offset: number }) {
  const now = useNow();
  if (!at) return <span className="text-zinc-500">not known</span>;
  return (
    <>
      {now ? formatSpan(now - at) : ''}
      <span className="block text-xs font-normal text-zinc-600 dark:text-zinc-400">since {formatMoment(at - offset)}</span>
    </>
  );
}

export function SystemCard({ board, offset, titled }: { board: Board; offset: number; titled: boolean }) {
  const live = useBoardLive(board.id);
  const { pbx } = board.state;
  const s = pbx.system;
  const phones = phoneCounts(board.state);
  const calls = countCalls(board.state.calls).active;
  const unknown = <span className="text-zinc-500">—</span>;

  return (
    <section
      aria-label={`System: ${board.label}`}
      data-testid="system-card"
      data-pbx={board.id}
      data-stale={!live || undefined}
      className={`rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900 ${live ? '' : 'opacity-60 grayscale'}`}
    >
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h2 className="text-base font-semibold">{board.label}</h2>
        {titled && <LinkBadge pbx={board.id} />}
        <span className="ml-auto text-xs text-zinc-600 dark:text-zinc-400">
          {s.checkMs
            ? `Asterisk's figures refresh every ${Math.round(s.checkMs / 1000)} s, on connect and after a reload`
            : "Asterisk's figures refresh on connect and after a reload"}
        </span>
      </div>
      {s.refused && (
        <p
          data-testid="system-refused"
          className="mb-3 rounded-lg bg-zinc-100 px-3 py-2 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        >
          Asterisk refused CoreSettings or CoreStatus ({s.refused}): give this manager user <code>write = reporting</code> (or{' '}
          <code>system</code>) in manager.conf to see its version, uptime and call counts.
        </p>
      )}
      <div className="grid gap-x-8 gap-y-4 sm:grid-cols-2 xl:grid-cols-4">
        <Group title="Asterisk">
          <Row label="Version" testId="system-version">
            {s.asteriskVersion || pbx.version || unknown}
          </Row>
          <Row label="AMI version" testId="system-ami-version">
            {s.amiVersion || unknown}
          </Row>
          <Row label="System name" hint="asterisk.conf systemname">
            {s.systemName || <span className="font-normal text-zinc-500">not set</span>}
          </Row>
          <Row label="Max calls" hint="asterisk.conf maxcalls (CoreMaxCalls)" testId="system-max-calls">
            {s.asteriskVersion ? (s.maxCalls ? n(s.maxCalls) : 'no limit') : unknown}
          </Row>
        </Group>
        <Group title="Uptime">
          <Row label="Up" testId="system-uptime">
            <Since at={s.startedAt} offset={offset} />
          </Row>
          <Row label="Last reload" testId="system-reload">
            <Since at={s.reloadedAt} offset={offset} />
          </Row>
          {!s.utcOffsetKnown && s.startedAt > 0 && (
            <p className="pt-1.5 text-xs text-zinc-600 dark:text-zinc-400">
              Times assume the PBX runs in this server&apos;s time zone (no FullyBooted event told its own: read=system).
            </p>
          )}
        </Group>
        <Group title="Calls">
          <Row label="Calls on the board" hint="Conversations Callboard follows now" testId="system-board-calls">
            {n(calls)}
          </Row>
          <Row
            label="Active channels"
            hint="CoreCurrentCalls: Asterisk counts channels, so a bridged call counts two"
            testId="system-channels"
          >
            {s.asteriskVersion || s.checkedAt ? `${n(s.currentCalls)}${s.maxCalls ? ` of ${n(s.maxCalls)}` : ''}` : unknown}
          </Row>
          <Row label="Calls processed" hint="CoreProcessedCalls: since Asterisk started" testId="system-processed">
            {s.asteriskVersion || s.checkedAt ? n(s.processedCalls) : unknown}
          </Row>
          <Row label="Phones registered" testId="system-phones">
            <a href="/phones" className="underline-offset-2 hover:underline">
              {phones.total ? `${n(phones.registered)} of ${n(phones.total)}` : 'none listed'}
            </a>
          </Row>
        </Group>
        <Group title="AMI link">
          <Row label="Connected" testId="system-connected">
            {pbx.link === 'connected' ? (
              <Since at={pbx.linkSince} offset={offset} />
            ) : (
              <span className="text-rose-700 dark:text-rose-400">{pbx.link}</span>
            )}
          </Row>
          <Row label="Last resync" testId="system-resync">
            {pbx.lastResync ? formatMoment(pbx.lastResync - offset) : unknown}
          </Row>
          <Row label="Events" hint="Over the last 10 s, and since the link came up" testId="system-events">
            {`${pbx.linkEvents.perSec.toLocaleString('en', { maximumFractionDigits: 1 })}/s`}
            <span className="ml-1.5 font-normal text-zinc-600 dark:text-zinc-400">{n(pbx.linkEvents.total)} in all</span>
          </Row>
          <Row label="Drift check">
            {pbx.driftCheckedAt
              ? `${pbx.driftDifferences} ${pbx.driftDifferences === 1 ? 'difference' : 'differences'} at ${formatMoment(pbx.driftCheckedAt - offset)}`
              : 'none yet'}
          </Row>
        </Group>
      </div>
      {(pbx.warnings.length > 0 || pbx.phoneNotices.length > 0) && (
        <div className="mt-4">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Warnings</h3>
          <ul data-testid="system-warnings" className="list-disc space-y-1 pl-5 text-sm text-amber-900 dark:text-amber-200">
            {[...pbx.warnings, ...pbx.phoneNotices].map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

'use client';
/**
 * One queue on the wall: waiting now, the longest wait (ticking here), agents
 * free, busy and paused, and today's answered, abandoned and SLA. Its frame and
 * the figures an alert is about take that alert's colour. Type sizes come from
 * the layout (lib/ui/wallboard-layout) as CSS variables on the grid.
 */
import { useNow } from '@/lib/ui/clock';
import { elapsed, formatPercent } from '@/lib/ui/format';
import type { QueueStats } from '@/lib/ui/queues';
import type { CardShape } from '@/lib/ui/wallboard-layout';
import type { CardTone, WallFigure } from '@/lib/ui/wallboard-alerts';
import { SEVERITY_WORD, STATE, cardClass, figureClass, markClass } from './tones';

/*
 * Read from across a room: labels at --wb-label (3 % of the screen height and
 * more where the layout allows), zinc-300 on the panels (over 7:1), in
 * sentence case, which reads faster than capitals at a distance.
 */
const LABEL = 'truncate font-medium leading-[1.2] text-zinc-300 text-[length:var(--wb-label)]';
const BIG = 'font-bold leading-none tracking-tighter tabular text-[length:var(--wb-big)]';
const SMALL = 'font-semibold leading-none tracking-tight tabular text-[length:var(--wb-small)]';

function LongestWait({ since }: { since: number }) {
  const now = useNow();
  return <>{since ? elapsed(since, now) || '0:00' : '0:00'}</>;
}

function Figure({
  label,
  value,
  tone = '',
  testId,
  alert,
  big = false,
}: {
  label: string;
  value: React.ReactNode;
  tone?: string;
  testId: string;
  alert: CardTone['figures'][WallFigure];
  big?: boolean;
}) {
  return (
    <div className="min-w-0">
      <div className={LABEL}>{label}</div>
      <div className={`${big ? BIG : SMALL} whitespace-nowrap`}>
        <span data-testid={testId} data-alert={alert?.severity} className={`${tone} ${figureClass(alert)}`}>
          {value}
        </span>
      </div>
    </div>
  );
}

function AlertMark({ tone }: { tone: CardTone['card'] }) {
  if (!tone) return null;
  const word = tone.snoozed ? 'Snoozed' : tone.acked ? `✓ Seen${tone.ackedBy ? ` by ${tone.ackedBy}` : ''}` : SEVERITY_WORD[tone.severity];
  return (
    <span
      data-testid="wallboard-alert-mark"
      data-severity={tone.severity}
      data-acked={tone.acked || undefined}
      data-snoozed={tone.snoozed || undefined}
      className={`shrink truncate rounded-[0.8vmin] px-[0.5em] py-[0.1em] text-[length:var(--wb-label)] font-semibold ${markClass(tone)}`}
    >
      {word}
    </span>
  );
}

export function QueueCard({
  q,
  shape,
  pbx,
  tone,
  stale,
}: {
  q: QueueStats;
  shape: CardShape;
  pbx: { id: string; label: string | null };
  tone: CardTone;
  stale: boolean;
}) {
  const band = shape === 'band';
  const headingId = `wb-queue-${pbx.id}-${q.id}`;
  const f = tone.figures;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="wallboard-queue"
      data-queue={q.id}
      data-pbx={pbx.id}
      data-shape={shape}
      data-alert={tone.card?.severity}
      data-stale={stale || undefined}
      className={`flex min-h-0 min-w-0 flex-1 flex-col justify-center gap-[calc(var(--wb-label)*0.5)] overflow-hidden rounded-[1.5vmin] border p-[var(--wb-pad)] transition-[opacity,filter] ${cardClass(tone.card)} ${stale ? 'opacity-50 grayscale' : ''}`}
    >
      <div className="flex min-w-0 items-center justify-between gap-[1vmin]">
        <h2 id={headingId} className="min-w-0 truncate font-semibold leading-[1.15] tracking-tight text-[length:var(--wb-name)]">
          {pbx.label && <span className="font-normal text-zinc-400">{pbx.label} · </span>}
          {q.id}
        </h2>
        <AlertMark tone={tone.card} />
      </div>
      <div
        className={
          band
            ? 'flex min-w-0 items-end justify-around gap-[calc(var(--wb-label)*2)]'
            : 'flex min-h-0 flex-col gap-[calc(var(--wb-label)*0.5)]'
        }
      >
        <div className="grid min-w-0 grid-cols-[auto_minmax(0,1fr)] items-end gap-x-[calc(var(--wb-label)*1.5)]">
          <Figure
            big
            label="Waiting"
            testId="wallboard-waiting"
            alert={f.waiting}
            tone={q.waiting ? 'text-violet-300' : 'text-zinc-300'}
            value={q.waiting}
          />
          <Figure big label="Longest wait" testId="wallboard-longest" alert={f.longest} value={<LongestWait since={q.longestSince} />} />
        </div>
        <div
          className={`grid min-w-0 grid-cols-[repeat(3,minmax(0,auto))] gap-x-[calc(var(--wb-label)*1)] gap-y-[calc(var(--wb-label)*0.4)] ${
            band ? 'border-l border-zinc-700 pl-[calc(var(--wb-label)*1.5)]' : 'border-t border-zinc-700 pt-[calc(var(--wb-label)*0.4)]'
          }`}
        >
          {/* Today's, from Callboard's own history: a reload or restart of Asterisk does not reset them. */}
          <Figure label="Answered" testId="wallboard-answered" alert={undefined} value={q.answered} />
          <Figure label="Abandoned" testId="wallboard-abandoned" alert={undefined} value={q.abandoned} />
          <Figure label="SLA" testId="wallboard-sla" alert={f.sla} value={formatPercent(q.sla)} />
          <Figure label="Free" testId="wallboard-free" alert={f.free} tone={STATE.free.text} value={q.agents.free} />
          <Figure label="Busy" testId="wallboard-busy" alert={f.busy} tone={STATE.busy.text} value={q.agents.busy} />
          <Figure label="Paused" testId="wallboard-paused" alert={f.paused} tone={STATE.paused.text} value={q.agents.paused} />
        </div>
      </div>
    </section>
  );
}

'use client';
/** What the wall must say out loud: names in its URL that match nothing, and that what it shows is not live. */
import { formatAt } from './WallClock';

export function UnknownNames({ pbx, queues }: { pbx: string[]; queues: string[] }) {
  if (!pbx.length && !queues.length) return null;
  const parts = [
    pbx.length ? `No PBX ${pbx.map((p) => `“${p}”`).join(', ')}` : '',
    queues.length ? `No queue ${queues.map((q) => `“${q}”`).join(', ')}` : '',
  ].filter(Boolean);
  return (
    <p
      role="alert"
      data-testid="wallboard-unknown"
      className="shrink-0 truncate rounded-[1vmin] border border-amber-400 bg-amber-950 px-[1.5vmin] py-[0.5vmin] text-[clamp(0.8rem,2.6vh,4rem)] font-medium text-amber-100"
    >
      {parts.join(' · ')} on this wallboard: check the link’s ?pbx= and ?queues=.
    </p>
  );
}

/**
 * A TV showing frozen numbers as live is the worst failure: while the data is
 * not live, a band across the wall says since when.
 */
export function StaleBanner({ since, boards, timeZone }: { since: number; boards: string[]; timeZone: string | null }) {
  return (
    <div
      role="status"
      data-testid="wallboard-stale"
      className="pointer-events-none absolute inset-x-[2.5vmin] top-1/2 z-10 -translate-y-1/2 rounded-[1.5vmin] border-[0.4vmin] border-amber-400 bg-zinc-950 px-[3vmin] py-[2vmin] text-center shadow-2xl"
    >
      <p className="text-[clamp(1.2rem,6vh,9rem)] font-bold leading-tight text-amber-300">
        {boards.length ? `${boards.join(', ')}: ` : ''}
        {since ? `Stale since ${formatAt(since, timeZone)}` : 'Not live'}
      </p>
      <p className="text-[clamp(0.9rem,3vh,4.5rem)] text-zinc-200">
        {boards.length ? 'Its figures are' : 'These figures are'} the last known, not live. Reconnecting…
      </p>
    </div>
  );
}

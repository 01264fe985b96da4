'use client';
import { usePbx } from '@/lib/store';
import { isPbxLive } from '@/lib/pbx/model';
import { formatClock } from '@/lib/ui/format';

/** One badge per PBX the page follows, named when there are several: a down PBX shows even while another is selected. */
/** One badge per PBX the page follows, or per PBX of `only` (a wall for one PBX says nothing of another's link). */
export function LinkBadges({ size = 'sm', only }: { size?: 'sm' | 'lg'; only?: readonly string[] }) {
  const ids = usePbx((s) =>
    s.boards
      .map((b) => b.id)
      .filter((id) => !only || only.includes(id))
      .join(' '),
  );
  const list = ids ? ids.split(' ') : [];
  // A wall whose ?pbx= names no PBX says so in words (components/wallboard/Notices); a badge would only say Connecting.
  if (only && list.length === 0) return null;
  if (list.length <= 1) return <LinkBadge pbx={list[0] ?? ''} size={size} />;
  return (
    <div className="flex flex-wrap items-center justify-end gap-1.5">
      {list.map((id) => (
        <LinkBadge key={id} pbx={id} size={size} named />
      ))}
    </div>
  );
}

/**
 * Live when both the socket and the PBX's AMI link are up. Otherwise the
 * data is stale from the moment we last knew it was good, and we say since when.
 */
export function LinkBadge({ pbx, size = 'sm', named = false }: { pbx: string; size?: 'sm' | 'lg'; named?: boolean }) {
  const connection = usePbx((s) => s.connection);
  const socketDownSince = usePbx((s) => s.socketDownSince);
  const board = usePbx((s) => s.boards.find((b) => b.id === pbx));
  const status = board?.state.pbx;
  const link = status?.link ?? 'connecting';
  // After a (re)connect the lists are still being read: until then the data may be behind.
  const syncing = !!status && (!board.ready || (status.link === 'connected' && !isPbxLive(status)));
  const lastLiveAt = status?.lastLiveAt ?? 0;
  const offset = usePbx((s) => s.clockOffset);
  const refused = usePbx((s) => s.refused);

  let label: string;
  let tone: 'live' | 'warn' | 'down' | 'idle';
  let stale = 0;
  if (connection !== 'live' && refused) {
    // The server turned us away (e.g. a revoked wallboard token); we keep retrying.
    label = refused === 'unauthorized' ? 'Access refused' : refused === 'unknown-pbx' ? 'No such PBX' : 'Connection refused';
    tone = 'down';
    stale = socketDownSince;
  } else if (connection === 'connecting' || !board) {
    label = 'Connecting…';
    tone = 'idle';
  } else if (connection === 'reconnecting') {
    label = 'Reconnecting';
    tone = 'warn';
    stale = socketDownSince;
  } else if (link !== 'connected') {
    label = link === 'auth-failed' ? 'PBX login failed' : 'PBX link down';
    tone = 'down';
    // lastLiveAt is on the server's clock; show it on ours.
    stale = lastLiveAt ? lastLiveAt - offset : 0;
  } else if (syncing) {
    label = 'Syncing…';
    tone = 'warn';
    stale = lastLiveAt ? lastLiveAt - offset : 0;
  } else {
    label = 'Live';
    tone = 'live';
  }

  const styles = {
    live: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-400 dark:ring-emerald-400/20',
    warn: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/20',
    down: 'bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-500/10 dark:text-rose-300 dark:ring-rose-400/20',
    idle: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20',
  }[tone];
  const dot = { live: 'bg-emerald-500', warn: 'bg-amber-500 animate-ring', down: 'bg-rose-500', idle: 'bg-zinc-400 animate-ring' }[tone];
  const big = size === 'lg';

  return (
    <div
      data-testid="link-badge"
      data-pbx={pbx || undefined}
      data-state={tone}
      role="status"
      aria-live="polite"
      className={`inline-flex items-center gap-2 rounded-full font-medium ring-1 ring-inset ${styles} ${
        big ? 'px-[1.2vw] py-[0.5vw] text-[clamp(0.9rem,1.4vw,2rem)]' : 'px-2.5 py-1 text-xs'
      }`}
    >
      <span className={`inline-block rounded-full ${dot} ${big ? 'size-[0.8vw] min-w-2 min-h-2' : 'size-2'}`} />
      {named && <span className="font-semibold">{board?.label ?? pbx}:</span>}
      <span>{label}</span>
      {stale > 0 && (
        <span className="font-normal opacity-80 tabular" data-testid="stale-since">
          · Stale since {formatClock(stale)}
        </span>
      )}
    </div>
  );
}

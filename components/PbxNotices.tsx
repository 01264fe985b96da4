'use client';
import { usePbx, type Board } from '@/lib/store';
import { IconAlert } from './icons';

/**
 * The demo banner, the PBX's own warnings (a missing manager.conf permission,
 * a list that failed, a bound that left the board incomplete), and what the
 * last drift check found when it found something.
 */
export function PbxNotices() {
  const boards = usePbx((s) => s.boards);
  // One banner however many demo PBXs: a real PBX beside them is named in its own badge.
  const demo = boards.some((b) => b.state.pbx.demo);
  const several = boards.length > 1;
  return (
    <div className="space-y-px">
      {demo && (
        <div
          data-testid="demo-banner"
          className="border-b border-sky-200 bg-sky-50 px-4 py-1.5 text-center text-xs text-sky-800 dark:border-sky-900/60 dark:bg-sky-950/40 dark:text-sky-300"
        >
          <strong className="font-semibold">Demo mode.</strong> Calls, queues and agents come from a simulated PBX
          <span className="hidden sm:inline"> — set AMI_HOST to monitor a real Asterisk</span>.
        </div>
      )}
      {boards.map((b) => (
        <BoardNotices key={b.id} board={b} named={several} />
      ))}
    </div>
  );
}

function BoardNotices({ board, named }: { board: Board; named: boolean }) {
  const { warnings, driftDifferences = 0, driftCheckedAt = 0 } = board.state.pbx;
  const who = named ? `${board.label}: ` : '';
  if (warnings.length === 0 && driftDifferences === 0) return null;
  return (
    <>
      {warnings.map((w) => (
        <div
          key={w}
          role="alert"
          className="flex items-center justify-center gap-2 border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <IconAlert width={14} height={14} /> {who}
          {w}
        </div>
      ))}
      {driftDifferences > 0 && (
        <div
          data-testid="drift-notice"
          className="border-b border-slate-200 bg-slate-50 px-4 py-1 text-center text-xs text-slate-700 dark:border-slate-800 dark:bg-slate-900/60 dark:text-slate-300"
        >
          {who}The drift check at {new Date(driftCheckedAt).toLocaleTimeString()} found {driftDifferences}{' '}
          {driftDifferences === 1 ? 'entry' : 'entries'} different from Asterisk&apos;s lists, now corrected (details in the server log).
        </div>
      )}
    </>
  );
}

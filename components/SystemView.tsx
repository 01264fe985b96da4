'use client';
/** The PBXs themselves: versions, uptime, call counts and the AMI link, one card each. */
import { usePbx } from '@/lib/store';
import { useShownBoards } from '@/lib/ui/selectors';
import { BoardFrame } from './BoardFrame';
import { SystemCard } from './SystemCard';

export function SystemView() {
  return (
    <BoardFrame heading="System" title="System · Callboard">
      <SystemCards />
    </BoardFrame>
  );
}

function SystemCards() {
  const boards = useShownBoards();
  const offset = usePbx((s) => s.clockOffset);
  const ready = usePbx((s) => s.ready);
  if (boards.length === 0)
    return <p className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">{ready ? 'No PBX.' : 'Loading…'}</p>;
  return (
    <div className="flex flex-col gap-4">
      {boards.map((b) => (
        <SystemCard key={b.id} board={b} offset={offset} titled={boards.length > 1} />
      ))}
    </div>
  );
}

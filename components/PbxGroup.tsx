'use client';
import type { ReactNode } from 'react';
import type { Board } from '@/lib/store';
import { useBoardLive } from '@/lib/ui/selectors';

/**
 * One PBX's part of a panel (its queues, its agents). With several PBXs on
 * screen it carries the PBX's name and dims alone when that PBX's data is
 * stale; with one, the page's own dimming says it.
 */
export function PbxGroup({
  board,
  titled,
  testId,
  gap,
  children,
}: {
  board: Board;
  titled: boolean;
  testId: string;
  gap: string;
  children: ReactNode;
}) {
  const live = useBoardLive(board.id);
  return (
    <div
      data-testid={testId}
      data-pbx={board.id}
      data-stale={!live || undefined}
      className={`flex flex-col ${gap} transition-[opacity,filter] ${titled && !live ? 'opacity-50 grayscale' : ''}`}
    >
      {titled && <h3 className="px-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{board.label}</h3>}
      {children}
    </div>
  );
}

'use client';
import { memo, useCallback, useState } from 'react';
import type { Agent, AgentStatus } from '@/lib/ui/agents';
import { useNow } from '@/lib/ui/clock';
import { elapsed } from '@/lib/ui/format';
import { useAgents, useBoardLive, useSeveralShown, useShownAgents, useShownBoards } from '@/lib/ui/selectors';
import type { Board } from '@/lib/store';
import { PbxGroup } from './PbxGroup';
import { PauseDialog, pauseAgent, type PauseTarget } from './PauseDialog';

export const AGENT_STATUS: Record<AgentStatus, { label: string; bar: string; text: string }> = {
  free: { label: 'Free', bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-400' },
  busy: { label: 'On a call', bar: 'bg-rose-500', text: 'text-rose-700 dark:text-rose-400' },
  ringing: { label: 'Ringing', bar: 'bg-sky-500 animate-ring', text: 'text-sky-700 dark:text-sky-400' },
  paused: { label: 'Paused', bar: 'bg-amber-500', text: 'text-amber-700 dark:text-amber-400' },
  offline: { label: 'Offline', bar: 'bg-zinc-300 dark:bg-zinc-600', text: 'text-zinc-600 dark:text-zinc-400' },
};

function TimeInState({ since }: { since: number }) {
  const now = useNow();
  return <span className="tabular">{elapsed(since, now)}</span>;
}

const AgentTile = memo(function AgentTile({
  a,
  pbx,
  canAct,
  onPause,
}: {
  a: Agent;
  pbx: string;
  /** Offer pause and resume (supervisors and admins, while this PBX is live). */
  canAct: boolean;
  onPause: (target: PauseTarget) => void;
}) {
  const s = AGENT_STATUS[a.status];
  const target = { pbx, interface: a.id, name: a.name };
  return (
    <li
      data-testid="agent-tile"
      data-status={a.status}
      // Offline is told by a dashed, sunken tile rather than by fading it, which would fail text contrast.
      className={`relative flex flex-col gap-1 overflow-hidden rounded-lg border border-zinc-200 py-2.5 pl-4 pr-3 dark:border-zinc-800 ${
        a.status === 'offline' ? 'border-dashed bg-zinc-50 dark:bg-zinc-950' : 'bg-white dark:bg-zinc-900'
      }`}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${s.bar}`} aria-hidden="true" />
      <div className="flex items-baseline justify-between gap-2">
        <span className="truncate text-sm font-medium" title={a.id}>
          {a.name}
        </span>
        <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400 tabular" title="Time in this state">
          {a.since ? <TimeInState since={a.since} /> : ''}
        </span>
      </div>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className={`truncate font-medium ${s.text}`}>
          {s.label}
          {a.status === 'paused' && a.pausedReason && (
            <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {a.pausedReason}</span>
          )}
        </span>
        <span className="shrink-0 text-zinc-600 dark:text-zinc-400 tabular" title="Calls taken">
          {a.callsTaken} {a.callsTaken === 1 ? 'call' : 'calls'}
        </span>
      </div>
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-[11px] text-zinc-600 dark:text-zinc-400">{a.queues.join(' · ')}</span>
        {canAct && (
          <button
            type="button"
            data-testid={a.paused ? 'agent-resume' : 'agent-pause'}
            onClick={() => (a.paused ? void pauseAgent(target, false) : onPause(target))}
            aria-label={`${a.paused ? 'Resume' : 'Pause'} ${a.name}`}
            className="shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium text-zinc-700 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
          >
            {a.paused ? 'Resume' : 'Pause'}
          </button>
        )}
      </div>
    </li>
  );
}, sameAgent);

/** Agents are rebuilt on every member change; re-render a tile only if what it shows changed. */
function sameAgent(prev: { a: Agent; pbx: string; canAct: boolean }, next: { a: Agent; pbx: string; canAct: boolean }): boolean {
  const x = prev.a;
  const y = next.a;
  return (
    prev.canAct === next.canAct &&
    prev.pbx === next.pbx &&
    x.status === y.status &&
    x.paused === y.paused &&
    x.since === y.since &&
    x.name === y.name &&
    x.pausedReason === y.pausedReason &&
    x.callsTaken === y.callsTaken &&
    x.queues.join() === y.queues.join()
  );
}

/** One PBX's agents; with several PBXs on screen, under its name, and dimmed alone when its data is stale. */
function BoardAgents({
  board,
  titled,
  canAct,
  onPause,
}: {
  board: Board;
  titled: boolean;
  canAct: boolean;
  onPause: (t: PauseTarget) => void;
}) {
  const agents = useAgents(board.id);
  const live = useBoardLive(board.id);
  return (
    <PbxGroup board={board} titled={titled} testId="pbx-agents" gap="gap-2">
      {agents.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:text-zinc-400 dark:border-zinc-700">
          {board.ready ? 'No queue members yet. Agents appear here once they join a queue.' : 'Loading agents…'}
        </div>
      ) : (
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(12.5rem,1fr))] gap-2">
          {agents.map((a) => (
            <AgentTile key={a.id} a={a} pbx={board.id} canAct={canAct && live} onPause={onPause} />
          ))}
        </ul>
      )}
    </PbxGroup>
  );
}

export function AgentGrid({ canAct }: { canAct: boolean }) {
  const boards = useShownBoards();
  const [pausing, setPausing] = useState<PauseTarget | null>(null);
  const onPause = useCallback((t: PauseTarget) => setPausing(t), []);
  const several = useSeveralShown();
  const count = useShownAgents().length;
  return (
    <section aria-label="Agents" className="flex shrink-0 flex-col gap-3">
      <h2 className="flex items-center gap-2 px-1 text-sm font-semibold">
        Agents <span className="font-normal text-zinc-600 dark:text-zinc-400 tabular">{count}</span>
        <span className="ml-auto flex gap-3 text-xs font-normal text-zinc-600 dark:text-zinc-400">
          {(['free', 'busy', 'ringing', 'paused', 'offline'] as const).map((k) => (
            <span key={k} className="hidden items-center gap-1.5 sm:inline-flex">
              <span className={`size-2 rounded-full ${AGENT_STATUS[k].bar}`} /> {AGENT_STATUS[k].label}
            </span>
          ))}
        </span>
      </h2>
      {boards.map((b) => (
        <BoardAgents key={b.id} board={b} titled={several} canAct={canAct} onPause={onPause} />
      ))}
      {canAct && <PauseDialog target={pausing} onClose={() => setPausing(null)} />}
    </section>
  );
}

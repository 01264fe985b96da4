'use client';
import { memo, useMemo } from 'react';
import type { Agent, AgentStatus } from '@/lib/ui/agents';
import { handledToday } from '@/lib/ui/agent-today';
import { agentCalls, agentDevice, type AgentCall } from '@/lib/ui/agent-calls';
import { agentSeverities, SEVERITY_RING } from '@/lib/ui/alerts';
import type { Severity } from '@/lib/alerts/model';
import { openDialog } from '@/lib/ui/dialogs';
import { useCan, type Can } from '@/lib/ui/grants';
import { useNow } from '@/lib/ui/clock';
import { elapsed } from '@/lib/ui/format';
import { useAgents, useBoardLive, useSeveralShown, useShownAgents, useShownBoards } from '@/lib/ui/selectors';
import type { Board } from '@/lib/store';
import { PbxGroup } from './PbxGroup';
import { ActionMenu, type MenuItem } from './ActionMenu';
import { LiveDuration } from './LiveDuration';
import { pauseAgent } from './PauseDialog';

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

/** Who the agent is talking to, in which queue, for how long. */
function CurrentCall({ current }: { current: AgentCall }) {
  const { call, other } = current;
  const party = other.name && other.name !== other.num ? other.name : other.num || call.did || '—';
  return (
    <div className="flex items-baseline gap-1.5 text-xs text-zinc-700 dark:text-zinc-300" data-testid="agent-call">
      <span aria-hidden="true">↔</span>
      <span className="sr-only">Talking to</span>
      <span className="min-w-0 truncate font-medium">{party}</span>
      {call.queue && <span className="shrink-0 text-zinc-600 dark:text-zinc-400">· {call.queue}</span>}
      <LiveDuration since={call.startedAt} className="ml-auto shrink-0" />
    </div>
  );
}

/** The agent's menu: only what the user may do. */
export function agentMenu(a: Agent, pbx: string, can: Can): MenuItem[] {
  const target = { pbx, interface: a.id, name: a.name };
  const items: MenuItem[] = [
    { label: 'Details…', testId: 'agent-details', onSelect: () => openDialog({ kind: 'agent', pbx, interface: a.id }) },
  ];
  if (can.has('pause'))
    items.push(
      a.paused
        ? { label: 'Resume', testId: 'agent-menu-resume', onSelect: () => void pauseAgent(target, false) }
        : { label: 'Pause…', testId: 'agent-menu-pause', onSelect: () => openDialog({ kind: 'pause', ...target }) },
    );
  if (can.has('queue-penalty'))
    items.push({ label: 'Change penalty…', testId: 'agent-penalty', onSelect: () => openDialog({ kind: 'penalty', ...target }) });
  if (can.has('queue-remove'))
    for (const queue of a.dynamicQueues)
      items.push({
        label: `Remove from ${queue}…`,
        danger: true,
        testId: 'agent-remove',
        onSelect: () => openDialog({ kind: 'remove', ...target, queue }),
      });
  return items;
}

const AgentTile = memo(function AgentTile({
  a,
  pbx,
  live,
  current,
  today,
  alert,
}: {
  a: Agent;
  pbx: string;
  /** Actions are offered only while this PBX's data is live. */
  live: boolean;
  current: AgentCall | undefined;
  /** Calls answered today (Callboard's count); undefined without a history, when Asterisk's CallsTaken shows instead. */
  today: number | undefined;
  /** The gravest pause alert on this agent, if any. */
  alert: Severity | null;
}) {
  const can = useCan();
  const s = AGENT_STATUS[a.status];
  const target = { pbx, interface: a.id, name: a.name };
  const acts = live && can.size > 0;
  return (
    <li
      data-testid="agent-tile"
      data-status={a.status}
      data-interface={a.id}
      data-alert={alert ?? undefined}
      // Offline is told by a dashed, sunken tile rather than by fading it, which would fail text contrast.
      className={`relative flex flex-col gap-1 overflow-hidden rounded-lg border border-zinc-200 py-2.5 pl-4 pr-3 dark:border-zinc-800 ${
        a.status === 'offline' ? 'border-dashed bg-zinc-50 dark:bg-zinc-950' : 'bg-white dark:bg-zinc-900'
      } ${alert ? SEVERITY_RING[alert] : ''}`}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${s.bar}`} aria-hidden="true" />
      <div className="flex items-baseline justify-between gap-2">
        <button
          type="button"
          onClick={() => openDialog({ kind: 'agent', pbx, interface: a.id })}
          className="min-w-0 truncate rounded text-left text-sm font-medium hover:underline"
          title={`${a.id}: details`}
          data-testid="agent-name"
        >
          {a.name}
        </button>
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
        {today === undefined ? (
          <span className="shrink-0 text-zinc-600 dark:text-zinc-400 tabular" title="Calls taken, as Asterisk counts since its last reload">
            {a.callsTaken} {a.callsTaken === 1 ? 'call' : 'calls'}
          </span>
        ) : (
          <span
            className="shrink-0 text-zinc-600 dark:text-zinc-400 tabular"
            title={`Calls answered today (Asterisk counts ${a.callsTaken} since its last reload)`}
            data-testid="agent-today"
          >
            {today} today
          </span>
        )}
      </div>
      {current && <CurrentCall current={current} />}
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-[11px] text-zinc-600 dark:text-zinc-400">{a.queues.join(' · ')}</span>
        {acts && (
          <span className="flex shrink-0 items-center gap-1">
            {can.has('pause') && (
              <button
                type="button"
                data-testid={a.paused ? 'agent-resume' : 'agent-pause'}
                onClick={() => (a.paused ? void pauseAgent(target, false) : openDialog({ kind: 'pause', ...target }))}
                aria-label={`${a.paused ? 'Resume' : 'Pause'} ${a.name}`}
                className="shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium text-zinc-700 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
              >
                {a.paused ? 'Resume' : 'Pause'}
              </button>
            )}
            <ActionMenu
              label={`Actions for ${a.name}`}
              items={agentMenu(a, pbx, can)}
              testId="agent-menu"
              className="inline-flex h-5 w-6 items-center justify-center rounded text-sm text-zinc-600 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
            />
          </span>
        )}
      </div>
    </li>
  );
}, sameAgent);

type TileProps = { a: Agent; pbx: string; live: boolean; current: AgentCall | undefined; today: number | undefined };

/** Agents are rebuilt on every member change; re-render a tile only if what it shows changed. */
function sameAgent(prev: TileProps, next: TileProps): boolean {
  const x = prev.a;
  const y = next.a;
  return (
    prev.live === next.live &&
    prev.pbx === next.pbx &&
    prev.today === next.today &&
    sameCall(prev.current, next.current) &&
    x.status === y.status &&
    x.paused === y.paused &&
    x.since === y.since &&
    x.name === y.name &&
    x.pausedReason === y.pausedReason &&
    x.callsTaken === y.callsTaken &&
    x.queues.join() === y.queues.join() &&
    x.dynamicQueues.join() === y.dynamicQueues.join()
  );
}

function sameCall(x: AgentCall | undefined, y: AgentCall | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  return (
    x.call.id === y.call.id &&
    x.call.queue === y.call.queue &&
    x.call.answeredAt === y.call.answeredAt &&
    x.call.startedAt === y.call.startedAt &&
    x.call.did === y.call.did &&
    x.other.name === y.other.name &&
    x.other.num === y.other.num
  );
}

/** One PBX's agents; with several PBXs on screen, under its name, and dimmed alone when its data is stale. */
function BoardAgents({ board, titled }: { board: Board; titled: boolean }) {
  const agents = useAgents(board.id);
  const live = useBoardLive(board.id);
  const { channels, calls } = board.state;
  const current = useMemo(() => agentCalls({ channels, calls }), [channels, calls]);
  const now = useNow();
  const alerted = agentSeverities(board.state.alerts, now);
  return (
    <PbxGroup board={board} titled={titled} testId="pbx-agents" gap="gap-2">
      {agents.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:text-zinc-400 dark:border-zinc-700">
          {board.ready ? 'No queue members yet. Agents appear here once they join a queue.' : 'Loading agents…'}
        </div>
      ) : (
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(12.5rem,1fr))] gap-2">
          {agents.map((a) => (
            <AgentTile
              key={a.id}
              a={a}
              pbx={board.id}
              live={live}
              current={current.get(agentDevice(a.id))}
              today={handledToday(board.state.memberDays, board.state.queueDays, a.id)}
              alert={alerted.get(a.id) ?? null}
            />
          ))}
        </ul>
      )}
    </PbxGroup>
  );
}

export function AgentGrid() {
  const boards = useShownBoards();
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
        <BoardAgents key={b.id} board={b} titled={several} />
      ))}
    </section>
  );
}

'use client';
/** One agent up close: the call they are on, each queue they are in (penalty, pause and its reason), and the actions. */
import { useMemo } from 'react';
import { usePbx } from '@/lib/store';
import { agentCalls, agentDevice } from '@/lib/ui/agent-calls';
import { agentsFromMembers } from '@/lib/ui/agents';
import { useNow } from '@/lib/ui/clock';
import { openDialog } from '@/lib/ui/dialogs';
import { elapsed } from '@/lib/ui/format';
import { useCan } from '@/lib/ui/grants';
import { useBoardLive } from '@/lib/ui/selectors';
import type { QueueMember } from '@/lib/pbx/model';
import { AGENT_STATUS } from './AgentGrid';
import { AgentTodayFigures } from './AgentTodayFigures';
import { CallActions } from './CallActions';
import { CallStateChip } from './CallState';
import { buttonStyles, Dialog } from './Dialog';
import { LiveDuration } from './LiveDuration';
import { pauseAgent } from './PauseDialog';

export function AgentPanel({ target, onClose }: { target: { pbx: string; interface: string } | null; onClose: () => void }) {
  const board = usePbx((s) => (target ? s.boards.find((b) => b.id === target.pbx) : undefined));
  const members = board?.state.members;
  const agent = useMemo(() => {
    if (!members || !target) return undefined;
    const own: Record<string, QueueMember> = {};
    for (const id in members) if (members[id].interface === target.interface) own[id] = members[id];
    return { agent: agentsFromMembers(own)[0], memberships: Object.values(own).sort((a, b) => a.queue.localeCompare(b.queue)) };
  }, [members, target]);
  const channels = board?.state.channels;
  const calls = board?.state.calls;
  const current = useMemo(
    () => (channels && calls && target ? agentCalls({ channels, calls }).get(agentDevice(target.interface)) : undefined),
    [channels, calls, target],
  );
  const live = useBoardLive(target?.pbx ?? '');
  const can = useCan();
  const a = agent?.agent;
  return (
    <Dialog open={target !== null} onClose={onClose} title={a ? a.name : 'Agent'} description={target?.interface} className="sm:w-[34rem]">
      {!a || !target ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">This agent is no longer a member of any queue.</p>
      ) : (
        <div className="space-y-4" data-testid="agent-panel">
          <p className={`text-sm font-medium ${AGENT_STATUS[a.status].text}`}>
            {AGENT_STATUS[a.status].label}
            {a.status === 'paused' && a.pausedReason && (
              <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {a.pausedReason}</span>
            )}
            {a.since > 0 && (
              <span className="font-normal text-zinc-600 dark:text-zinc-400">
                {' '}
                · <LiveDuration since={a.since} />
              </span>
            )}
          </p>
          <section aria-label="Current call" className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            {current ? (
              <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm">
                <span className="min-w-0 flex-1 truncate font-medium">
                  <span className="text-zinc-600 dark:text-zinc-400">With </span>
                  {current.other.name || current.other.num || current.call.did}
                  {current.other.name && current.other.num && current.other.name !== current.other.num && (
                    <span className="font-normal text-zinc-600 dark:text-zinc-400"> {current.other.num}</span>
                  )}
                </span>
                <CallStateChip state={current.call.state} />
                {current.call.queue && <span className="text-xs text-zinc-600 dark:text-zinc-400">{current.call.queue}</span>}
                <LiveDuration since={current.call.startedAt} className="font-medium" />
                {can.size > 0 && <CallActions pbx={target.pbx} call={current.call} live={live} />}
              </div>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">Not on a call.</p>
            )}
          </section>
          {board && <AgentTodayFigures state={board.state} iface={target.interface} memberships={agent.memberships} />}
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Queues</caption>
            <thead className="text-xs text-zinc-600 dark:text-zinc-400">
              <tr>
                <th className="py-1 font-medium">Queue</th>
                <th className="py-1 font-medium">Penalty</th>
                <th className="py-1 font-medium">Pause</th>
                <th className="py-1 text-right font-medium">Calls</th>
                <th className="py-1">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {agent.memberships.map((m) => (
                <MembershipRow
                  key={m.id}
                  m={m}
                  pbx={target.pbx}
                  name={a.name}
                  canRemove={can.has('queue-remove') && live && m.membership === 'dynamic'}
                />
              ))}
            </tbody>
          </table>
          <div className="flex flex-wrap justify-end gap-2">
            {can.has('queue-penalty') && (
              <button
                type="button"
                className={buttonStyles.secondary}
                disabled={!live}
                onClick={() => openDialog({ kind: 'penalty', pbx: target.pbx, interface: target.interface, name: a.name })}
              >
                Change penalty…
              </button>
            )}
            {can.has('pause') && (
              <button
                type="button"
                className={buttonStyles.primary}
                disabled={!live}
                onClick={() =>
                  a.paused
                    ? void pauseAgent({ pbx: target.pbx, interface: target.interface, name: a.name }, false)
                    : openDialog({ kind: 'pause', pbx: target.pbx, interface: target.interface, name: a.name })
                }
              >
                {a.paused ? 'Resume' : 'Pause…'}
              </button>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}

function MembershipRow({ m, pbx, name, canRemove }: { m: QueueMember; pbx: string; name: string; canRemove: boolean }) {
  const now = useNow();
  return (
    <tr className="border-t border-zinc-100 dark:border-zinc-800">
      <td className="py-1.5">
        {m.queue}
        {m.membership === 'dynamic' && <span className="ml-1 text-xs text-zinc-500 dark:text-zinc-400">dynamic</span>}
      </td>
      <td className="py-1.5 tabular">{m.penalty}</td>
      <td className="py-1.5">
        {m.paused ? (
          <span className="text-amber-700 dark:text-amber-400">
            {m.pausedReason || 'Paused'}
            {m.pausedSince > 0 && <span className="tabular"> · {elapsed(m.pausedSince, now)}</span>}
          </span>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">—</span>
        )}
      </td>
      <td className="py-1.5 text-right tabular">{m.callsTaken}</td>
      <td className="py-1.5 text-right">
        {canRemove && (
          <button
            type="button"
            className="rounded px-1.5 py-0.5 text-xs font-medium text-rose-600 ring-1 ring-inset ring-rose-200 hover:bg-rose-50 dark:text-rose-400 dark:ring-rose-900"
            onClick={() => openDialog({ kind: 'remove', pbx, interface: m.interface, name, queue: m.queue })}
            aria-label={`Remove ${name} from ${m.queue}`}
          >
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

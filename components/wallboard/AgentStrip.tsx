'use client';
/**
 * The agents of the queues on the wall, one chip each in its state's colour,
 * in as few lines as hold them; a hall of agents reads as counts per state.
 */
import { countAgents, type Agent, type AgentStatus } from '@/lib/ui/agents';
import type { StripPlan } from '@/lib/ui/wallboard-layout';
import { STATE } from './tones';

const ORDER: AgentStatus[] = ['free', 'ringing', 'busy', 'paused', 'offline'];

export function AgentStrip({ agents, plan, height, className }: { agents: Agent[]; plan: StripPlan; height: number; className: string }) {
  const style = { height: `${height}vh`, fontSize: `max(0.7rem, ${plan.font.toFixed(2)}vh)` };
  if (plan.mode === 'counts') {
    const c = countAgents(agents.map((a) => a.status));
    const ringing = agents.filter((a) => a.status === 'ringing').length;
    const n: Record<AgentStatus, number> = { free: c.free, ringing, busy: c.busy - ringing, paused: c.paused, offline: c.offline };
    return (
      <div
        data-testid="wallboard-agents"
        data-mode="counts"
        style={style}
        className={`flex shrink-0 items-center gap-x-[3vmin] overflow-hidden ${className}`}
      >
        <span className="text-zinc-300">{agents.length} agents:</span>
        {ORDER.map((s) => (
          <span key={s} className="flex items-center gap-[0.4em] whitespace-nowrap" data-testid={`wallboard-agents-${s}`}>
            <span className={`inline-block size-[0.7em] rounded-full ${STATE[s].dot}`} />
            <span className="font-semibold tabular">{n[s]}</span> <span className="text-zinc-300">{STATE[s].word}</span>
          </span>
        ))}
      </div>
    );
  }
  return (
    <ul
      data-testid="wallboard-agents"
      data-mode="names"
      aria-label="Agents"
      style={style}
      className={`flex shrink-0 flex-wrap content-center items-center gap-x-[0.6vmin] gap-y-[0.25em] overflow-hidden ${className}`}
    >
      {agents.map((a) => (
        <li
          key={a.id}
          data-testid="wallboard-agent"
          data-status={a.status}
          title={`${a.name}: ${STATE[a.status].word}`}
          className={`flex max-w-[14em] items-center gap-[0.35em] rounded-full bg-zinc-900 py-[0.1em] pl-[0.4em] pr-[0.6em] leading-tight ${a.status === 'offline' ? 'text-zinc-400' : 'text-zinc-100'}`}
        >
          <span aria-hidden className={`inline-block size-[0.7em] shrink-0 rounded-full ${STATE[a.status].dot}`} />
          <span className="truncate">{a.name}</span>
          <span className="sr-only"> {STATE[a.status].word}</span>
        </li>
      ))}
    </ul>
  );
}

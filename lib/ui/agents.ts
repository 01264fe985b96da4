/**
 * Agents as supervisors think of them: one person (one interface) that may
 * be a member of several queues. Pure functions, shared by the dashboard, the
 * wallboard and the e2e tests that check the numbers against the server.
 */
import type { QueueMember } from '../pbx/model';
import { DeviceStatus } from '../pbx/states';

export type AgentStatus = 'free' | 'busy' | 'ringing' | 'paused' | 'offline';

export interface Agent {
  /** The member interface, e.g. `PJSIP/101`. */
  id: string;
  name: string;
  status: AgentStatus;
  /** Paused in at least one of its queues (and so may be resumed). */
  paused: boolean;
  pausedReason: string;
  /** ms since the epoch this agent entered its current status; 0 = unknown. */
  since: number;
  callsTaken: number;
  queues: string[];
  /** The queues it was added to (QueueAdd); only these can be left with QueueRemove, not those of queues.conf. */
  dynamicQueues: string[];
}

/** One queue membership's status (AST_DEVICE_* plus the pause flag). */
export function memberStatus(m: QueueMember): AgentStatus {
  switch (m.status) {
    case DeviceStatus.InUse:
    case DeviceStatus.Busy:
    case DeviceStatus.OnHold:
      return 'busy';
    case DeviceStatus.Ringing:
    case DeviceStatus.RingInUse:
      return m.paused ? 'paused' : 'ringing';
    case DeviceStatus.Invalid:
    case DeviceStatus.Unavailable:
      return 'offline';
    default:
      // Not in use, or unknown (app_queue rings unknown devices too).
      if (m.inCall) return 'busy';
      return m.paused ? 'paused' : 'free';
  }
}

const RANK: Record<AgentStatus, number> = { busy: 4, ringing: 3, free: 2, paused: 1, offline: 0 };

/**
 * Folds memberships into agents. A call in any queue makes the agent busy;
 * paused means paused everywhere (paused in one queue still answers others).
 */
export function agentsFromMembers(members: Record<string, QueueMember>): Agent[] {
  const byIface = new Map<string, Agent>();
  for (const id in members) {
    const m = members[id];
    const status = memberStatus(m);
    const since = status === 'paused' ? m.pausedSince || m.statusSince : m.statusSince;
    const a = byIface.get(m.interface);
    if (!a) {
      byIface.set(m.interface, {
        id: m.interface,
        name: m.name || m.interface,
        status,
        paused: m.paused,
        pausedReason: m.paused ? m.pausedReason : '',
        since,
        callsTaken: m.callsTaken,
        queues: [m.queue],
        dynamicQueues: m.membership === 'dynamic' ? [m.queue] : [],
      });
      continue;
    }
    a.queues.push(m.queue);
    if (m.membership === 'dynamic') a.dynamicQueues.push(m.queue);
    a.callsTaken += m.callsTaken;
    a.paused ||= m.paused;
    if (RANK[status] > RANK[a.status]) {
      a.status = status;
      a.since = since;
      a.pausedReason = m.paused ? m.pausedReason : '';
    }
  }
  const agents = [...byIface.values()];
  for (const a of agents) {
    a.queues.sort();
    a.dynamicQueues.sort();
  }
  agents.sort((x, y) => x.name.localeCompare(y.name, undefined, { numeric: true }));
  return agents;
}

export interface AgentCounts {
  free: number;
  busy: number;
  paused: number;
  offline: number;
}

/** Ringing agents count as busy: they are about to be. */
export function countAgents(statuses: Iterable<AgentStatus>): AgentCounts {
  const c: AgentCounts = { free: 0, busy: 0, paused: 0, offline: 0 };
  for (const s of statuses) {
    if (s === 'ringing') c.busy++;
    else c[s]++;
  }
  return c;
}

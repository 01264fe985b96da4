/**
 * Derived views of the store, computed once per change of their inputs and
 * shared by every component that shows them (the counts and the grid use the
 * same agents list).
 */
import { usePbx } from '../store';
import { isPbxLive, type PbxState } from '../pbx/model';
import { agentsFromMembers, type Agent } from './agents';
import { queueStats, type QueueStats } from './queues';

function lastOne<A extends object, R>(fn: (a: A) => R): (a: A) => R {
  let lastArg: A | null = null;
  let last: R;
  return (a) => {
    if (a !== lastArg) {
      last = fn(a);
      lastArg = a;
    }
    return last;
  };
}

const agentsOf = lastOne(agentsFromMembers);

export function useAgents(): Agent[] {
  return agentsOf(usePbx((s) => s.state.members));
}

let statsKey: [unknown, unknown, unknown] = [null, null, null];
let stats: QueueStats[] = [];
function statsOf(state: PbxState): QueueStats[] {
  if (statsKey[0] !== state.queues || statsKey[1] !== state.callers || statsKey[2] !== state.members) {
    stats = queueStats(state);
    statsKey = [state.queues, state.callers, state.members];
  }
  return stats;
}

export function useQueueStats(): QueueStats[] {
  return usePbx((s) => statsOf(s.state));
}

/**
 * True only while what the page shows is Asterisk's current view: the socket
 * is up, the AMI link is up, and the lists that followed its last connect are
 * in. Everything else is the last known state, and is shown as such.
 */
export function useDataLive(): boolean {
  return usePbx((s) => s.connection === 'live' && isPbxLive(s.state.pbx));
}

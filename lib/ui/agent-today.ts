/** Today's figures per agent (an interface), from the board's memberDays. Pure. */
import type { PbxState } from '../pbx/model';
import type { MemberDay } from '../stats/figures';

const byAgentCache = new WeakMap<object, Map<string, MemberDay[]>>();

/** Each agent's memberships' figures of the day, once per change of the table. */
export function memberDaysByAgent(days: PbxState['memberDays']): ReadonlyMap<string, MemberDay[]> {
  let out = byAgentCache.get(days);
  if (!out) {
    out = new Map();
    for (const id in days) {
      const d = days[id];
      const list = out.get(d.interface);
      if (list) list.push(d);
      else out.set(d.interface, [d]);
    }
    byAgentCache.set(days, out);
  }
  return out;
}

/** Calls the agent answered today, over every queue; undefined when the board has no day's figures (no history). */
export function handledToday(days: PbxState['memberDays'], queueDays: PbxState['queueDays'], iface: string): number | undefined {
  const own = memberDaysByAgent(days).get(iface);
  if (own) return own.reduce((n, d) => n + d.handled, 0);
  for (const _ in queueDays) return 0;
  return undefined;
}

/**
 * What the originate dialog offers to dial: extensions the board knows
 * (queue members, devices and hints, the internal side of calls) and, for
 * the To field, outside numbers seen on calls. Only values the form accepts,
 * and a bounded number of them. Pure.
 */
import { dialNumberSchema, extensionSchema } from '../actions';
import type { Call, PbxState } from '../pbx/model';

export interface DialSuggestions {
  /** Extensions that can ring first. */
  from: string[];
  /** Extensions, then outside numbers from the board, newest first. */
  to: string[];
}

const MAX_EXTENSIONS = 200;
const MAX_OUTSIDE = 20;

/** `PJSIP/201`, `Local/202@agents/n`, `110@ext-local` → the extension; '' when there is none. */
function extensionOf(id: string): string {
  const m = /^(?:[A-Za-z]+\/)?([^/@]+)(?:@|\/|$)/.exec(id);
  return m && extensionSchema.safeParse(m[1]).success ? m[1] : '';
}

/** Which parties of a call are our extensions, and which are outside numbers. */
function parties(c: Call): { inside: string[]; outside: string[] } {
  switch (c.direction) {
    case 'internal':
      return { inside: [c.from.num, c.to.num], outside: [] };
    case 'inbound':
      return { inside: [c.to.num], outside: [c.from.num] };
    case 'outbound':
      return { inside: [c.from.num], outside: [c.to.num] };
    default:
      return { inside: [], outside: [] };
  }
}

const numeric = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

export function dialSuggestions(state: Pick<PbxState, 'members' | 'devices' | 'calls'>): DialSuggestions {
  const extensions = new Set<string>();
  const add = (x: string) => {
    if (x && extensions.size < MAX_EXTENSIONS && extensionSchema.safeParse(x).success) extensions.add(x);
  };
  for (const id in state.members) add(extensionOf(state.members[id].interface));
  for (const id in state.devices) add(extensionOf(state.devices[id].id));

  const outside: { num: string; at: number }[] = [];
  for (const id in state.calls) {
    const c = state.calls[id];
    const p = parties(c);
    for (const x of p.inside) add(x);
    for (const num of p.outside) if (num && dialNumberSchema.safeParse(num).success) outside.push({ num, at: c.startedAt });
  }

  const from = [...extensions].sort(numeric);
  outside.sort((a, b) => b.at - a.at);
  const recent: string[] = [];
  for (const o of outside) {
    if (recent.length >= MAX_OUTSIDE) break;
    if (!extensions.has(o.num) && !recent.includes(o.num)) recent.push(o.num);
  }
  return { from, to: [...from, ...recent] };
}

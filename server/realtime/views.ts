/**
 * What each kind of client may see. A view is decided by role and the
 * number-masking setting; every client of one view gets the same bytes, so
 * the fan-out computes each view's snapshot and batch once and broadcasts it
 * (never per client).
 *
 * - `full`: the state as it is.
 * - `masked`: caller numbers cut to `+1555•••••67` wherever they appear
 *   (numbers, names that are numbers, dialled extens, Local channel names,
 *   Dial arguments). Internal extensions (up to 6 digits) stay readable.
 * - `wallboard`: what the wallboard shows and nothing else: queues, agent
 *   states, waiting callers without their number or name, the count of
 *   calls in progress, each queue's figures of the day, and the alerts
 *   without their agent or call. No channels, calls, bridges, devices, endpoints or contacts.
 */
import { isActive } from '@/lib/ui/calls';
import { ENTITY_KINDS, table, type Call, type EntityKind, type PbxState } from '@/lib/pbx/model';
import { status, type Op } from '@/lib/protocol';
import type { Role } from '@/lib/protocol';

export type View = 'full' | 'masked' | 'wallboard';
export const VIEWS: readonly View[] = ['full', 'masked', 'wallboard'];

export function viewOf(role: Role, maskRoles: ReadonlySet<Role>): View {
  if (role === 'wallboard') return 'wallboard';
  return maskRoles.has(role) ? 'masked' : 'full';
}

// ---- masking --------------------------------------------------------------

/** A run of at least 7 digits, optionally led by `+` and split by single spaces or dashes. */
const LONG_NUMBER = /\+?\d(?:[ -]?\d){6,}/g;

/** `+15551234567` → `+1555•••••67`: the country and area stay, the subscriber goes. */
export function maskNumber(number: string): string {
  const digits = number.replace(/\D/g, '');
  const head = digits.length >= 10 ? 4 : 2;
  return `${number.startsWith('+') ? '+' : ''}${digits.slice(0, head)}${'•'.repeat(digits.length - head - 2)}${digits.slice(-2)}`;
}

export function maskText(text: string): string {
  return text.replace(LONG_NUMBER, maskNumber);
}

/** A channel name's unique suffix (`-0000002a`) is hex, not a number: only the part before it is masked. */
function maskChannelName(name: string): string {
  const cut = name.lastIndexOf('-');
  return cut < 0 ? maskText(name) : maskText(name.slice(0, cut)) + name.slice(cut);
}

type Masker = (value: unknown) => unknown;
const text: Masker = (v) => (typeof v === 'string' ? maskText(v) : v);
const channelName: Masker = (v) => (typeof v === 'string' ? maskChannelName(v) : v);
const party: Masker = (v) => {
  if (typeof v !== 'object' || v === null) return v;
  const p = v as Call['from'];
  const name = typeof p.name === 'string' ? maskText(p.name) : p.name;
  const num = typeof p.num === 'string' ? maskText(p.num) : p.num;
  return name === p.name && num === p.num ? v : { ...p, name, num };
};

/** The fields of each kind that can carry a caller's number. */
const MASKED_FIELDS: Partial<Record<EntityKind, Record<string, Masker>>> = {
  channels: { name: channelName, callerNum: text, callerName: text, connectedNum: text, connectedName: text, exten: text, appData: text },
  calls: { from: party, to: party, did: text },
  callers: { channel: channelName, callerNum: text, callerName: text, connectedNum: text, connectedName: text },
  bridges: { name: text, creator: text },
  parked: { channelName, callerNum: text, callerName: text, parker: text },
  spies: { spyeeChannel: channelName },
  // A phone's URI holds its extension and address, but a trunk's contact may be `sip:+15551234567@carrier`.
  contacts: { uri: text },
};

function maskFields(kind: EntityKind, fields: Record<string, unknown>): Record<string, unknown> {
  const maskers = MASKED_FIELDS[kind];
  if (!maskers) return fields;
  let out: Record<string, unknown> | null = null;
  for (const key in maskers) {
    if (!Object.hasOwn(fields, key)) continue;
    const masked = maskers[key](fields[key]);
    if (masked === fields[key]) continue;
    out ??= { ...fields };
    out[key] = masked;
  }
  return out ?? fields;
}

// ---- the wallboard ----------------------------------------------------------

/** Per kind, the fields a wallboard reads; kinds absent here are not sent at all. */
const WALLBOARD_FIELDS: Partial<Record<EntityKind, readonly string[]>> = {
  queues: [
    'strategy',
    'max',
    'calls',
    'holdtime',
    'talktime',
    'completed',
    'abandoned',
    'serviceLevel',
    'serviceLevelPerf',
    'serviceLevelPerf2',
    'weight',
    'completedInSl',
    'abandonedInSl',
  ],
  // The name is the agent's (queues.conf / QueueAdd MemberName), for the wall's agent strip; never a caller's.
  members: ['queue', 'name', 'interface', 'status', 'paused', 'inCall', 'statusSince', 'pausedSince'],
  callers: ['queue', 'uniqueid', 'position', 'waitingSince'],
  queueDays: [
    'date',
    'dayStart',
    'offered',
    'answered',
    'answeredInSla',
    'abandoned',
    'abandonedInSla',
    'slaCalls',
    'unanswered',
    'answeredWaitSeconds',
    'talkSeconds',
    'longestWaitSeconds',
    'callbacksOwed',
  ],
  // A TV colours its cards by them; which agent is paused, or which call runs long, it does not need.
  alerts: ['ruleName', 'kind', 'severity', 'queue', 'value', 'threshold', 'firedAt', 'quiet', 'ackedBy', 'ackedAt', 'snoozedUntil'],
};

function pick(fields: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(fields, key)) out[key] = fields[key];
  return out;
}

export function countActiveCalls(calls: Record<string, Call>): number {
  let n = 0;
  for (const id in calls) if (isActive(calls[id])) n++;
  return n;
}

// ---- whole states and op batches -----------------------------------------

export function stateForView(state: PbxState, view: View): PbxState {
  if (view === 'full') return state;
  const out = { ...state, pbx: { ...state.pbx } } as PbxState;
  const tables = out as unknown as Record<EntityKind, Record<string, Record<string, unknown>>>;
  const source = state as unknown as Record<EntityKind, Record<string, Record<string, unknown>>>;
  if (view === 'masked') {
    for (const kind of Object.keys(MASKED_FIELDS) as EntityKind[]) {
      const masked = table<Record<string, unknown>>();
      // Prototype-free, as every table keyed by ids from the wire is (lib/pbx/model `table`).
      for (const id in source[kind]) masked[id] = maskFields(kind, source[kind][id]);
      tables[kind] = masked;
    }
    return out;
  }
  for (const kind of ENTITY_KINDS) {
    const keys = WALLBOARD_FIELDS[kind];
    const picked = table<Record<string, unknown>>();
    if (keys) for (const id in source[kind]) picked[id] = { id, ...pick(source[kind][id], keys) };
    tables[kind] = picked;
  }
  out.pbx.activeCalls = countActiveCalls(state.calls);
  return out;
}

/**
 * One batch as a view sees it. `activeCalls` is the count the view's clients
 * hold; when the batch changes it, a status op says so.
 */
export function opsForView(ops: readonly Op[], view: View, state: PbxState, activeCalls: number): { ops: Op[]; activeCalls: number } {
  if (view === 'full') return { ops: ops as Op[], activeCalls };
  const out: Op[] = [];
  let callsTouched = false;
  for (const op of ops) {
    if (op[0] === 's') {
      out.push(op);
      continue;
    }
    const kind = op[1];
    if (view === 'masked') {
      out.push(op[0] === 'u' ? maskUpsert(op) : op);
      continue;
    }
    if (kind === 'calls') callsTouched = true;
    const keys = WALLBOARD_FIELDS[kind];
    if (!keys) continue;
    if (op[0] === 'd') out.push(op);
    else {
      const fields = pick(op[3], keys);
      if (Object.keys(fields).length) out.push(['u', kind, op[2], fields]);
    }
  }
  if (callsTouched) {
    const now = countActiveCalls(state.calls);
    if (now !== activeCalls) {
      out.push(status({ activeCalls: now }));
      activeCalls = now;
    }
  }
  return { ops: out, activeCalls };
}

function maskUpsert(op: Extract<Op, readonly ['u', ...unknown[]]>): Op {
  const fields = maskFields(op[1], op[3]);
  return fields === op[3] ? op : ['u', op[1], op[2], fields];
}

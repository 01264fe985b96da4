/** Small states and rules for the alert engine's unit tests, with time given by the test. */
import { alertRuleInputSchema, type AlertRule, type AlertRuleInput } from '@/lib/alerts/model';
import { AlertMemory, evaluateAlerts, type Evaluation } from '@/lib/alerts/evaluate';
import { applyOps } from '@/lib/protocol';
import { emptyState, type Call, type PbxState, type Queue, type QueueCaller, type QueueMember } from '@/lib/pbx/model';
import { emptyQueueDay } from '@/lib/stats/figures';

export const T0 = Date.parse('2026-12-01T10:00:00Z');

let ruleSeq = 0;
export function rule(input: Partial<AlertRuleInput> & Pick<AlertRuleInput, 'kind' | 'threshold'>): AlertRule {
  const parsed = alertRuleInputSchema.parse({ name: `${input.kind} rule`, severity: 'warning', ...input });
  return { ...parsed, id: `r${++ruleSeq}`, createdAt: 0, updatedAt: 0, updatedBy: 'test' };
}

export function queue(id: string, fields: Partial<Queue> = {}): Queue {
  return {
    id,
    strategy: 'ringall',
    max: 0,
    calls: 0,
    holdtime: 0,
    talktime: 0,
    completed: 0,
    abandoned: 0,
    serviceLevel: 60,
    serviceLevelPerf: 0,
    serviceLevelPerf2: 0,
    weight: 0,
    completedInSl: 0,
    abandonedInSl: 0,
    ...fields,
  };
}

export function caller(q: string, uid: string, waitingSince: number): QueueCaller {
  return {
    id: `${q}|${uid}`,
    queue: q,
    uniqueid: uid,
    channel: `PJSIP/trunk-${uid}`,
    position: 1,
    callerNum: '5550100',
    callerName: '',
    connectedNum: '',
    connectedName: '',
    waitingSince,
  };
}

export function member(q: string, iface: string, fields: Partial<QueueMember> = {}): QueueMember {
  return {
    id: `${q}|${iface}`,
    queue: q,
    name: `Agent ${iface}`,
    interface: iface,
    stateInterface: iface,
    membership: 'dynamic',
    penalty: 0,
    callsTaken: 0,
    lastCall: 0,
    lastPause: 0,
    loginTime: 0,
    inCall: false,
    status: 1,
    paused: false,
    pausedReason: '',
    pausedSince: 0,
    wrapuptime: 0,
    ringinuse: false,
    statusSince: 0,
    ...fields,
  };
}

export function call(id: string, startedAt: number, fields: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'inbound',
    state: 'talking',
    from: { channel: `${id}-a`, name: '', num: '5550100' },
    to: { channel: `${id}-b`, name: '', num: '201' },
    channels: [`${id}-a`, `${id}-b`],
    queue: '',
    did: '',
    startedAt,
    answeredAt: startedAt,
    ...fields,
  };
}

export function liveState(): PbxState {
  const s = emptyState();
  s.pbx = { ...s.pbx, link: 'connected', linkSince: T0 - 3_600_000, lastLiveAt: T0 - 3_600_000, lastResync: T0 - 3_599_000 };
  return s;
}

export function dayWith(q: string, answered: number, answeredInSla: number) {
  return { ...emptyQueueDay(q, '2026-12-01', T0 - 36_000_000), answered, answeredInSla };
}

/** An engine over one state: each `at` is one pass at that instant, its ops applied as the session would. */
export function engine(state: PbxState, rules: () => readonly AlertRule[], timeZone = 'UTC') {
  const memory = new AlertMemory();
  return {
    memory,
    at(now: number): Evaluation {
      const out = evaluateAlerts({ pbx: 'main', state, rules: rules(), now, timeZone, memory });
      applyOps(state, out.ops);
      return out;
    },
  };
}

/** Queues, their members and waiting callers, from app_queue's events and lists. */
import type { Changes } from './changes';
import { removeQueueCaller } from './channels';
import { deviceOf, flag, int, type Fields } from './fields';
import type { PbxState, Queue, QueueCaller, QueueMember } from './model';
import { callerId, memberId } from './model';
import { ChannelState } from './states';

/**
 * What the reducer keeps about a member's current queue call to count it as
 * app_queue does. Only the reducer reads it, so it lives beside the state
 * rather than in the member: snapshots and ops, which carry members to every
 * browser, never hold it.
 */
export interface MemberCall {
  /**
   * Start of the queue call the member is in (whole seconds, in ms), 0 when
   * none or unknown (a call already running when we joined). app_queue counts
   * a call as completed only for the call it started last, so this decides
   * whether an AgentComplete counts.
   */
  callStartedAt: number;
  /** That call was answered within the queue's service level. */
  callInSl: boolean;
  /**
   * For calls whose start we never saw: the TalkTime of an AgentComplete not
   * yet matched to a completion (-1 none; kept only while the member had
   * another queue call up, so the ended one may not have been its current
   * call), and a completion already counted whose talk time is still to come.
   */
  pendingTalkTime: number;
  awaitingTalkTime: boolean;
}

const IDLE: Readonly<MemberCall> = { callStartedAt: 0, callInSl: false, pendingTalkTime: -1, awaitingTalkTime: false };

/**
 * By state object, as changes.ts keeps its counts: the server reduces into
 * one state for its whole life. A state built or copied by hand starts with
 * none, as a board that joined while the calls were running. A Map, since
 * member ids come from the wire.
 */
const memberCalls = new WeakMap<PbxState, Map<string, MemberCall>>();

function callsOf(state: PbxState): Map<string, MemberCall> {
  let calls = memberCalls.get(state);
  if (calls === undefined) memberCalls.set(state, (calls = new Map()));
  return calls;
}

/** The queue-call bookkeeping of member `id` (idle when it has none, or is gone). */
export function memberCall(state: PbxState, id: string): Readonly<MemberCall> {
  return (state.members[id] && memberCalls.get(state)?.get(id)) ?? IDLE;
}

/** Kept only for a stored member, and only while it differs from idle, so the map holds the members in a call. */
function setMemberCall(ch: Changes, id: string, call: MemberCall): void {
  const idle = call.callStartedAt === 0 && !call.callInSl && call.pendingTalkTime === -1 && !call.awaitingTalkTime;
  if (idle || ch.state.members[id] === undefined) callsOf(ch.state).delete(id);
  else callsOf(ch.state).set(id, call);
}

/** Removes a member with its bookkeeping. */
export function removeMember(ch: Changes, id: string): void {
  ch.del('members', id);
  memberCalls.get(ch.state)?.delete(id);
}

export function emptyQueue(id: string): Queue {
  return {
    id,
    strategy: '',
    max: 0,
    calls: 0,
    holdtime: 0,
    talktime: 0,
    completed: 0,
    abandoned: 0,
    serviceLevel: 0,
    serviceLevelPerf: 0,
    serviceLevelPerf2: 0,
    weight: 0,
    completedInSl: 0,
    abandonedInSl: 0,
  };
}

/** Creates an unknown queue (unless a limit refuses it). */
function ensureQueue(ch: Changes, name: string): void {
  if (ch.state.queues[name] === undefined) ch.put('queues', name, emptyQueue(name));
}

/** `QueueParams` (QueueStatus list item). */
export function queueFromParams(f: Fields): Omit<Queue, 'id'> {
  const completed = int(f.Completed);
  const abandoned = int(f.Abandoned);
  const perf = int(f.ServicelevelPerf);
  const perf2 = int(f.ServicelevelPerf2);
  const completedInSl = Math.round((perf * completed) / 100);
  return {
    strategy: f.Strategy ?? '',
    max: int(f.Max),
    calls: int(f.Calls),
    holdtime: int(f.Holdtime),
    talktime: int(f.TalkTime),
    completed,
    abandoned,
    serviceLevel: int(f.ServiceLevel),
    serviceLevelPerf: perf,
    serviceLevelPerf2: perf2,
    weight: int(f.Weight),
    completedInSl,
    abandonedInSl: Math.max(0, Math.round((perf2 * (completed + abandoned)) / 100) - completedInSl),
  };
}

/** app_queue prints both service-level figures with one decimal. */
const percent = (part: number, whole: number): number => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

function withServiceLevel(q: Queue, next: Partial<Queue>): Partial<Queue> {
  const completed = next.completed ?? q.completed;
  const abandoned = next.abandoned ?? q.abandoned;
  const cInSl = next.completedInSl ?? q.completedInSl;
  const aInSl = next.abandonedInSl ?? q.abandonedInSl;
  next.serviceLevelPerf = percent(cInSl, completed);
  next.serviceLevelPerf2 = percent(cInSl + aInSl, completed + abandoned);
  return next;
}

/** app_queue's exponential average (filter coefficient 4). */
const average = (old: number, sample: number): number => (old * 3 + sample) >> 2;

/**
 * A member as QueueMember (list: `Name`, `Location`) or QueueMember* events
 * (`MemberName`, `Interface`) describe it. `pausedSince`/`statusSince` are
 * kept while nothing changed and set to `changedAt` when something did.
 */
export function memberFields(f: Fields, prev: QueueMember | undefined, changedAt: number, fromList: boolean): QueueMember {
  const queue = f.Queue ?? '';
  const iface = f.Interface ?? f.Location ?? '';
  const paused = flag(f.Paused);
  const status = int(f.Status);
  const lastPause = int(f.LastPause);
  let pausedSince = prev?.pausedSince ?? 0;
  if (paused && lastPause > 0) {
    // app_queue stamps LastPause at every pause (set_queue_member_pause) and keeps it through the unpause; its
    // `queue show` counts "paused for" from it. A repeat of the same event repeats it, so it cannot move the start.
    pausedSince = lastPause * 1000;
  } else if (prev === undefined || prev.paused !== paused || (paused && prev.pausedReason !== (f.PausedReason ?? ''))) {
    // An unpause (LastPause still names the pause that ended), or a pause with no stamp.
    pausedSince = fromList ? (prev ? changedAt : 0) : changedAt;
  }
  let statusSince = prev?.statusSince ?? 0;
  if (prev === undefined ? !fromList : prev.status !== status) statusSince = changedAt;
  return {
    id: memberId(queue, iface),
    queue,
    name: f.MemberName ?? f.Name ?? '',
    interface: iface,
    stateInterface: f.StateInterface ?? '',
    membership: f.Membership ?? '',
    penalty: int(f.Penalty),
    callsTaken: int(f.CallsTaken),
    lastCall: int(f.LastCall),
    lastPause,
    loginTime: int(f.LoginTime),
    inCall: flag(f.InCall),
    status,
    paused,
    // An unpause event repeats the reason given with it; the member itself keeps none (QueueStatus shows '').
    pausedReason: paused ? (f.PausedReason ?? '') : '',
    pausedSince,
    wrapuptime: int(f.Wrapuptime),
    ringinuse: f.Ringinuse === undefined ? (prev?.ringinuse ?? false) : flag(f.Ringinuse),
    statusSince,
  };
}

/** The member's bookkeeping once `f` is applied: its call goes on while it is in one, and ends when it is not. */
function callAfter(f: Fields, prev: QueueMember | undefined, call: Readonly<MemberCall>): MemberCall {
  if (!inCallNow(f, prev)) return { ...IDLE, awaitingTalkTime: call.awaitingTalkTime };
  // First seen in a call: nothing says it was answered late.
  return prev === undefined ? { ...call, callInSl: true } : { ...call };
}

/**
 * Writes the member `f` describes, with its bookkeeping. A list (resync)
 * corrects the counters: no talk time is owed any more.
 */
export function putMember(ch: Changes, id: string, f: Fields, fromList: boolean): void {
  const prev = ch.state.members[id];
  const call = callAfter(f, prev, memberCall(ch.state, id));
  if (fromList) call.awaitingTalkTime = false;
  ch.put('members', id, memberFields(f, prev, ch.at, fromList));
  setMemberCall(ch, id, call);
}

const inCallNow = (f: Fields, prev: QueueMember | undefined): boolean =>
  f.InCall === undefined ? (prev?.inCall ?? false) : flag(f.InCall);

/** QueueMemberStatus / Pause / Penalty / Ringinuse (and a new Added): each carries the whole member. */
export function onMember(ch: Changes, f: Fields): void {
  const queue = f.Queue;
  const iface = f.Interface ?? f.Location;
  if (!queue || !iface) return;
  ensureQueue(ch, queue);
  const id = memberId(queue, iface);
  const prev = ch.state.members[id];
  // InCall drops to 0 only when app_queue's update_queue closed the member's call (on AgentComplete,
  // or earlier when the member's device went idle): that is when the queue counts a completed call.
  if (prev?.inCall && f.InCall === '0') {
    const call = memberCall(ch.state, id);
    if (call.callStartedAt) completeCall(ch, queue, prev, Math.floor(ch.at / 1000) - call.callStartedAt / 1000, call.callInSl);
    else if (call.pendingTalkTime >= 0) completeCall(ch, queue, prev, call.pendingTalkTime, call.callInSl);
    else completeCall(ch, queue, prev, -1, false);
  }
  putMember(ch, id, f, false);
}

/**
 * app_queue's update_queue: the member's current call is over. A talk time
 * of -1 is not known yet: the count goes up now, the averages when it comes.
 */
function completeCall(ch: Changes, queue: string, member: QueueMember, talkSeconds: number, inSl: boolean): void {
  const q = ch.state.queues[queue];
  if (q !== undefined) {
    const completed = q.completed + 1;
    const next: Partial<Queue> = { completed };
    if (talkSeconds >= 0) next.talktime = completed === 1 ? talkSeconds : average(q.talktime, talkSeconds);
    if (inSl) next.completedInSl = q.completedInSl + 1;
    ch.put('queues', queue, withServiceLevel(q, next));
  }
  ch.put('members', member.id, { inCall: false });
  setMemberCall(ch, member.id, { ...IDLE, awaitingTalkTime: talkSeconds < 0 });
}

/**
 * QueueMemberAdded. Asterisk refuses to add a member twice ("Already there",
 * no event), so an Added for a member we know is a repeat, or late behind
 * an event that already told us more (a QueueMemberPenalty): it changes
 * nothing unless its LoginTime, stamped at the add, is newer than the one
 * we know, when the member was removed and added again (the Removed missed).
 */
export function onMemberAdded(ch: Changes, f: Fields): void {
  const iface = f.Interface ?? f.Location;
  const prev = f.Queue && iface ? ch.state.members[memberId(f.Queue, iface)] : undefined;
  if (prev !== undefined && int(f.LoginTime) <= prev.loginTime) return;
  onMember(ch, f);
}

/** QueueMemberRemoved: a member we do not know (never seen, or already removed) changes nothing. */
export function onMemberRemoved(ch: Changes, f: Fields): void {
  const iface = f.Interface ?? f.Location;
  if (f.Queue && iface) removeMember(ch, memberId(f.Queue, iface));
}

export function onCallerJoin(ch: Changes, f: Fields): void {
  const queue = f.Queue;
  const uid = f.Uniqueid;
  if (!queue || !uid) return;
  ensureQueue(ch, queue);
  if (f.Count !== undefined && ch.state.queues[queue] !== undefined) ch.put('queues', queue, { calls: int(f.Count) });
  const id = callerId(queue, uid);
  const prev = ch.state.callers[id];
  ch.put('callers', id, callerFields(queue, uid, f, prev?.waitingSince || ch.at));
}

/** A waiting caller as QueueCallerJoin and QueueStatus's QueueEntry both describe it. */
export function callerFields(queue: string, uniqueid: string, f: Fields, waitingSince: number): Omit<QueueCaller, 'id'> {
  return {
    queue,
    uniqueid,
    channel: f.Channel ?? '',
    position: int(f.Position),
    callerNum: f.CallerIDNum ?? '',
    callerName: f.CallerIDName ?? '',
    connectedNum: f.ConnectedLineNum ?? '',
    connectedName: f.ConnectedLineName ?? '',
    waitingSince,
  };
}

export function onCallerLeave(ch: Changes, f: Fields): void {
  const queue = f.Queue;
  if (!queue || !f.Uniqueid) return;
  if (ch.state.queues[queue] !== undefined && f.Count !== undefined) ch.put('queues', queue, { calls: int(f.Count) });
  removeQueueCaller(ch, queue, f.Uniqueid);
}

/**
 * Counted only while the caller still waits in the queue, and the caller
 * leaves the list at once (the QueueCallerLeave that follows finds it gone):
 * a repeated or replayed abandon counts once.
 */
export function onCallerAbandon(ch: Changes, f: Fields): void {
  const q = f.Queue ? ch.state.queues[f.Queue] : undefined;
  if (q === undefined || !f.Uniqueid || ch.state.callers[callerId(q.id, f.Uniqueid)] === undefined) return;
  const next: Partial<Queue> = { abandoned: q.abandoned + 1 };
  if (int(f.HoldTime) <= q.serviceLevel) next.abandonedInSl = q.abandonedInSl + 1;
  ch.put('queues', q.id, withServiceLevel(q, next));
  removeQueueCaller(ch, q.id, f.Uniqueid);
}

/** The caller was answered: app_queue folds its wait into the queue's average hold time. */
export function onAgentConnect(ch: Changes, f: Fields): void {
  const q = f.Queue ? ch.state.queues[f.Queue] : undefined;
  if (q === undefined) return;
  const member = f.Interface ? ch.state.members[memberId(q.id, f.Interface)] : undefined;
  const startedAt = Math.floor(ch.at / 1000) * 1000;
  // The same connect seen twice (the member already in a call that started this second).
  if (member?.inCall && memberCall(ch.state, member.id).callStartedAt === startedAt) return;
  const hold = int(f.HoldTime);
  ch.put('queues', q.id, { holdtime: q.completed + q.abandoned === 0 ? hold : average(q.holdtime, hold) });
  if (member !== undefined) {
    // app_queue stamps the member's call start (time(), whole seconds) right after this event.
    ch.put('members', member.id, { inCall: true });
    setMemberCall(ch, member.id, {
      callStartedAt: startedAt,
      callInSl: hold <= q.serviceLevel,
      pendingTalkTime: -1,
      awaitingTalkTime: false,
    });
  }
}

/**
 * Ends the member's current call when it is that call (app_queue ignores the
 * end of an older call of a member in two calls). A call whose start we never
 * saw counts here too, unless the member has another queue call up: then it
 * only tells the talk time, to use when the member's InCall 0 says which
 * call app_queue closed.
 */
export function onAgentComplete(ch: Changes, f: Fields): void {
  const queue = f.Queue;
  const member = queue && f.Interface ? ch.state.members[memberId(queue, f.Interface)] : undefined;
  const q = queue ? ch.state.queues[queue] : undefined;
  if (member === undefined || q === undefined) return;
  const talk = int(f.TalkTime);
  const inSl = int(f.HoldTime) <= q.serviceLevel;
  const call = memberCall(ch.state, member.id);
  if (call.awaitingTalkTime) {
    const next: Partial<Queue> = { talktime: q.completed <= 1 ? talk : average(q.talktime, talk) };
    if (inSl) next.completedInSl = q.completedInSl + 1;
    ch.put('queues', q.id, withServiceLevel(q, next));
    setMemberCall(ch, member.id, { ...call, awaitingTalkTime: false });
    return;
  }
  if (!member.inCall) return;
  if (!call.callStartedAt) {
    // A call already running when we joined. app_queue counts it here if it is the member's current call, and
    // no event says so until the member's device changes state, which may not happen while it stays in use
    // (a second call, a transfer). Only another queue call on the member could be the current one instead.
    if (inAnotherQueueCall(ch.state, member, f)) {
      setMemberCall(ch, member.id, { ...call, pendingTalkTime: talk, callInSl: inSl });
      return;
    }
    countCompleted(ch, queue!, member, talk, inSl);
    return;
  }
  const callStart = Math.floor(ch.at / 1000) - talk;
  if (Math.abs(call.callStartedAt / 1000 - callStart) > 1) return;
  countCompleted(ch, queue!, member, talk, call.callInSl);
}

/** app_queue's update_queue from an AgentComplete: the call counts, and the member is stamped at once. */
function countCompleted(ch: Changes, queue: string, member: QueueMember, talk: number, inSl: boolean): void {
  completeCall(ch, queue, member, talk, inSl);
  // The member's next event repeats these (CallsTaken, LastCall, InCall 0); until then they are ours.
  ch.put('members', member.id, { callsTaken: member.callsTaken + 1, lastCall: Math.floor(ch.at / 1000) });
}

/**
 * Whether the member has another queue call up than the one an
 * AgentComplete ends: a leg of the member's device that app_queue dialled
 * (AppQueue), answered, in another conversation. app_queue counts only the
 * call it started last, and without the starts we cannot tell which.
 */
function inAnotherQueueCall(state: PbxState, member: QueueMember, f: Fields): boolean {
  for (const uid in state.channels) {
    const c = state.channels[uid];
    if (c.app !== 'AppQueue' || uid === f.DestUniqueid || c.linkedId === f.Linkedid) continue;
    if (c.state !== ChannelState.Up && !c.bridgeId) continue;
    const device = deviceOf(c.name);
    if (device === member.interface || `${device}/n` === member.interface || device === member.stateInterface) return true;
  }
  return false;
}

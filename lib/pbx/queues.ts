/** Queues, their members and waiting callers, from app_queue's events and lists. */
import type { Changes } from './changes';
import { removeQueueCaller } from './channels';
import { flag, int, type Fields } from './fields';
import type { Queue, QueueCaller, QueueMember } from './model';
import { callerId, memberId } from './model';

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
  if (prev === undefined || prev.paused !== paused || (paused && prev.pausedReason !== (f.PausedReason ?? ''))) {
    pausedSince = fromList ? (paused && lastPause ? lastPause * 1000 : prev ? changedAt : 0) : changedAt;
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
    callStartedAt: inCallNow(f, prev) ? (prev?.callStartedAt ?? 0) : 0,
    callInSl: inCallNow(f, prev) ? (prev?.callInSl ?? true) : false,
    pendingTalkTime: inCallNow(f, prev) ? (prev?.pendingTalkTime ?? -1) : -1,
    awaitingTalkTime: prev?.awaitingTalkTime ?? false,
  };
}

const inCallNow = (f: Fields, prev: QueueMember | undefined): boolean =>
  f.InCall === undefined ? (prev?.inCall ?? false) : flag(f.InCall);

/** QueueMemberAdded / Status / Pause / Penalty / Ringinuse: each carries the whole member. */
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
    if (prev.callStartedAt) completeCall(ch, queue, prev, Math.floor(ch.at / 1000) - prev.callStartedAt / 1000, prev.callInSl);
    else if (prev.pendingTalkTime >= 0) completeCall(ch, queue, prev, prev.pendingTalkTime, prev.callInSl);
    else completeCall(ch, queue, prev, -1, false);
  }
  ch.put('members', id, memberFields(f, ch.state.members[id], ch.at, false));
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
  ch.put('members', member.id, {
    inCall: false,
    callStartedAt: 0,
    callInSl: false,
    pendingTalkTime: -1,
    awaitingTalkTime: talkSeconds < 0,
  });
}

export function onMemberRemoved(ch: Changes, f: Fields): void {
  const iface = f.Interface ?? f.Location;
  if (f.Queue && iface) ch.del('members', memberId(f.Queue, iface));
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
  if (member?.inCall && member.callStartedAt === startedAt) return;
  const hold = int(f.HoldTime);
  ch.put('queues', q.id, { holdtime: q.completed + q.abandoned === 0 ? hold : average(q.holdtime, hold) });
  if (member !== undefined) {
    // app_queue stamps the member's call start (time(), whole seconds) right after this event.
    ch.put('members', member.id, {
      inCall: true,
      callStartedAt: startedAt,
      callInSl: hold <= q.serviceLevel,
      pendingTalkTime: -1,
      awaitingTalkTime: false,
    });
  }
}

/**
 * Ends the member's current call when it is that call (app_queue ignores the
 * end of an older call of a member in two calls). For a call whose start we
 * never saw, it only tells the talk time, to use when the count comes.
 */
export function onAgentComplete(ch: Changes, f: Fields): void {
  const queue = f.Queue;
  const member = queue && f.Interface ? ch.state.members[memberId(queue, f.Interface)] : undefined;
  const q = queue ? ch.state.queues[queue] : undefined;
  if (member === undefined || q === undefined) return;
  const talk = int(f.TalkTime);
  const inSl = int(f.HoldTime) <= q.serviceLevel;
  if (member.awaitingTalkTime) {
    const next: Partial<Queue> = { talktime: q.completed <= 1 ? talk : average(q.talktime, talk) };
    if (inSl) next.completedInSl = q.completedInSl + 1;
    ch.put('queues', q.id, withServiceLevel(q, next));
    ch.put('members', member.id, { awaitingTalkTime: false });
    return;
  }
  if (!member.inCall) return;
  if (!member.callStartedAt) {
    ch.put('members', member.id, { pendingTalkTime: talk, callInSl: inSl });
    return;
  }
  const callStart = Math.floor(ch.at / 1000) - talk;
  if (Math.abs(member.callStartedAt / 1000 - callStart) > 1) return;
  completeCall(ch, queue!, member, talk, member.callInSl);
  // app_queue counts the call and stamps the member at once; the next member event repeats it.
  ch.put('members', member.id, { callsTaken: member.callsTaken + 1, lastCall: Math.floor(ch.at / 1000) });
}

/**
 * `GET /api/stats?date=YYYY-MM-DD&pbx=…`: a day's figures per queue, for
 * all queues, per agent and per hour, for CRMs and reports. Today's are the
 * board's own (the same entities the cards show, plus what is still
 * running); another day's are counted afresh from the call history. A user
 * limited to some queues gets those queues and their members only; a
 * wallboard, the queues' figures without agents (its charts read them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { inScope, type Grants } from '@/lib/grants';
import type { CallRecord } from '@/lib/history/record';
import type { MemberDay, QueueDay } from '@/lib/stats/figures';
import { emptyQueueDay, queueRates, sumQueueDays } from '@/lib/stats/figures';
import { dayAt, dayNamed, type DayRule, type DayWindow } from '@/lib/stats/day';
import { hourly } from '@/lib/stats/hourly';
import { agentToday, queueToday } from '@/lib/stats/live';
import { DayTally } from '@/lib/stats/tally';
import type { PbxState, QueueMember } from '@/lib/pbx/model';
import type { HistoryStore } from '../history/store';
import { recordsOfDay, spansOfDay } from '../stats/day-source';
import type { ApiContext } from './api';
import { HttpError, sendJson } from './util';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

const statsQuery = z.strictObject({
  date: z.string().max(10).optional(),
  pbx: z.string().max(40).optional(),
  /** Narrows `hours` to one queue (the rest always lists every queue the user may see). */
  queue: z.string().max(200).optional(),
});

interface DayFigures {
  queues: QueueDay[];
  members: MemberDay[];
  records: CallRecord[];
}

async function stats(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  if (!ctx.history || !ctx.day) throw new HttpError(404, "The call history is off (CALLBOARD_HISTORY=off): there are no day's figures");
  const limit = ctx.snapshotLimiter.hit(identity.user, ctx.now());
  if (!limit.ok) {
    const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
    throw new HttpError(429, `Too many requests for figures. Try again in ${seconds} s.`, 'rate-limited', {
      'retry-after': String(seconds),
    });
  }
  const url = new URL(req.url ?? '/', 'http://x');
  const parsed = statsQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, issue ? `${issue.path.join('.') || 'query'}: ${issue.message}` : 'Bad query');
  }
  const pbx = parsed.data.pbx === undefined ? ctx.pbxs.default : ctx.pbxs.get(parsed.data.pbx);
  if (!pbx) throw new HttpError(404, `No PBX ${parsed.data.pbx?.slice(0, 40)}`);
  const rule = ctx.day;
  const now = ctx.now();
  const today = dayAt(now, rule);
  const day = parsed.data.date === undefined ? today : dayNamed(parsed.data.date, rule);
  if (!day) throw new HttpError(400, `date: not a day: ${parsed.data.date?.slice(0, 10)} (use YYYY-MM-DD)`);
  if (day.start > now) throw new HttpError(400, `date: ${day.date} has not begun`);

  const state = pbx.session.state;
  const figures = await figuresOf(ctx.history, pbx.id, day, day.date === today.date ? state : null);
  const seen = (queue: string) => inScope(identity.grants, queue);
  const narrow = parsed.data.queue;
  const hourSeen = narrow === undefined ? seen : (queue: string) => queue === narrow && seen(queue);
  const isToday = day.date === today.date;
  const all = body(figures, day, rule, identity.grants, seen, isToday ? state : null, now);
  // A wallboard's charts need the queues' figures; like its socket view, it gets no agent (names, pauses).
  const { agents, ...queueLevel } = all;
  sendJson(res, 200, {
    ...(identity.role === 'wallboard' ? queueLevel : { ...queueLevel, agents }),
    hours: hourly(figures.records, day, hourSeen),
    // The last hour, sampled: only today has one.
    waiting: isToday ? (ctx.waiting?.get(pbx.id)?.series(seen) ?? null) : null,
  });
}

async function figuresOf(store: HistoryStore, pbx: string, day: DayWindow, live: PbxState | null): Promise<DayFigures> {
  const records: CallRecord[] = [];
  for await (const page of recordsOfDay(store, pbx, day)) for (const r of page) records.push(r);
  if (live) return { queues: Object.values(live.queueDays), members: Object.values(live.memberDays), records };
  const tally = new DayTally(day);
  for (const r of records) tally.addRecord(r);
  for (const s of await spansOfDay(store, pbx, day)) {
    if (s.kind === 'pause') tally.addPause(s.queue, s.interface, s.reason, s.startedAt, s.endedAt);
    else tally.addLogin(s.queue, s.interface, s.startedAt, s.endedAt);
  }
  return { queues: [...tally.queues.values()], members: [...tally.members.values()], records };
}

function body(
  f: DayFigures,
  day: DayWindow,
  rule: DayRule,
  grants: Grants,
  seen: (queue: string) => boolean,
  live: PbxState | null,
  now: number,
) {
  const queues = f.queues.filter((q) => seen(q.id));
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const waiting = new Map<string, { waitingSince: number }[]>();
  const members = new Map<string, QueueMember[]>();
  if (live) {
    // Today: every queue the PBX has, those without a call yet at zero.
    const listed = new Set(queues.map((q) => q.id));
    for (const id in live.queues) if (seen(id) && !listed.has(id)) queues.push(emptyQueueDay(id, day.date, day.start));
    for (const id in live.callers) if (seen(live.callers[id].queue)) push(waiting, live.callers[id].queue, live.callers[id]);
    for (const id in live.members) if (seen(live.members[id].queue)) push(members, live.members[id].interface, live.members[id]);
  }
  const at = live ? now : day.end;
  const queueList = queues
    .map((q) => ({ queue: q.id, ...queueToday(q, waiting.get(q.id) ?? [], at), unanswered: q.unanswered }))
    .sort((a, b) => a.queue.localeCompare(b.queue));
  const sum = sumQueueDays(queues);
  const byAgent = new Map<string, MemberDay[]>();
  for (const m of f.members) if (seen(m.queue)) push(byAgent, m.interface, m);
  for (const iface of members.keys()) if (!byAgent.has(iface)) byAgent.set(iface, []);
  const agents = [...byAgent].map(([iface, days]) => {
    const memberships = members.get(iface) ?? [];
    return {
      interface: iface,
      name: memberships[0]?.name ?? '',
      queues: [...new Set([...days.map((d) => d.queue), ...memberships.map((m) => m.queue)])].sort(),
      ...agentToday(days, memberships, day.start, at),
    };
  });
  agents.sort((a, b) => a.interface.localeCompare(b.interface, undefined, { numeric: true }));
  return {
    date: day.date,
    timeZone: rule.timeZone,
    dayStartsAt: `${String(Math.floor(rule.startMinutes / 60)).padStart(2, '0')}:${String(rule.startMinutes % 60).padStart(2, '0')}`,
    start: day.start,
    end: day.end,
    live: live !== null,
    scoped: grants.queues !== null,
    all: {
      offered: sum.offered,
      answered: sum.answered,
      abandoned: sum.abandoned,
      abandonedInSla: sum.abandonedInSla,
      unanswered: sum.unanswered,
      ...queueRates(sum),
      longestWaitSeconds: Math.max(0, ...queueList.map((q) => q.longestWaitSeconds)),
      callbacksOwed: sum.callbacksOwed,
    },
    queues: queueList,
    agents,
  };
}

export const statsRoutes: Route[] = [['GET', /^\/api\/stats$/, stats]];

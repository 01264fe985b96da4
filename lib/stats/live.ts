/**
 * Today's figures as a person reads them: the stored sums plus what is
 * still running in the live state (a caller waiting, a pause or a log-in
 * not yet over), clipped to the day. The server's `/api/stats` and the
 * browser both read them through here, so they agree to the second.
 */
import type { QueueCaller, QueueMember } from '../pbx/model';
import { queueRates, type MemberDay, type QueueDay, type QueueRates } from './figures';

export interface QueueToday extends QueueRates {
  offered: number;
  answered: number;
  abandoned: number;
  abandonedInSla: number;
  /** The longest wait today: of the calls that left the queue, or of a caller still waiting. */
  longestWaitSeconds: number;
  callbacksOwed: number;
}

export function queueToday(day: QueueDay | undefined, waiting: readonly Pick<QueueCaller, 'waitingSince'>[], now: number): QueueToday {
  let longest = day?.longestWaitSeconds ?? 0;
  const dayStart = day?.dayStart ?? 0;
  for (const c of waiting) if (c.waitingSince > 0) longest = Math.max(longest, (now - Math.max(c.waitingSince, dayStart)) / 1000);
  const sums = day ?? {
    answered: 0,
    answeredInSla: 0,
    abandoned: 0,
    abandonedInSla: 0,
    slaCalls: 0,
    answeredWaitSeconds: 0,
    talkSeconds: 0,
  };
  return {
    ...queueRates(sums),
    offered: day?.offered ?? 0,
    answered: sums.answered,
    abandoned: sums.abandoned,
    abandonedInSla: sums.abandonedInSla,
    longestWaitSeconds: longest,
    callbacksOwed: day?.callbacksOwed ?? 0,
  };
}

export interface AgentToday {
  handled: number;
  missed: number;
  talkSeconds: number;
  /** Average handling time of its answered calls, seconds; null before any. */
  ahtSeconds: number | null;
  /** Pause time per reason, finished and running; the longest first. */
  pauses: { reason: string; seconds: number }[];
  pausedSeconds: number;
  loggedInSeconds: number;
}

/**
 * One agent (an interface) over its memberships: calls and pauses add up;
 * logged-in time is the longest of its memberships' (a person logged in to
 * three queues for an hour was logged in for an hour, not three).
 */
export function agentToday(
  days: readonly MemberDay[],
  members: readonly Pick<QueueMember, 'paused' | 'pausedReason' | 'pausedSince' | 'loginTime'>[],
  dayStart: number,
  now: number,
): AgentToday {
  let handled = 0;
  let missed = 0;
  let talkSeconds = 0;
  let loggedIn = 0;
  for (const d of days) {
    handled += d.handled;
    missed += d.missed;
    talkSeconds += d.talkSeconds;
    loggedIn = Math.max(loggedIn, d.loggedInSeconds);
  }
  let runningLogin = 0;
  let runningPause: { reason: string; seconds: number } | null = null;
  for (const m of members) {
    if (m.loginTime > 0) runningLogin = Math.max(runningLogin, clip(m.loginTime * 1000, dayStart, now));
    // Paused in several queues at once is one pause of the person.
    if (m.paused && m.pausedSince > 0) {
      const seconds = clip(m.pausedSince, dayStart, now);
      if (!runningPause || seconds > runningPause.seconds) runningPause = { reason: m.pausedReason, seconds };
    }
  }
  // A person's finished pauses were counted once per queue they paused in: the largest membership's figure is the person's.
  const perReason = new Map<string, number>();
  for (const d of days) for (const [reason, seconds] of d.pauses) perReason.set(reason, Math.max(perReason.get(reason) ?? 0, seconds));
  if (runningPause) perReason.set(runningPause.reason, (perReason.get(runningPause.reason) ?? 0) + runningPause.seconds);
  const list = [...perReason].map(([reason, seconds]) => ({ reason, seconds })).sort((a, b) => b.seconds - a.seconds);
  return {
    handled,
    missed,
    talkSeconds,
    ahtSeconds: handled > 0 ? talkSeconds / handled : null,
    pauses: list,
    pausedSeconds: list.reduce((n, p) => n + p.seconds, 0),
    loggedInSeconds: loggedIn + runningLogin,
  };
}

function clip(since: number, dayStart: number, now: number): number {
  return Math.max(0, (now - Math.max(since, dayStart)) / 1000);
}

import { describe, expect, it } from 'vitest';
import { emptyMemberDay, emptyQueueDay } from '../../lib/stats/figures';
import { agentToday, queueToday } from '../../lib/stats/live';

const DAY = Date.parse('2026-12-01T00:00:00Z');
const NOW = DAY + 10 * 3_600_000;

describe('today’s figures with what is still going on', () => {
  it('the longest wait today is a caller still waiting when that is longer, counted from the day start at most', () => {
    const q = { ...emptyQueueDay('sales', '2026-12-01', DAY), longestWaitSeconds: 90 };
    expect(queueToday(q, [{ waitingSince: NOW - 30_000 }], NOW).longestWaitSeconds).toBe(90);
    expect(queueToday(q, [{ waitingSince: NOW - 120_000 }], NOW).longestWaitSeconds).toBe(120);
    expect(queueToday(q, [{ waitingSince: DAY - 3_600_000 }], DAY + 5_000).longestWaitSeconds).toBe(90);
    expect(queueToday(undefined, [], NOW)).toMatchObject({ offered: 0, slaPercent: null, asaSeconds: null });
  });

  it('an agent in two queues: calls add up, a pause and a log-in running in both count once', () => {
    const a = {
      ...emptyMemberDay('sales', 'PJSIP/201', '2026-12-01', DAY),
      handled: 2,
      missed: 1,
      talkSeconds: 200,
      pauses: [['Lunch', 600]] as [string, number][],
      loggedInSeconds: 0,
    };
    const b = {
      ...emptyMemberDay('support', 'PJSIP/201', '2026-12-01', DAY),
      handled: 1,
      talkSeconds: 100,
      pauses: [['Lunch', 600]] as [string, number][],
    };
    const paused = { paused: true, pausedReason: 'Break', pausedSince: NOW - 60_000, loginTime: (DAY - 3_600_000) / 1000 };
    const t = agentToday([a, b], [paused, paused], DAY, NOW);
    expect(t).toMatchObject({ handled: 3, missed: 1, talkSeconds: 300, ahtSeconds: 100, pausedSeconds: 660, loggedInSeconds: 36_000 });
    expect(t.pauses).toEqual([
      { reason: 'Lunch', seconds: 600 },
      { reason: 'Break', seconds: 60 },
    ]);
  });
});

/** The demo's many-queue option, for the wallboard's screenshots and e2e: the default demo stays exactly as it was. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS, DEFAULT_QUEUES, demoDirectory } from '@/server/demo-pbx/directory';

describe('demoDirectory', () => {
  it('two queues (or a count it cannot read) are the default directory itself', () => {
    for (const n of [2, 1, 0, NaN, 2.5]) expect(demoDirectory(n)).toEqual({ queues: DEFAULT_QUEUES, agents: DEFAULT_AGENTS });
    expect(demoDirectory(2).queues).toBe(DEFAULT_QUEUES);
  });

  it('twelve queues, each with agents, unique names and extensions; more is capped at twelve', () => {
    const { queues, agents } = demoDirectory(12);
    expect(queues.map((q) => q.name).slice(0, 2)).toEqual(['sales', 'support']);
    expect(new Set(queues.map((q) => q.name)).size).toBe(12);
    for (const q of queues)
      expect(
        agents.some((a) => a.queues.includes(q.name)),
        q.name,
      ).toBe(true);
    expect(new Set(agents.map((a) => a.exten)).size).toBe(agents.length);
    expect(new Set(agents.map((a) => a.name)).size).toBe(agents.length);
    for (const a of agents) expect(a.exten).toMatch(/^2\d\d$/);
    expect(demoDirectory(40).queues).toHaveLength(12);
  });
});

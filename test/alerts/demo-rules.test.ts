import { describe, expect, it } from 'vitest';
import { alertRuleInputSchema } from '@/lib/alerts/model';
import { DEMO_RULES } from '@/server/alerts/demo-rules';

describe("the demo's sample alert rules", () => {
  it('are rules an admin could have typed: each passes the same schema as the REST body', () => {
    for (const rule of DEMO_RULES) expect(alertRuleInputSchema.safeParse(rule).error?.issues ?? []).toEqual([]);
    expect(new Set(DEMO_RULES.map((r) => r.kind)).size).toBe(DEMO_RULES.length);
  });
});

/** axe-core's serious and critical findings on a page, worded for a failure message. */
import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { effectiveOpacity } from './measure';

export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  // A page that just went live is still fading in from its stale dimming; axe would measure the fade.
  const main = page.getByRole('main');
  if ((await main.count()) === 1) await expect.poll(() => effectiveOpacity(main)).toBe(1);
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')} — ${v.nodes[0]?.failureSummary?.split('\n')[1]?.trim()}`,
    );
}

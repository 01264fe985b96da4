import { test, expect } from '@playwright/test';
import { PROTOCOL_VERSION } from '../lib/protocol';
import { loggedIn } from './helpers';
import { rewriteServerPackets } from './ws-route';

test('a page whose server speaks another protocol version reloads itself instead of applying the snapshot', async ({ browser }) => {
  const context = await loggedIn(browser, 'viewer');
  const page = await context.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  // Until the page has reloaded once, the server seems to have been upgraded under it.
  await rewriteServerPackets(page, (packet) =>
    loads < 2 && packet.startsWith('2["snapshot"')
      ? packet.replace(`"protocol":${PROTOCOL_VERSION}`, `"protocol":${PROTOCOL_VERSION + 1}`)
      : packet,
  );
  await page.goto('/');
  await expect.poll(() => loads, { timeout: 20_000 }).toBe(2);
  await expect(page.getByTestId('link-badge')).toHaveText('Live');
  await expect(page.getByTestId('call-row').or(page.getByTestId('calls-empty')).first()).toBeVisible();
  expect(loads).toBe(2);
  await context.close();
});

import { test, expect } from '@playwright/test';
import { loggedIn } from './helpers';

test('a viewer sees no action controls, and a forged socket emit from their page is refused', async ({ browser }) => {
  const context = await loggedIn(browser, 'viewer');
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('user-role')).toHaveText('Viewer');
  await expect(page.getByTestId('call-row').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: /Hang up/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New call' })).toHaveCount(0);

  const callId = await page.getByTestId('call-row').first().getAttribute('data-call-id');
  // Speak socket.io by hand over the page's own cookie, as a hostile script would.
  const ack = await page.evaluate(async (call) => {
    const ws = new WebSocket(`ws://${location.host}/socket.io/?EIO=4&transport=websocket`);
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ack')), 10_000);
      ws.onmessage = (e) => {
        const data = String(e.data);
        if (data === '2')
          ws.send('3'); // engine.io ping → pong
        else if (data.startsWith('0'))
          ws.send('40'); // open → connect the main namespace
        else if (data.startsWith('40')) ws.send(`421${JSON.stringify(['action', { type: 'hangup', pbx: 'demo', call }])}`);
        else if (data.startsWith('431')) {
          clearTimeout(timer);
          ws.close();
          resolve(data.slice(3));
        }
      };
      ws.onerror = () => reject(new Error('socket error'));
    });
  }, callId);
  const [result] = JSON.parse(ack) as [{ ok: boolean; code?: string }];
  expect(result).toMatchObject({ ok: false, code: 'forbidden' });
  // The server wrote the refusal down and sent nothing to Asterisk. (Whether the row is still there
  // proves nothing: the demo PBX ends calls on its own, and once did so mid-test.)
  const admin = await loggedIn(browser, 'admin');
  const res = await admin.request.get('/api/audit?limit=100');
  expect(res.status()).toBe(200);
  const { entries } = (await res.json()) as { entries: { who: string; action: string; result: string; params: { call?: string } }[] };
  const mine = entries.filter((e) => e.who === 'viewer' && e.action === 'hangup' && e.params.call === callId);
  expect(mine.map((e) => e.result)).toEqual(['forbidden']);
  await admin.close();
  await context.close();
});

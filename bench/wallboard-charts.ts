/**
 * Whether the wallboard's charts (`?charts=1`) keep the wall smooth: the
 * same wall with and without them, in turn, in headless Chromium at
 * 1920×1080, against a running Callboard (the demo's busy traffic is
 * enough: a wall redraws its waits every second and its charts every
 * 10–15 s). Counts frames (requestAnimationFrame), frames over 50 ms and the
 * longest main-thread task (PerformanceObserver 'longtask').
 *
 *   npm run build && PORT=3200 HOST=127.0.0.1 NODE_ENV=production CALLBOARD_DATA=/tmp/wall npx tsx server/index.ts &
 *   CALLBOARD_URL=http://127.0.0.1:3200 CALLBOARD_DATA=/tmp/wall npx tsx bench/wallboard-charts.ts [--seconds 20] [--rounds 2]
 */
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { UserStore } from '../server/auth/user-store';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '2' } } });
const base = process.env.CALLBOARD_URL ?? 'http://127.0.0.1:3200';
const dataDir = process.env.CALLBOARD_DATA;
if (!dataDir) throw new Error('CALLBOARD_DATA: the running server’s data directory, to make a wallboard token in');
const { token } = new UserStore(dataDir).createToken(`bench-wall-${Date.now()}`, 'wallboard');

interface Window {
  frames: number;
  slowFrames: number;
  longestTaskMs: number;
  fps: number;
}

/** Runs in the page: frames and long tasks over `ms`. */
const MEASURE = `async (ms) => {
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  let frames = 0;
  let slow = 0;
  let last = performance.now();
  const end = last + ms;
  await new Promise((resolve) => {
    const tick = (t) => {
      frames++;
      if (t - last > 50) slow++;
      last = t;
      if (t < end) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  return { frames, slowFrames: slow, longestTaskMs: longest, fps: frames / (ms / 1000) };
}`;

const browser = await chromium.launch(CHROMIUM_LAUNCH);
const results: Record<'plain' | 'charts', Window[]> = { plain: [], charts: [] };
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of round % 2 === 0 ? (['plain', 'charts'] as const) : (['charts', 'plain'] as const)) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${base}/wallboard?token=${encodeURIComponent(token)}${mode === 'charts' ? '&charts=1' : ''}`);
      await page.getByTestId('link-badge').filter({ hasText: 'Live' }).waitFor();
      if (mode === 'charts') await page.getByTestId('wallboard-chart-calls').locator('canvas').waitFor();
      await page.waitForTimeout(2_000);
      // A string, not a function: tsx names functions with a helper the page does not have.
      const w = (await page.evaluate(`(${MEASURE})(${Number(values.seconds) * 1000})`)) as Window;
      await page.close();
      results[mode].push(w);
      console.log(
        `round ${round + 1} ${mode.padEnd(6)}: ${w.fps.toFixed(1)} fps, ${w.slowFrames} of ${w.frames} frames over 50 ms, longest task ${w.longestTaskMs.toFixed(0)} ms`,
      );
    }
  }
} finally {
  await browser.close();
}
const worst = (m: 'plain' | 'charts') => ({
  fps: Math.min(...results[m].map((w) => w.fps)),
  slowFrames: Math.max(...results[m].map((w) => w.slowFrames)),
  longestTaskMs: Math.max(...results[m].map((w) => w.longestTaskMs)),
});
const summary = { plain: worst('plain'), charts: worst('charts') };
console.log(
  `worst window: charts ${summary.charts.fps.toFixed(1)} fps vs ${summary.plain.fps.toFixed(1)} without; longest task ${summary.charts.longestTaskMs.toFixed(0)} vs ${summary.plain.longestTaskMs.toFixed(0)} ms`,
);
console.log(JSON.stringify(summary));

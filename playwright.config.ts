import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './e2e/chromium';
import { E2E_DATA, E2E_PORT as port } from './e2e/env';

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts/,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: CHROMIUM_LAUNCH,
    screenshot: 'only-on-failure',
  },
  // The demo's sample alert rules would fire at random moments of its traffic; the alert specs store their own.
  webServer: {
    command: `NODE_ENV=production PORT=${port} HOST=127.0.0.1 CALLBOARD_DATA=${E2E_DATA} CALLBOARD_SEED=1 CALLBOARD_DEMO_ALERTS=off npx tsx server/index.ts`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});

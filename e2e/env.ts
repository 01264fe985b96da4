/** Where the e2e server keeps its data; the tests write wallboard tokens there. Shared by playwright.config.ts and the specs. */
import os from 'node:os';
import path from 'node:path';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA = path.join(os.tmpdir(), `callboard-e2e-${E2E_PORT}`);

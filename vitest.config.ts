import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'lib/**/*.test.ts', 'server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core CI machine. Most files wait on real TCP,
    // sockets and timers rather than compute, so two workers finish the suite in 150 s instead of 257 s.
    maxWorkers: 2,
    // Each file in a fresh module graph cost 113 s of imports (of 153 s) and twice the CPU, which the build beside
    // the tests then lacked. The files share no module state that matters: every server, PBX and store is made per
    // test, and the suite passes the same either way.
    isolate: false,
  },
});

import { defineConfig } from 'vitest/config';

// Browser tests: Node drives Debian's chromium through playwright-core against the built
// ui/dist, served by a tiny static server inside the test process (tests/browser/server.ts).
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

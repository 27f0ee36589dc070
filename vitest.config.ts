import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code; cross-cutting suites live in test/.
// Browser tests (test/browser) need a running server and Chromium: .ci/run runs them, `npm test` does not.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

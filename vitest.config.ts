import { availableParallelism } from 'node:os';
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
    // Measured on the 2-core CI machine (bench/RESULTS.md "The test run"): vitest's default of one worker per core
    // less one left a core idle while files waited on PostgreSQL (6.7 min); two workers took 4.3 min. Not isolating
    // each file in a fresh module graph saves loading the FHIR definitions and the server once per file: 2.4 min.
    // No test may rely on a module's state being fresh: the suite passes with its files shuffled
    // (`npx vitest run --sequence.shuffle.files`), which is how to check a new test that keeps state.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    isolate: false,
  },
});

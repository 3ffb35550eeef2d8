import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PostgreSQL-backed suites each use their own schema, so files may run in parallel.
    pool: 'forks',
    // Vitest's default is one fewer worker than cores: one at a time on these 2-core machines, where most
    // files wait on PostgreSQL, a spawned server or Chromium rather than on the CPU. Two at a time cut
    // the suite's tests from 588 s (one file at a time, 85 files) to what README's "Tests" section gives.
    maxWorkers: 2,
    // bin/foedus.js, spawned by the CLI and browser tests, runs the sources as they are, not a build that may be older.
    env: { FOEDUS_FROM_SOURCE: '1' },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PostgreSQL-backed suites each use their own schema, so files may run in parallel.
    pool: 'forks',
    // bin/foedus.js, spawned by the CLI and browser tests, runs the sources as they are, not a build that may be older.
    env: { FOEDUS_FROM_SOURCE: '1' },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ (the compiled CLI the CLI tests spawn) when a source is newer than it, and
    // starts one real PostgreSQL server for the run (the store contract runs on it and on SQLite).
    globalSetup: ['test/global-setup.ts', 'test/setup/postgres.ts'],
  },
});

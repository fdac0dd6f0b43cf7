import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The native Temporal worker crashes under worker threads; every file gets its own process.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    exclude: ['test/ui/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        // The pure core: no stack, no server, no running worker. `npm test` runs it first and stops if it fails.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Forks, as fast here as threads (measured), and safe for the files that load the native Temporal worker.
          pool: 'forks',
          // One module cache per fork instead of per file halves the run (zod, the Temporal client and the catalogue
          // load once); unit files keep no global state, mock nothing and stub no environment, so nothing leaks.
          isolate: false,
        },
      },
      {
        // A project's globalSetup runs only when the project has files to run, so a unit-only run starts no stack.
        test: {
          name: 'stack',
          // The native Temporal worker crashes under worker threads; every file gets its own process.
          pool: 'forks',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/ui/**', 'node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          teardownTimeout: 60_000,
        },
      },
    ],
  },
});

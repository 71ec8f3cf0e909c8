import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  build: {
    // jsPDF and the font are loaded lazily; the officer app's initial bundle is measured in CI.
    chunkSizeWarningLimit: 1024,
    // The plugin-timing report is noise on shared machines; builds are measured in `npm run bench`.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          // Two files at a time with the integration suite (same group, so the same limit).
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Two files at a time even on two cores: much of a file's time is spent waiting on its
          // server processes and PostgreSQL. Unit + integration measured 240 s against 308 s
          // one file at a time (each test 1.5x slower, none near its timeout). Browser and fault
          // files still run alone, after these.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ['tests/support/global-setup.ts'],
          // One Chromium at a time: two cores are shared with the server under test.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Fault injection on real servers: kill -9, cut sockets, replays, walls, load.
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 180_000,
          globalSetup: ['tests/support/global-setup.ts'],
          // Servers are killed and loaded: one file at a time on two cores, after every other
          // suite (its load figures mean something only on an otherwise quiet machine).
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // `npm run bench` only: figures are printed and saved, never asserted.
          name: 'bench',
          include: ['bench/**/*.bench.ts'],
          environment: 'node',
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

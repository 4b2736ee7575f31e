import { defineConfig } from 'vitest/config';

const capturing = process.env.CW_CAPTURE_SCREENS === '1' || process.env.CW_CAPTURE_CLI === '1';

export default defineConfig({
  test: {
    environment: 'node',
    // End-to-end tests start real processes; each file gets its own fork so a crash stays local.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC', NO_COLOR: '1', COLUMNS: '100' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Logic, parsers, SQLite in temp files, servers on 127.0.0.1: nothing to install, no build.
          include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // The built CLI, the real Claude Code against a mock API, tmux, Chromium and Prometheus.
          // Recording fixtures from the real CLI rewrites them: only on request (npm run capture:screens, capture:cli).
          include: ['test/e2e/**/*.test.ts', ...(capturing ? ['test/fixtures/**/*.test.ts'] : [])],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Recording fixtures from the real CLI rewrites them: only on request (npm run capture:screens, capture:cli).
    exclude: [...configDefaults.exclude, ...(process.env.CW_CAPTURE_SCREENS === '1' || process.env.CW_CAPTURE_CLI === '1' ? [] : ['test/fixtures/**'])],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    // End-to-end tests start real processes; each file gets its own fork so a crash stays local.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC', NO_COLOR: '1', COLUMNS: '100' },
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the fuzzing, auth matrix, fault and log-scan suite, each file
 * against a service process of its own (test/reliability/). CI runs it after the unit suite.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});

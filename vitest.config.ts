import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own command (npm run test:reliability).
    exclude: ['test/reliability/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file has its own database cloned from the migrated template, so files run in parallel.
    pool: 'forks',
  },
});

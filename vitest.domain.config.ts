import { defineConfig } from 'vitest/config';

// The pure domain's tests: no database, no global set-up. `npm run test:mutation` runs these
// against each mutant of src/domain (stryker.config.json); `npm test` runs them with the rest.
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

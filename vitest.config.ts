import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry; a few files at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    projects: [
      // include/exclude live in the project: with extends, a root-level exclude would also hide the e2e tests.
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'node_modules/**'] },
      },
      // Real server + demo clinic + Debian's Chromium (test/e2e/globalSetup.ts).
      'test/e2e/vitest.config.ts',
    ],
  },
});

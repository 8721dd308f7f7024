/**
 * The end-to-end project: real `medassist serve` + demo clinic (globalSetup.ts) driven in Debian's Chromium.
 * Used by the root vitest.config.ts as a project, or alone: `npx vitest run --config test/e2e/vitest.config.ts`.
 */
import path from 'node:path';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    root: path.resolve(import.meta.dirname, '../..'),
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/globalSetup.ts'],
    // One Chromium at a time next to the server process: the machine has 2 cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

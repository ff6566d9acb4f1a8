import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // First: stop the run with one message when ../shared (model, seed articles, datasets) is missing;
    // then compile src/ to dist/ when stale: the command line and `npm start` run compiled, as users do.
    globalSetup: ['tests/global-setup.ts', 'tests/support/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native addons (hnswlib, better-sqlite3, onnxruntime) are safer in forked processes.
    pool: 'forks',
  },
});

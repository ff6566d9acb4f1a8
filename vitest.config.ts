import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Compiles src/ to dist/ when stale: the command line and `npm start` run compiled, as users do.
    globalSetup: ['tests/support/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native addons (hnswlib, better-sqlite3, onnxruntime) are safer in forked processes.
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Stops the run with one message when ../shared (model, seed articles, datasets) is missing.
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native addons (hnswlib, better-sqlite3, onnxruntime) are safer in forked processes.
    pool: 'forks',
  },
});

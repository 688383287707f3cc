import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The numeric engine is single-threaded wasm; two forks match the 2-core CI machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // One macrotask after each test: see the file for why (vitest-dev/vitest#6479).
    setupFiles: ['test/setup/yield-between-tests.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

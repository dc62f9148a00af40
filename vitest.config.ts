import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // A condition polled for is waited on generously: on a busy 2-core machine a page or a hub may
    // take seconds to show it, and a poll that is met returns at once however long it may wait.
    expect: { poll: { timeout: 30_000 } },
  },
});

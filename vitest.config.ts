import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous bounds: they cost nothing when a test passes, and on a busy 2-core machine a case
    // that starts a hub or two (a restart, its own logger) takes a minute where an idle one takes
    // ten seconds. What a test promises about time it checks itself, on its own clock.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // A condition polled for is waited on generously: on a busy 2-core machine a page or a hub may
    // take seconds to show it, and a poll that is met returns at once however long it may wait.
    expect: { poll: { timeout: 30_000 } },
  },
});

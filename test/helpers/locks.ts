/**
 * Holding a table for real: an exclusive lock taken in an open transaction, so whatever the hub
 * writes to that table waits until the lock is released.
 */
import type { TestHub } from './hub.ts';

/** Locks `table` in access exclusive mode until `release` is called. */
export async function holdTable(t: TestHub, table: string): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = t.hub.db.transaction(async (tx) => {
    await tx.query(`lock table ${table} in access exclusive mode`);
    locked();
    await released;
  });
  await isLocked;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}

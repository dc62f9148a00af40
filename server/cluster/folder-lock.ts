/**
 * One hub process per data folder. The folder holds what only one process may write: PGlite's
 * records (a PostgreSQL data directory without a postmaster to guard it), the broker's sessions
 * (`broker.sqlite`), the embedded telemetry store and the spool. A second process started on the
 * same folder would corrupt them silently, so it is refused at start, naming the holder.
 *
 * The lock is a file, `hub.lock`, created exclusively, holding the holder's host and pid. A lock
 * whose holder is gone (killed, the machine restarted) is taken over: on the same host, a pid that
 * no longer runs, or this very pid (a container restarted under the same pid) unless a hub of this
 * process holds the folder, is no holder.
 * Another host's lock on a shared folder is never second-guessed.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'hub.lock';

/** Folders held by hubs of this process (a test may run several): never taken as stale. */
const heldHere = new Set<string>();

interface Holder {
  host: string;
  pid: number;
  startedAt: string;
}

/** A start the hub refuses for what else runs: said in its own words, without a stack. */
export class StartRefused extends Error {}

/** Thrown when another live process holds the folder. */
export class FolderInUse extends StartRefused {}

/** Whether process `pid` of this host runs. */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(file: string): Promise<Holder | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Holder>;
    if (typeof parsed.host !== 'string' || typeof parsed.pid !== 'number') return null;
    return { host: parsed.host, pid: parsed.pid, startedAt: String(parsed.startedAt ?? '') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    // A lock cut short (the machine lost power while writing it) holds nobody.
    return null;
  }
}

export interface FolderLock {
  release(): Promise<void>;
}

/** Takes `folder` for this process, or throws FolderInUse naming the process that has it. */
export async function lockDataFolder(folder: string): Promise<FolderLock> {
  const file = path.join(folder, LOCK_FILE);
  const key = path.resolve(folder);
  if (heldHere.has(key)) {
    throw new FolderInUse(
      `the data folder ${folder} is in use by another hub of this process: one hub per folder`,
    );
  }
  const me: Holder = { host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      heldHere.add(key);
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          const holder = await holderOf(file).catch(() => null);
          if (holder?.pid === me.pid && holder.host === me.host) await unlink(file).catch(() => {});
          heldHere.delete(key);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: Holder | null;
    try {
      holder = await holderOf(file);
    } catch {
      continue; // released meanwhile: try again
    }
    const gone =
      holder === null || (holder.host === me.host && (holder.pid === me.pid || !running(holder.pid)));
    if (!gone) {
      throw new FolderInUse(
        `the data folder ${folder} is in use by another hub process (host ${holder?.host}, pid ${holder?.pid}, ` +
          `since ${holder?.startedAt}): one process per folder. Stop that one, or give this one its own HUB_DATA_DIR.`,
      );
    }
    await unlink(file).catch(() => {});
  }
  throw new FolderInUse(`the data folder ${folder} is being taken by another hub process at the same time`);
}

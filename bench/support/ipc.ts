/**
 * One command to a child process and its one reply, over IPC: the way the bench talks to its hub,
 * load and dashboard processes. Rejects when the child exits first.
 */
import type { ChildProcess } from 'node:child_process';

export function request<T>(child: ChildProcess, command: object, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what} exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
    child.send(command);
  });
}

/** Asks the child to end with `command`, and kills it when it has not within `graceMs`. */
export async function end(child: ChildProcess, command: object, graceMs: number): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send(command);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs `open(0..count-1)` started at `perSecond`, at most `concurrency` unfinished at once (a
 * connection waiting for its acceptance); resolves with the failures.
 */
export async function paced(
  count: number,
  perSecond: number,
  open: (index: number) => Promise<unknown>,
  concurrency = 200,
): Promise<{ failed: number; firstError?: string }> {
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const wait = started + (index / perSecond) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        await open(index);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { failed, ...(firstError ? { firstError } : {}) };
}

/**
 * Temporary resources for tests: folders under the OS temp folder, free loopback ports, and server
 * processes that live as long as a suite.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'junxiu-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Linux hands out source ports of outgoing connections from 32768–60999; ours stay below. */
const PORTS_FROM = 20_000;
const PORTS_TO = 32_700;
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port on 127.0.0.1 that was free a moment ago, for a server a test starts (or starts again
 * after killing it). It is taken below the range the OS uses for the source ports of outgoing
 * connections, so a busy machine's own connections cannot take it in the meantime; random within
 * the range, and never the same twice in one process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${PORTS_FROM} and ${PORTS_TO}`);
}

/**
 * The path of a server binary when installed, else null so that its suite can skip. Under
 * `CI=true` a missing binary throws instead: in CI every real-server suite must run.
 */
export function serverBinary(path: string, what: string): string | null {
  if (existsSync(path)) return path;
  if (process.env.CI === 'true') {
    throw new Error(`${what} is required under CI=true but ${path} is missing`);
  }
  return null;
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `message`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  { timeoutMs = 10_000, intervalMs = 50, message = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface ServerProcess {
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  kill(): Promise<void>;
}

/**
 * Starts a server binary, then waits until `ready()` holds. Its output is kept (the last 4 KiB) to
 * explain a failed start; an early exit fails at once.
 */
export async function startServerProcess(
  binary: string,
  args: string[],
  ready: () => Promise<boolean>,
  timeoutMs = 20_000,
  env?: Record<string, string>,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const kill = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error('exited');
        return ready();
      },
      { timeoutMs, intervalMs: 100, message: `${binary} to answer` },
    ).catch((error: Error) => {
      throw new Error(`${binary} did not start (${exited ? 'it exited' : error.message}):\n${output}`);
    });
  } catch (error) {
    await kill();
    throw error;
  }
  return { kill };
}

/** True when `url` answers with a status below 300. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status < 300;
  } catch {
    return false;
  }
}

/** True when a TCP connection to `port` on loopback is accepted. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The parent's handle on a hub in its own process (hub-process.ts): started with the bench's
 * settings and the case's, asked for its memory and event-loop delay, stopped, its data removed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUB_NODE_FLAGS } from '../../server/node-flags.ts';
import { benchEnv } from './hub.ts';
import type { HubProcessCommand, HubProcessMessage } from './hub-process.ts';
import { end, request } from './ipc.ts';

const hubPath = fileURLToPath(new URL('./hub-process.ts', import.meta.url));

export type HubStats = Extract<HubProcessMessage, { type: 'stats' }>;
export type HubReady = Extract<HubProcessMessage, { type: 'ready' }>;

export class HubChild {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly ready: HubReady,
  ) {}

  /**
   * Forks the hub with `env` over the bench's settings; resolves once it listens. `flags` follow
   * the hub's own V8 flags, and a later flag wins (`--max-semi-space-size=16`, to try another).
   */
  static async start(env: Record<string, string>, flags: readonly string[] = []): Promise<HubChild> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'junxiu-bench-'));
    const child = fork(hubPath, [], {
      execArgv: [...HUB_NODE_FLAGS, ...flags, '--import', 'tsx'],
      stdio: 'inherit',
      env: { ...process.env, ...benchEnv(dataDir, env) },
    });
    try {
      const ready = await new Promise<HubReady>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`hub process exited (${code})`)));
        child.once('message', (message) => resolve(message as HubReady));
      });
      return new HubChild(child, dataDir, ready);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  private ask<T extends HubProcessMessage>(command: HubProcessCommand): Promise<T> {
    return request<T>(this.child, command, 'hub process');
  }

  stats(): Promise<HubStats> {
    return this.ask<HubStats>({ cmd: 'stats' });
  }

  /** Starts a new event-loop delay window. */
  async reset(): Promise<void> {
    await this.ask({ cmd: 'reset' });
  }

  /** When each device's last alert opened in the hub (epoch ms): handed to every dashboard's socket. */
  async openedAt(): Promise<Record<string, number>> {
    return (await this.ask<Extract<HubProcessMessage, { type: 'opened' }>>({ cmd: 'opened' })).at;
  }

  /** Starts a CPU profile of the hub, a sample every `intervalUs` microseconds. */
  async profileStart(intervalUs = 500): Promise<void> {
    await this.ask({ cmd: 'profile-start', intervalUs });
  }

  /** Ends the profile and writes it to `file`. */
  async profileStop(file: string): Promise<void> {
    await this.ask({ cmd: 'profile-stop', file });
  }

  async stop(): Promise<void> {
    await end(this.child, { cmd: 'stop' } satisfies HubProcessCommand, 15_000);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** A gauge or counter without labels, from the text of /metrics. */
export function gauge(metrics: string, name: string): number {
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
}

/** The open-files limit of this process (and of the processes it forks), from Linux's /proc. */
export async function openFilesLimit(): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const limits = await readFile('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

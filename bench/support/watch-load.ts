/**
 * The parent's handle on a process of simulated watches (watch-worker.ts): one command at a time,
 * each answered by one reply.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import { end, request } from './ipc.ts';
import type { WatchLoadCommand, WatchLoadReply } from './watch-worker.ts';

const workerPath = fileURLToPath(new URL('./watch-worker.ts', import.meta.url));

export class WatchLoad {
  private constructor(private readonly child: ChildProcess) {}

  static start(): WatchLoad {
    return new WatchLoad(fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  }

  private request<T extends WatchLoadReply>(command: WatchLoadCommand): Promise<T> {
    return request<T>(this.child, command, 'watch load process');
  }

  /** Connects and logs in the devices at `perSecond`; fails when any could not log in. */
  async connect(
    host: string,
    ports: Record<WatchProtocolName, number>,
    devices: { id: string; protocol: WatchProtocolName }[],
    perSecond: number,
    linkIntervalMs: number,
  ): Promise<void> {
    const result = await this.request<Extract<WatchLoadReply, { type: 'connected' }>>({
      cmd: 'connect',
      host,
      ports,
      devices,
      perSecond,
      linkIntervalMs,
    });
    if (result.failed > 0) {
      throw new Error(`${result.failed} of ${devices.length} watches not logged in: ${result.firstError}`);
    }
  }

  sos(ids: string[], spacingMs: number): Promise<Extract<WatchLoadReply, { type: 'sos' }>> {
    return this.request({ cmd: 'sos', ids, spacingMs });
  }

  stats(): Promise<Extract<WatchLoadReply, { type: 'stats' }>> {
    return this.request({ cmd: 'stats' });
  }

  end(): Promise<void> {
    return end(this.child, { cmd: 'end' } satisfies WatchLoadCommand, 10_000);
  }
}

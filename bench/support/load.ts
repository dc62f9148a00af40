/**
 * The parent's handle on a load-generator process (load-worker.ts): one command at a time, each
 * answered by one reply.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { end, request } from './ipc.ts';
import type { LoadCommand, LoadReply } from './load-worker.ts';
import type { DeviceCredentials } from './raw-device.ts';

const workerPath = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export type DoneReply = Extract<LoadReply, { type: 'done' }>;

export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    const child = fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    return new LoadGenerator(child);
  }

  private request<T extends LoadReply>(command: LoadCommand): Promise<T> {
    return request<T>(this.child, command, 'load generator');
  }

  /** Connects the devices at `perSecond`; fails when any was refused. */
  async connect(port: number, devices: DeviceCredentials[], perSecond = 1000): Promise<void> {
    const result = await this.request<Extract<LoadReply, { type: 'connected' }>>({
      cmd: 'connect',
      port,
      devices,
      perSecond,
    });
    if (result.failed > 0) {
      throw new Error(`${result.failed} of ${devices.length} devices not connected: ${result.firstError}`);
    }
  }

  open(rate: number, durationMs: number, qos: 0 | 1): Promise<DoneReply> {
    return this.request({ cmd: 'open', rate, durationMs, qos });
  }

  closed(durationMs: number, window: number): Promise<DoneReply> {
    return this.request({ cmd: 'closed', durationMs, window });
  }

  periodic(intervalMs: number): void {
    this.child.send({ cmd: 'periodic', intervalMs } satisfies LoadCommand);
  }

  stopPeriodic(): Promise<DoneReply> {
    return this.request({ cmd: 'stopPeriodic' });
  }

  end(): Promise<void> {
    return end(this.child, { cmd: 'end' } satisfies LoadCommand, 5000);
  }
}

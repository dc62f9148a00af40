/**
 * The parent's handle on a load-generator process (load-worker.ts): one command at a time, each
 * answered by one reply.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (message) => {
        this.child.off('exit', onExit);
        resolve(message as T);
      });
      this.child.send(command);
    });
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

  async end(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'end' } satisfies LoadCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

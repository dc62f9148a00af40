/**
 * The dashboards, as one or more processes of socket.io clients (dashboard-worker.ts), the clients
 * shared out between them. Each process parses every message each of its clients receives, one
 * client after another: with thousands of devices a `readings` batch is a large message, and one
 * process parsing it for 50 clients stands still long enough to delay an alert it receives
 * meanwhile, which 50 browsers on 50 machines do not. Several processes share that work.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WatchRequest } from '../../server/schemas/live.ts';
import type { AlertArrivals, DashboardCommand } from './dashboard-worker.ts';
import { request } from './ipc.ts';

const workerPath = fileURLToPath(new URL('./dashboard-worker.ts', import.meta.url));

export class Dashboards {
  private constructor(private readonly children: ChildProcess[]) {}

  static start(processes: number): Dashboards {
    const count = Math.max(1, Math.floor(processes));
    return new Dashboards(
      Array.from({ length: count }, () =>
        fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
      ),
    );
  }

  get processes(): number {
    return this.children.length;
  }

  private ask<T>(child: ChildProcess, command: DashboardCommand): Promise<T> {
    return request<T>(child, command, 'dashboard clients');
  }

  /**
   * Opens `clients` dashboards, shared out as evenly as can be; resolves with how many connected.
   * `screens`: what the dashboards show, in turn (client n watches `screens[n % length]`).
   * `skimReadings`: the clients count the `readings` batches without parsing them.
   */
  async connect(
    url: string,
    token: string,
    clients: number,
    options: { screens?: WatchRequest[]; skimReadings?: boolean } = {},
  ): Promise<number> {
    const each = Math.floor(clients / this.children.length);
    const extra = clients % this.children.length;
    const counts = this.children.map((_, index) => each + (index < extra ? 1 : 0));
    const replies = await Promise.all(
      this.children.map((child, index) =>
        this.ask<{ connected: number }>(child, {
          cmd: 'connect',
          url,
          token,
          clients: counts[index] ?? 0,
          skimReadings: options.skimReadings ?? false,
          screens: options.screens ?? [],
          first: counts.slice(0, index).reduce((sum, count) => sum + count, 0),
        }),
      ),
    );
    return replies.reduce((sum, reply) => sum + reply.connected, 0);
  }

  /** Every process starts measuring its own event-loop delay and collections afresh. */
  async measure(): Promise<void> {
    await Promise.all(this.children.map((child) => this.ask(child, { cmd: 'measure' })));
  }

  /**
   * Every process's arrivals put together; the loop delay and the longest collection are the worst
   * of any process, since an alert is late wherever one of its clients is.
   */
  async report(): Promise<AlertArrivals> {
    const reports = await Promise.all(
      this.children.map((child) => this.ask<AlertArrivals>(child, { cmd: 'report' })),
    );
    const merged: AlertArrivals = {
      arrivals: {},
      readings: 0,
      readingBatches: 0,
      readingChars: 0,
      connected: 0,
      disconnects: 0,
      loop: { p99: 0, max: 0 },
      gc: { longestMs: 0, major: false },
    };
    for (const report of reports) {
      for (const [id, times] of Object.entries(report.arrivals)) {
        const list = merged.arrivals[id];
        if (list) list.push(...times);
        else merged.arrivals[id] = [...times];
      }
      merged.readings += report.readings;
      merged.readingBatches += report.readingBatches;
      merged.readingChars += report.readingChars;
      merged.connected += report.connected;
      merged.disconnects += report.disconnects;
      merged.loop.p99 = Math.max(merged.loop.p99, report.loop.p99);
      merged.loop.max = Math.max(merged.loop.max, report.loop.max);
      if (report.gc.longestMs > merged.gc.longestMs) merged.gc = report.gc;
    }
    return merged;
  }

  end(): void {
    for (const child of this.children) child.kill();
  }
}

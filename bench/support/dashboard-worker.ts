/**
 * Dashboards in their own process: N socket.io clients signed in as staff, as the dashboard opens
 * them (websocket transport, bearer token in the handshake). Each `alert` that opens is stamped on
 * arrival (epoch ms, sub-millisecond) per client; the parent asks for the stamps when it is done.
 */
import {
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

export type DashboardCommand =
  | { cmd: 'connect'; url: string; token: string; clients: number }
  | { cmd: 'report' }
  /** Starts measuring this process's own event-loop delay afresh (for the hold). */
  | { cmd: 'measure' };

export interface AlertArrivals {
  /** device id → arrival times (epoch ms), one per client that received the alert opening. */
  arrivals: Record<string, number[]>;
  readings: number;
  connected: number;
  disconnects: number;
  /**
   * This process's own event-loop delay since `measure` (ms): an alert reaches a client only once
   * the process has handled what came before it, so a long delay here lengthens the arrivals.
   */
  loop: { p99: number; max: number };
  /** This process's longest garbage collection since `measure` (ms), and whether it was a major one. */
  gc: { longestMs: number; major: boolean };
}

const sockets: Socket[] = [];
const arrivals: Record<string, number[]> = {};
let readings = 0;
let disconnects = 0;
const epochNow = () => performance.timeOrigin + performance.now();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let gc = { longestMs: 0, major: false };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.duration <= gc.longestMs) continue;
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    gc = { longestMs: entry.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR };
  }
}).observe({ entryTypes: ['gc'] });

async function connect(command: Extract<DashboardCommand, { cmd: 'connect' }>): Promise<void> {
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(command.url, {
        auth: { token: command.token },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('alert', ({ change, alert }: { change: string; alert: { deviceId: string } }) => {
        if (change !== 'opened') return;
        const at = epochNow();
        const list = arrivals[alert.deviceId] ?? [];
        list.push(at);
        arrivals[alert.deviceId] = list;
      });
      // Readings come in batches, the latest of each device about once a second.
      socket.on('readings', (batch: unknown[]) => {
        readings += batch.length;
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
      socket.on('disconnect', () => {
        disconnects += 1;
      });
    });
  for (let index = 0; index < command.clients; index += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, command.clients - index) }, () => open()),
    );
    sockets.push(...batch);
  }
  process.send?.({ connected: sockets.length });
}

process.on('message', (message: DashboardCommand) => {
  if (message.cmd === 'connect') {
    connect(message).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  } else if (message.cmd === 'measure') {
    delay.reset();
    gc = { longestMs: 0, major: false };
    process.send?.({ measuring: true });
  } else if (message.cmd === 'report') {
    const report: AlertArrivals = {
      arrivals,
      readings,
      connected: sockets.filter((socket) => socket.connected).length,
      disconnects,
      loop: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      gc,
    };
    process.send?.(report);
  }
});
process.on('disconnect', () => process.exit(0));

/**
 * Dashboards in their own process: N socket.io clients signed in as staff, as the dashboard opens
 * them (websocket transport, bearer token in the handshake). Each `alert` that opens is stamped on
 * arrival (epoch ms, sub-millisecond) per client; the parent asks for the stamps when it is done.
 *
 * Each client then says what is on its screen (`watch`), as the dashboard does: client n of all the
 * processes watches `screens[n % screens.length]`, and receives those readings alone.
 *
 * With `skimReadings`, a client reads a `readings` batch's event name and size and does not parse
 * the rest: the clients stand in for browsers on machines of their own, and parsing every batch
 * once per client on the hub's own cores makes this process the slowest part of what is measured.
 */
import {
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Decoder, Encoder } from 'socket.io-parser';
import type { WatchAnswer, WatchRequest } from '../../server/schemas/live.ts';

export type DashboardCommand =
  | {
      cmd: 'connect';
      url: string;
      token: string;
      clients: number;
      skimReadings?: boolean;
      /** What the clients' screens show, shared out in turn; none: they watch nothing. */
      screens?: WatchRequest[];
      /** This process's first client's number among all the processes' clients. */
      first?: number;
    }
  | { cmd: 'report' }
  /** Starts measuring this process's own event-loop delay afresh (for the hold). */
  | { cmd: 'measure' };

export interface AlertArrivals {
  /** device id → arrival times (epoch ms), one per client that received the alert opening. */
  arrivals: Record<string, number[]>;
  /** Device readings received, over every client (0 when they were skimmed). */
  readings: number;
  /** `readings` batches received over every client, and their characters. */
  readingBatches: number;
  readingChars: number;
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
let readingBatches = 0;
let readingChars = 0;
/** A `readings` event as the server encodes it: an EVENT packet (`2`) of the default namespace. */
const READINGS_PACKET = `2${JSON.stringify(['readings'])}`.slice(0, -1);

/** socket.io's decoder, but a `readings` batch is counted and not parsed. */
class SkimmingDecoder extends Decoder {
  override add(chunk: unknown): void {
    if (typeof chunk === 'string' && chunk.startsWith(READINGS_PACKET)) {
      readingBatches += 1;
      readingChars += chunk.length;
      return;
    }
    super.add(chunk);
  }
}
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
        ...(command.skimReadings ? { parser: { Encoder, Decoder: SkimmingDecoder } } : {}),
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
        readingBatches += 1;
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
      socket.on('disconnect', () => {
        disconnects += 1;
      });
    });
  const screens = command.screens ?? [];
  const watch = async (socket: Socket, number: number): Promise<void> => {
    const screen = screens[number % screens.length];
    if (!screen) return;
    const answer = (await socket.emitWithAck('watch', screen)) as WatchAnswer;
    if (!answer.ok) throw new Error(`watch refused: ${answer.error}`);
  };
  for (let index = 0; index < command.clients; index += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, command.clients - index) }, async (_, offset) => {
        const socket = await open();
        await watch(socket, (command.first ?? 0) + index + offset);
        return socket;
      }),
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
      readingBatches,
      readingChars,
      connected: sockets.filter((socket) => socket.connected).length,
      disconnects,
      loop: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      gc,
    };
    process.send?.(report);
  }
});
process.on('disconnect', () => process.exit(0));

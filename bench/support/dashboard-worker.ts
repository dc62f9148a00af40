/**
 * Dashboards in their own process: N socket.io clients signed in as staff, as the dashboard opens
 * them (websocket transport, bearer token in the handshake). Each `alert` that opens is stamped on
 * arrival (epoch ms, sub-millisecond) per client; the parent asks for the stamps when it is done.
 */
import { io, type Socket } from 'socket.io-client';

export type DashboardCommand =
  | { cmd: 'connect'; url: string; token: string; clients: number }
  | { cmd: 'report' };

export interface AlertArrivals {
  /** device id → arrival times (epoch ms), one per client that received the alert opening. */
  arrivals: Record<string, number[]>;
  readings: number;
  connected: number;
  disconnects: number;
}

const sockets: Socket[] = [];
const arrivals: Record<string, number[]> = {};
let readings = 0;
let disconnects = 0;
const epochNow = () => performance.timeOrigin + performance.now();

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
  } else if (message.cmd === 'report') {
    const report: AlertArrivals = {
      arrivals,
      readings,
      connected: sockets.filter((socket) => socket.connected).length,
      disconnects,
    };
    process.send?.(report);
  }
});
process.on('disconnect', () => process.exit(0));

/** The hub's live channel (socket.io) as the dashboard and the family page open it. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, WatchAnswer } from '../../server/schemas/index.ts';

export type Live = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Asks for these retirees' and devices' readings, as a dashboard showing them does; the hub's answer. */
export function watchLive(
  socket: Live,
  watch: { retirees?: string[]; devices?: string[] },
): Promise<WatchAnswer> {
  return socket.emitWithAck('watch', { retirees: watch.retirees ?? [], devices: watch.devices ?? [] });
}

/**
 * A socket on the live channel over WebSocket, not reconnecting, signed in with `token` (none: an
 * anonymous one) and sent from the page `origin` when given. Resolves once connected; a refused
 * socket is closed and the promise rejects with the refusal.
 */
export function connectLive(url: string, token?: string, origin?: string): Promise<Live> {
  const socket: Live = io(url, {
    ...(token !== undefined ? { auth: { token } } : {}),
    transports: ['websocket'],
    reconnection: false,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * Frames of the "3G" watch protocol as the makers document them, for the tests that play a watch
 * over TCP: `[3G*<id>*<LEN>*<content>]`, and a `UD` position report with or without a fix.
 */
import net from 'node:net';

export function threeGFrame(watchId: string, content: string): string {
  return `[3G*${watchId}*${content.length.toString(16).toUpperCase().padStart(4, '0')}*${content}]`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * A `UD` report at `at` (UTC): a fix (`A`, northern and eastern degrees) or none (`V`, zeros),
 * then `network`, the towers and access points heard as the watch lists them (`0,0` for none).
 */
export function udFrame(
  watchId: string,
  at: Date,
  fix: { lat: number; lon: number } | null,
  network = '0,0',
): string {
  const day = `${pad(at.getUTCDate())}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCFullYear() % 100)}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const place = fix ? `A,${fix.lat.toFixed(6)},N,${fix.lon.toFixed(6)},E` : 'V,0.000000,N,0.000000,E';
  return threeGFrame(watchId, `UD,${day},${time},${place},0,0,0,0,80,70,1000,50,00000000,${network}`);
}

/**
 * Sends `frames` on a connection of their own, then a link (`LK`), and resolves once the hub
 * answered: it answers in order, so everything sent before was taken in.
 */
export async function sendThreeG(port: number, watchId: string, ...frames: string[]): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  for (const frame of frames) socket.write(frame);
  socket.write(threeGFrame(watchId, 'LK'));
  await answered;
  socket.destroy();
}

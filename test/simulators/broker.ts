/**
 * A bare aedes broker on a loopback port the OS picks, standing in for the hub's broker where the
 * simulators are tested on their own: a client subscribed as the hub would be reads what they send.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface BareBroker {
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export async function startBareBroker(options: AedesOptions = {}): Promise<BareBroker> {
  const broker = await Aedes.createBroker(options);
  const server = createServer(broker.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts a listener: resolves once it is bound, rejects with the error that kept it from binding (a port in use). */
import type net from 'node:net';

export function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

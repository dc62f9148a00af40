/** Ports for the listeners a simulated setup starts (the demo's hub, the fuzzer's). */
import net from 'node:net';

/** A port free on loopback now, for a listener opened a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

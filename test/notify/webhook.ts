/**
 * A real webhook receiver for tests (node:http on 127.0.0.1, port 0). It checks the signature the
 * way a gateway would: HMAC-SHA256 of the raw body with the shared secret, compared in constant
 * time, and answers each request with the next status of its script (then 200).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  at: number;
  body: string;
  json: unknown;
  signature: string | undefined;
  timestamp: string | undefined;
  /** X-Junxiu-Delivery: the delivery's id, the same on each of its attempts. */
  delivery: string | undefined;
  signatureValid: boolean;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  hooks: ReceivedHook[];
  stop(): Promise<void>;
}

export function verify(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body, 'utf8').digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(secret: string, script: number[] = []): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = [];
  const answers = [...script];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers['x-junxiu-signature'] as string | undefined;
      const answered = answers.shift() ?? 200;
      hooks.push({
        at: Date.now(),
        body,
        json: JSON.parse(body),
        signature,
        timestamp: request.headers['x-junxiu-timestamp'] as string | undefined,
        delivery: request.headers['x-junxiu-delivery'] as string | undefined,
        signatureValid: verify(secret, body, signature),
        answered,
      });
      response.writeHead(answered, { 'content-type': 'text/plain' });
      response.end(answered === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

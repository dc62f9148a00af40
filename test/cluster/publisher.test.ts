/**
 * socket.io's Redis adapter publishes without waiting on the answer: the client the hub gives it
 * drops a refused publish (Redis away, or its connection closing at shutdown) instead of leaving a
 * rejection nobody handles, which would end the process. Everything else passes through.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { publisher } from '../../server/live/channel.ts';
import { freePort } from '../helpers/tmp.ts';

describe('the live channel’s Redis publisher', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('answers 0 for a publish Redis refuses, and leaves the client as it was', async () => {
    const port = await freePort();
    // Nothing listens there: every command is refused once its retries are spent.
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    client.on('error', () => {});
    clients.push(client);
    await expect(client.publish('junxiu#/', 'direct')).rejects.toThrow();
    const wrapped = publisher(client);
    await expect(wrapped.publish('junxiu#/', 'through the wrapper')).resolves.toBe(0);
    expect(wrapped.status).toBe(client.status);
    expect(wrapped.options.port).toBe(port);
    // After a disconnect, as at shutdown: still no rejection.
    client.disconnect();
    await expect(wrapped.publish('junxiu#/', 'after close')).resolves.toBe(0);
  });
});

/**
 * socket.io's Redis adapter publishes, subscribes and unsubscribes without waiting on the answer: the
 * client the hub gives it drops such a refusal (Redis away, or its connection closing at shutdown)
 * instead of leaving a rejection nobody handles, which would end the process. Everything else passes
 * through.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterClient } from '../../server/live/channel.ts';
import { freePort } from '../helpers/tmp.ts';

describe('the Redis client socket.io’s adapter is given', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('answers 0 for what Redis refuses of the commands the adapter does not wait on', async () => {
    const port = await freePort();
    // Nothing listens there: every command is refused once its retries are spent.
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    client.on('error', () => {});
    clients.push(client);
    await expect(client.publish('junxiu#/', 'direct')).rejects.toThrow();
    const wrapped = adapterClient(client);
    await expect(wrapped.publish('junxiu#/', 'through the wrapper')).resolves.toBe(0);
    expect(wrapped.status).toBe(client.status);
    expect(wrapped.options.port).toBe(port);
    await expect(wrapped.psubscribe('junxiu#/*')).resolves.toBe(0);
    // As at shutdown: the adapter unsubscribes while the client closes, and nothing is rejected.
    const leaving = [wrapped.punsubscribe('junxiu#/*'), wrapped.unsubscribe('junxiu-request#/')];
    client.disconnect();
    await expect(Promise.all(leaving)).resolves.toStrictEqual([0, 0]);
    await expect(wrapped.publish('junxiu#/', 'after close')).resolves.toBe(0);
  });
});

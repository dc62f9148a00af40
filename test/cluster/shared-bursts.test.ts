/**
 * Security bursts counted across instances through a real Redis (server/cluster/redis-bursts.ts):
 * two instances' security monitors, each on its own bus as in its own process, see refused
 * CONNECTs and devices dropping that an external broker shares out between them. A burst spread
 * over both is one alert; without the shared window neither instance would see it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Refusal } from '../../gateway/index.ts';
import { RedisBursts } from '../../server/cluster/redis-bursts.ts';
import { SecurityMonitor } from '../../server/security/monitor.ts';
import type { SecuritySettings } from '../../server/security/settings.ts';
import { eventually } from '../helpers/hub.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';

const redis: RedisServer | null = await startRedis();
afterAll(async () => redis?.stop());

const settings: SecuritySettings = {
  authFailures: { threshold: 4, windowMs: 60_000 },
  disconnects: { threshold: 3, windowMs: 60_000 },
  loginFailures: { threshold: 5, windowMs: 60_000 },
  pollMs: 60_000,
};

interface Instance {
  bus: EventBus;
  monitor: SecurityMonitor;
  client: Redis;
  raised: AlertCandidate[];
  fallbacks: number;
  refuse(at: number, address: string): void;
  drop(at: number, deviceId: string): void;
}

describe.skipIf(redis === null)('security bursts shared by hub instances', () => {
  const clients: Redis[] = [];
  const monitors: SecurityMonitor[] = [];
  let prefix = '';
  let round = 0;

  beforeEach(() => {
    round += 1;
    prefix = `junxiu-hub-test:bursts:${round}`;
  });
  afterAll(async () => {
    await Promise.all(monitors.map((monitor) => monitor.stop()));
    for (const client of clients) client.disconnect();
  });

  function instance(shared: boolean, url = redis?.url ?? ''): Instance {
    const bus = new EventBus();
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => 200 });
    client.on('error', () => {});
    clients.push(client);
    const made: Instance = {
      bus,
      client,
      raised: [],
      fallbacks: 0,
      monitor: new SecurityMonitor({
        bus,
        settings,
        onError: () => {},
        ...(shared
          ? {
              shared: new RedisBursts(client, {
                prefix,
                onError: () => {
                  made.fallbacks += 1;
                },
              }),
            }
          : {}),
      }),
      refuse(at, address) {
        const refusal: Refusal = {
          at,
          reason: 'bad_credentials',
          returnCode: 5,
          address,
          clientId: 'guess',
          deviceId: null,
        };
        bus.emit('device.refused', refusal);
      },
      drop(at, deviceId) {
        bus.emit('device.status', { deviceId, online: false, ts: at, source: 'device' });
      },
    };
    bus.on('alert.candidate', 'test', (candidate) => {
      made.raised.push(candidate);
    });
    made.monitor.start();
    monitors.push(made.monitor);
    return made;
  }

  /**
   * Every signal sent so far judged: a Redis connection answers in order, so once a later command
   * on each instance's connection is answered, the windows' answers have come in, and the
   * verdicts they carry are handled before the next turn of the event loop.
   */
  const settled = async (instances: Instance[]) => {
    await Promise.all(instances.map((one) => one.client.ping()));
    await new Promise((resolve) => setImmediate(resolve));
  };

  it('makes one alert of refused CONNECTs spread over two instances, which neither sees alone', async () => {
    const [one, two] = [instance(true), instance(true)];
    const start = Date.now();
    for (let i = 0; i < 6; i += 1) (i % 2 === 0 ? one : two).refuse(start + i, `198.51.100.${i}`);
    await settled([one, two]);
    expect(await one.client.zcard(`${prefix}:mqtt_auth_failure:window`)).toBe(6);
    const raised = [...one.raised, ...two.raised];
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      kind: 'security',
      detail: { event: 'mqtt_auth_failures', count: 4, threshold: 4 },
    });

    // The same spread without the shared window: each instance sees 3 of a threshold of 4.
    const [alone, other] = [instance(false), instance(false)];
    for (let i = 0; i < 6; i += 1) (i % 2 === 0 ? alone : other).refuse(start + i, `198.51.100.${i}`);
    expect(alone.raised.length + other.raised.length).toBe(0);
  });

  it('counts a disconnect storm by distinct devices across instances, and fires again only after it ebbed', async () => {
    const [one, two] = [instance(true), instance(true)];
    const start = Date.now();
    const raisedCount = () => one.raised.length + two.raised.length;
    const held = () => one.client.zcard(`${prefix}:device_disconnect:window`);
    one.drop(start, 'pendant-1');
    two.drop(start + 1, 'pendant-1');
    two.drop(start + 2, 'pendant-2');
    await settled([one, two]);
    expect(await held()).toBe(2);
    expect(raisedCount()).toBe(0);
    one.drop(start + 3, 'pendant-3');
    await settled([one, two]);
    expect(raisedCount()).toBe(1);
    expect([...one.raised, ...two.raised][0]).toMatchObject({
      detail: { event: 'disconnect_storm', count: 3 },
    });
    two.drop(start + 4, 'pendant-4');
    await settled([one, two]);
    expect(await held()).toBe(4);
    expect(raisedCount()).toBe(1);
    // A minute later the window holds one device: the watch is armed again.
    const later = start + 61_000;
    one.drop(later, 'pendant-5');
    await settled([one, two]);
    expect(await held()).toBe(1);
    two.drop(later + 1, 'pendant-6');
    one.drop(later + 2, 'pendant-7');
    await settled([one, two]);
    expect(raisedCount()).toBe(2);
  });

  it('judges with its own window while Redis does not answer', async () => {
    const one = instance(true, 'redis://127.0.0.1:1');
    const start = Date.now();
    for (let i = 0; i < 4; i += 1) one.refuse(start + i, '203.0.113.9');
    await eventually(() => one.raised.length === 1);
    expect(one.fallbacks).toBe(4);
  });
});

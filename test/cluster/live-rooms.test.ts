/**
 * Two hub instances sharing a real Redis (HUB_REDIS_URL): a dashboard connected to one sees the
 * alerts and readings of devices on the other at once, through socket.io's Redis adapter, and
 * sign-in guesses spread over both are throttled as one. Each instance keeps records of its own
 * here: what is proven is what they share through Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingUpdate, ServerToClientEvents } from '../../server/schemas/index.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive, type Live, watchLive } from '../helpers/live.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';

type AlertEvent = Parameters<ServerToClientEvents['alert']>[0];

const redis: RedisServer | null = await startRedis();
afterAll(async () => redis?.stop());

describe.skipIf(redis === null)('two instances sharing Redis', () => {
  let first: TestHub;
  let second: TestHub;
  let dashboard: Live;

  beforeAll(async () => {
    const env = {
      HUB_REDIS_URL: (redis as RedisServer).url,
      HUB_LIVE_READINGS_MS: '100',
      HUB_LOGIN_FAILURES_PER_IP: '4',
      HUB_LOGIN_FAILURES_PER_ACCOUNT: '100',
    };
    [first, second] = await Promise.all([startTestHub(env), startTestHub(env)]);
    dashboard = await connectLive(second.url, second.token);
  });
  afterAll(async () => {
    dashboard?.close();
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('shows a dashboard on one instance the SOS of a device on the other, and its readings', async () => {
    const retiree = await first.addRetiree();
    const created = await first.addDevice('wearable.watch', retiree.id);
    const device = await first.connectDevice(created);
    try {
      const alerts: AlertEvent[] = [];
      const readings: ReadingUpdate[] = [];
      dashboard.on('alert', (event) => alerts.push(event));
      dashboard.on('readings', (batch) => readings.push(...batch));
      const id = created.device.id;
      // Watched on the second instance; the device speaks to the first.
      expect(await watchLive(dashboard, { retirees: [retiree.id] })).toMatchObject({ ok: true });
      await device.publishAsync(`eldercare/v1/${id}/telemetry`, JSON.stringify({ hr: 72 }), { qos: 1 });
      await device.publishAsync(
        `eldercare/v1/${id}/event`,
        JSON.stringify({ id: 'shared-room-1', type: 'sos' }),
        { qos: 1 },
      );
      const opened = await eventually(() => alerts.find((event) => event.alert.retireeId === retiree.id));
      expect(opened).toMatchObject({ change: 'opened', alert: { kind: 'sos', retireeId: retiree.id } });
      await eventually(() => readings.some((update) => update.deviceId === id && update.readings.hr === 72));
    } finally {
      await device.endAsync();
    }
  });

  it('throttles sign-in guesses spread over both instances as one', async () => {
    const guess = (hub: TestHub, password: string) =>
      hub.api('POST', '/api/auth/login', { username: 'spread-guesser', password }, null);
    // Two wrong guesses on each: four from this address in all, its limit.
    for (const hub of [first, second, first, second])
      expect((await guess(hub, 'wrong-guess-1')).status).toBe(401);
    const refused = await guess(first, 'wrong-guess-2');
    expect(refused.status).toBe(429);
    expect((await guess(second, 'wrong-guess-3')).status).toBe(429);
  });
});

/**
 * An instance whose shared Redis goes away: an SOS still reaches the dashboards connected to it (the
 * instance that stores the alert shows it; the others hear of it once Redis is back), and the
 * instance stops without a rejection nobody handles. Vitest fails this file on any unhandled
 * rejection, as it would have ended the hub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, ServerToClientEvents } from '../../server/schemas/index.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive, type Live } from '../helpers/live.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';

type AlertEvent = Parameters<ServerToClientEvents['alert']>[0];

const redis: RedisServer | null = await startRedis();

describe.skipIf(redis === null)('an instance whose Redis goes away', () => {
  let hub: TestHub;
  let dashboard: Live;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_REDIS_URL: (redis as RedisServer).url });
    dashboard = await connectLive(hub.url, hub.token);
  });
  afterAll(async () => {
    dashboard?.close();
    // Stopped while Redis is away: what the live channel's adapter still had to say is dropped.
    await hub?.stop();
  });

  it('shows an SOS on its own dashboards all the same', async () => {
    const retiree = await hub.addRetiree();
    const created = await hub.addDevice('pendant.sos', retiree.id);
    await (redis as RedisServer).stop();
    const device = await hub.connectDevice(created);
    try {
      const alerts: AlertEvent[] = [];
      dashboard.on('alert', (event) => alerts.push(event));
      await device.publishAsync(
        `eldercare/v1/${created.device.id}/event`,
        JSON.stringify({ id: 'redis-away-1', type: 'sos' }),
        { qos: 1 },
      );
      const shown = await eventually(() => alerts.find((event) => event.alert.retireeId === retiree.id));
      expect(shown).toMatchObject({ change: 'opened', alert: { kind: 'sos' } });
      const stored = await hub.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      expect(stored.body.map((alert) => alert.id)).toStrictEqual([shown.alert.id]);
    } finally {
      await device.endAsync();
    }
  });
});

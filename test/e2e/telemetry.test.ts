/**
 * End to end on real servers: a watch publishes heart rate through the broker; the hub writes it to
 * InfluxDB 1.x; the chart API reads it back through InfluxQL. Then the same hub shape on a
 * PostgreSQL server instead of PGlite.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, VitalsResponse } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub } from '../helpers/hub.ts';
import { startInfluxd } from '../helpers/influxd.ts';
import { startPostgres } from '../helpers/postgres.ts';

const influxd = await startInfluxd();
const postgres = await startPostgres();
afterAll(async () => {
  await influxd?.stop();
  await postgres?.stop();
});

describe.skipIf(influxd === null)('heart rate: device → broker → InfluxDB 1.x → vitals API', () => {
  it('reads back what the watch sent, raw and as bucketed means', async () => {
    const t = await startTestHub({
      HUB_INFLUX_URL: `${influxd?.url}/junxiu_e2e`,
      HUB_TELEMETRY_BATCH_SIZE: '5',
    });
    try {
      expect((await t.api<{ telemetry: { kind: string } }>('GET', '/healthz')).body.telemetry.kind).toBe(
        'influx1',
      );
      const retiree = await t.addRetiree();
      const device = await t.addDevice('wearable.watch', retiree.id);
      const client = await t.connectDevice(device);
      const start = Date.now() - 10 * 60_000;
      const values = [70, 72, 74, 76, 78, 80, 82, 84, 86, 88];
      for (const [index, hr] of values.entries()) {
        await publish(client, `eldercare/v1/${device.device.id}/telemetry`, {
          hr,
          spo2: 97,
          ts: start + index * 60_000,
        });
      }
      const from = new Date(start - 1000).toISOString();
      const to = new Date(start + values.length * 60_000).toISOString();
      const raw = await eventually(async () => {
        const response = await t.api<VitalsResponse>(
          'GET',
          `/api/retirees/${retiree.id}/vitals?field=hr&from=${from}&to=${to}&every=0`,
        );
        return response.body.points?.length === values.length ? response.body : undefined;
      }, 10_000);
      expect(raw.points.map((point) => point.value)).toStrictEqual(values);
      expect(raw.points[0]?.ts).toBe(new Date(start).toISOString());

      const bucketed = await t.api<VitalsResponse>(
        'GET',
        `/api/retirees/${retiree.id}/vitals?field=hr&from=${from}&to=${to}&every=3600`,
      );
      const total = bucketed.body.points.reduce((sum, point) => sum + point.value, 0);
      expect(bucketed.body.points.length).toBeLessThanOrEqual(2);
      expect(total / bucketed.body.points.length).toBeGreaterThan(69);
    } finally {
      await t.stop();
    }
  });
});

describe.skipIf(influxd === null)('readings without a time of their own', () => {
  it('keeps each of a burst that arrives within one millisecond', async () => {
    const t = await startTestHub({ HUB_INFLUX_URL: `${influxd?.url}/junxiu_burst` });
    try {
      const retiree = await t.addRetiree();
      const device = await t.addDevice('wearable.watch', retiree.id);
      const client = await t.connectDevice(device);
      const topic = `eldercare/v1/${device.device.id}/telemetry`;
      // Sent in one go at QoS 0: the broker reads them from one TCP segment, in the same millisecond.
      const values = [70, 71, 72, 73, 74, 75, 76, 77];
      for (const hr of values) client.publish(topic, JSON.stringify({ hr }), { qos: 0 });
      await client.publishAsync(topic, JSON.stringify({ hr: 78 }), { qos: 1 });
      const stored = await eventually(async () => {
        const readings = await t.hub.telemetry.readSeries({ deviceIds: [device.device.id] });
        return readings.length === values.length + 1 ? readings : undefined;
      }, 10_000);
      expect(stored.map((reading) => reading.value)).toStrictEqual([...values, 78]);
      expect(new Set(stored.map((reading) => reading.ts)).size).toBe(values.length + 1);
    } finally {
      await t.stop();
    }
  });
});

describe.skipIf(postgres === null)('the hub on a PostgreSQL server', () => {
  it('opens an alert on SOS and survives a restart with its records', async () => {
    const url = (await postgres?.createDatabase()) ?? '';
    const first = await startTestHub({ HUB_DATABASE_URL: url });
    let alertId: string;
    try {
      expect((await first.api<{ records: string }>('GET', '/healthz')).body.records).toBe('postgres');
      const retiree = await first.addRetiree();
      const pendant = await first.addDevice('pendant.sos', retiree.id);
      const client = await first.connectDevice(pendant);
      await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'pg-1', type: 'sos' });
      const alert = await eventually(async () => {
        const list = await first.api<Alert[]>('GET', '/api/alerts?status=open');
        return list.body.find((entry) => entry.deviceId === pendant.device.id);
      });
      alertId = alert.id;
    } finally {
      await first.stop();
    }
    const second = await startTestHub({ HUB_DATABASE_URL: url });
    try {
      const list = await second.api<Alert[]>('GET', '/api/alerts?status=open');
      expect(list.body.map((alert) => alert.id)).toContain(alertId);
      // Nobody is connected to the new broker yet: no device may show online from before.
      const devices = await second.api<{ online: boolean }[]>('GET', '/api/devices');
      expect(devices.body.length).toBeGreaterThan(0);
      expect(devices.body.every((device) => !device.online)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

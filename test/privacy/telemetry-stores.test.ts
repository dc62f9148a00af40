/**
 * Export and erasure in each telemetry store, against the real backends: the embedded SQLite file
 * and a real influxd (1.x). Every series of a person's devices is read back with its tags, deleted
 * by device and by retiree tag without touching anyone else's, and old values go by age.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../gateway/ingest/embedded.ts';
import { Influx1Store } from '../../gateway/ingest/influx1.ts';
import { Influx2Store } from '../../gateway/ingest/influx2.ts';
import type { Point, TelemetryStore } from '../../gateway/ingest/types.ts';
import { type Influxd, influxdBinary, startInfluxd } from '../helpers/influxd.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

const hour = 3_600_000;
const t0 = Math.floor((Date.now() - 48 * hour) / hour) * hour;

function point(deviceId: string, retireeId: string | undefined, ts: number, fields: Point['fields']): Point {
  return { deviceId, deviceType: 'wearable.watch', ...(retireeId ? { retireeId } : {}), ts, fields };
}

function privacyContract(
  name: string,
  open: () => Promise<{ store: TelemetryStore; close(): Promise<void> }>,
) {
  describe(`${name}: a person's series`, () => {
    let store: TelemetryStore;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close } = await open());
      await store.start();
    });

    afterAll(async () => {
      await store?.stop();
      await close?.();
    });

    it('reads every value of their devices and of their retiree tag, and deletes exactly those', async () => {
      const [mine, other] = [randomUUID(), randomUUID()];
      const [watch, pendant, neighbour] = [
        `w-${mine.slice(0, 8)}`,
        `p-${mine.slice(0, 8)}`,
        `n-${other.slice(0, 8)}`,
      ];
      await store.write([
        point(watch, mine, t0 + 1_000, { hr: 72, spo2: 97 }),
        point(watch, undefined, t0 + 2_000, { battery: 80 }),
        point(pendant, mine, t0 + 3_000, { worn: true }),
        point(neighbour, other, t0 + 4_000, { hr: 66 }),
        // A device that once was another person's, its old values tagged with them.
        point(neighbour, mine, t0 + 5_000, { hr: 90 }),
      ]);
      const selector = { deviceIds: [watch, pendant], retireeIds: [mine] };
      const read = await store.readSeries(selector);
      expect(
        read.map(({ ts, deviceId, retireeId, field, value }) => ({ ts, deviceId, retireeId, field, value })),
      ).toStrictEqual([
        { ts: t0 + 1_000, deviceId: watch, retireeId: mine, field: 'hr', value: 72 },
        { ts: t0 + 1_000, deviceId: watch, retireeId: mine, field: 'spo2', value: 97 },
        { ts: t0 + 2_000, deviceId: watch, retireeId: null, field: 'battery', value: 80 },
        { ts: t0 + 3_000, deviceId: pendant, retireeId: mine, field: 'worn', value: 1 },
        { ts: t0 + 5_000, deviceId: neighbour, retireeId: mine, field: 'hr', value: 90 },
      ]);
      expect(read[0]?.deviceType).toBe('wearable.watch');

      expect(await store.deleteSeries(selector)).toBe(5);
      expect(await store.readSeries(selector)).toStrictEqual([]);
      const left = await store.readSeries({ retireeIds: [other] });
      expect(left.map((r) => [r.deviceId, r.field, r.value])).toStrictEqual([[neighbour, 'hr', 66]]);
      expect(await store.deleteSeries({})).toBe(0);
    });

    it('deletes values older than a moment, and only those', async () => {
      const retiree = randomUUID();
      const device = `old-${retiree.slice(0, 8)}`;
      await store.write([
        point(device, retiree, t0 - 10 * hour, { hr: 60 }),
        point(device, retiree, t0 - 9 * hour, { hr: 61, spo2: 95 }),
        point(device, retiree, t0 + 10 * hour, { hr: 62 }),
      ]);
      const removed = await store.deleteBefore(t0 - 9 * hour + 1);
      expect(removed).toBeGreaterThanOrEqual(3);
      const left = await store.readSeries({ deviceIds: [device] });
      expect(left.map((r) => r.value)).toStrictEqual([62]);
    });
  });
}

let embeddedDir: TempDir | undefined;
privacyContract('embedded (SQLite)', async () => {
  embeddedDir = await makeTempDir('junxiu-privacy-sqlite-');
  const dir = embeddedDir;
  return { store: new EmbeddedStore({ dataDir: dir.path }), close: () => dir.remove() };
});

const missing = !influxdBinary();
let influxd: Influxd | null = null;

describe.skipIf(missing)('InfluxDB 1.x', () => {
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  privacyContract('InfluxDB 1.x', async () => ({
    store: new Influx1Store({ url: `${influxd?.url}/junxiu_privacy` }),
    close: async () => {},
  }));

  it('the 2.x/3.x store reads a person’s series through InfluxQL as the 1.x store does', async () => {
    const writer = new Influx1Store({ url: `${influxd?.url}/junxiu_v2privacy` });
    await writer.start();
    const reader = new Influx2Store({
      url: influxd?.url ?? '',
      token: 't',
      org: 'centre',
      bucket: 'junxiu_v2privacy',
    });
    const retiree = randomUUID();
    await writer.write([point('w-v2', retiree, t0 + 1_000, { hr: 70, worn: false })]);
    expect((await reader.readSeries({ retireeIds: [retiree] })).map((r) => [r.field, r.value])).toStrictEqual(
      [
        ['hr', 70],
        ['worn', 0],
      ],
    );
  });
});

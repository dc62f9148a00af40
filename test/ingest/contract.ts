/**
 * The behaviour every telemetry store shares, run against each of them with a real backend:
 * what is written is read back raw and as bucketed means, for one retiree, within a time range.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, TelemetryStore } from '../../gateway/ingest/types.ts';

/** A whole hour, two hours back: inside every store's retention, never in the future. */
export function baseTime(): number {
  const hour = 3_600_000;
  return Math.floor((Date.now() - 2 * hour) / hour) * hour;
}

export function reading(
  retireeId: string | undefined,
  ts: number,
  fields: Point['fields'],
  deviceId = 'watch-1',
): Point {
  return {
    deviceId,
    deviceType: 'wearable.watch',
    ...(retireeId ? { retireeId } : {}),
    ts,
    fields,
  };
}

export interface StoreUnderTest {
  store: TelemetryStore;
  close(): Promise<void>;
}

export function storeContract(name: string, open: () => Promise<StoreUnderTest>, skip = false): void {
  describe.skipIf(skip)(`${name} telemetry store`, () => {
    let subject: StoreUnderTest;
    let store: TelemetryStore;
    const t0 = baseTime();
    const minute = 60_000;

    /** The points of one field of one retiree as written, `from` (inclusive) to `to` (exclusive). */
    const rawSeries = (retireeId: string, field: string, from = t0, to = t0 + minute) =>
      store.querySeries({ retireeId, field, from, to, every: 0 });

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      await store.start();
    });

    afterAll(async () => {
      await store?.stop();
      await subject?.close();
    });

    it('answers a ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('reads back written heart rates as raw points, in time order', async () => {
      const retiree = randomUUID();
      await store.write([
        reading(retiree, t0 + 20_000, { hr: 75, spo2: 97 }),
        reading(retiree, t0, { hr: 72, spo2: 98 }),
        reading(retiree, t0 + 10_000, { hr: 80.5 }, 'watch-2'),
      ]);
      const series = await rawSeries(retiree, 'hr');
      expect(series).toStrictEqual([
        { ts: t0, value: 72 },
        { ts: t0 + 10_000, value: 80.5 },
        { ts: t0 + 20_000, value: 75 },
      ]);
      const spo2 = await rawSeries(retiree, 'spo2');
      expect(spo2).toStrictEqual([
        { ts: t0, value: 98 },
        { ts: t0 + 20_000, value: 97 },
      ]);
    });

    it('averages each bucket, buckets aligned to the epoch and empty ones left out', async () => {
      const retiree = randomUUID();
      await store.write([
        reading(retiree, t0 + 5_000, { hr: 60 }),
        reading(retiree, t0 + 35_000, { hr: 70 }),
        reading(retiree, t0 + 50_000, { hr: 80 }, 'watch-2'),
        reading(retiree, t0 + 2 * minute + 1_000, { hr: 100 }),
      ]);
      const series = await store.querySeries({
        retireeId: retiree,
        field: 'hr',
        from: t0,
        to: t0 + 5 * minute,
        every: minute,
      });
      expect(series).toStrictEqual([
        { ts: t0, value: 70 },
        { ts: t0 + 2 * minute, value: 100 },
      ]);
    });

    it("returns only the asked retiree's readings", async () => {
      const [mine, theirs] = [randomUUID(), randomUUID()];
      await store.write([
        reading(mine, t0 + 1_000, { hr: 66 }, 'watch-mine'),
        reading(theirs, t0 + 1_000, { hr: 120 }, 'watch-theirs'),
        reading(undefined, t0 + 2_000, { hr: 130 }, 'watch-unbound'),
      ]);
      const series = await rawSeries(mine, 'hr');
      expect(series).toStrictEqual([{ ts: t0 + 1_000, value: 66 }]);
    });

    it('includes the start of the range and excludes its end', async () => {
      const retiree = randomUUID();
      const points = [0, 1, 2, 3].map((i) => reading(retiree, t0 + i * 10_000, { hr: 70 + i }));
      await store.write(points);
      const series = await rawSeries(retiree, 'hr', t0 + 10_000, t0 + 30_000);
      expect(series).toStrictEqual([
        { ts: t0 + 10_000, value: 71 },
        { ts: t0 + 20_000, value: 72 },
      ]);
    });

    it('keeps booleans, read back as 1 and 0, and averages them per bucket', async () => {
      const retiree = randomUUID();
      await store.write([
        reading(retiree, t0 + 1_000, { worn: true }),
        reading(retiree, t0 + 2_000, { worn: false }),
        reading(retiree, t0 + 3_000, { worn: true }),
        reading(retiree, t0 + 4_000, { worn: true }),
      ]);
      const range = { retireeId: retiree, field: 'worn', from: t0, to: t0 + minute };
      expect(await store.querySeries({ ...range, every: 0 })).toStrictEqual([
        { ts: t0 + 1_000, value: 1 },
        { ts: t0 + 2_000, value: 0 },
        { ts: t0 + 3_000, value: 1 },
        { ts: t0 + 4_000, value: 1 },
      ]);
      expect(await store.querySeries({ ...range, every: minute })).toStrictEqual([{ ts: t0, value: 0.75 }]);
    });

    it('treats quotes in a retiree id or field name as data, not as query text', async () => {
      const retiree = randomUUID();
      await store.write([reading(retiree, t0 + 1_000, { hr: 70 })]);
      const hostile = `x' OR "retiree_id" =~ /.*/ OR 'a'='a`;
      expect(await rawSeries(hostile, 'hr')).toStrictEqual([]);
      expect(await rawSeries(retiree, 'hr" , "spo2')).toStrictEqual([]);
    });

    it('skips values no store can hold and writes the rest of the batch', async () => {
      const retiree = randomUUID();
      await store.write([
        reading(retiree, t0 + 1_000, { hr: Number.NaN, spo2: 96 }),
        reading(retiree, t0 + 2_000, { hr: 71 }),
      ]);
      expect(await rawSeries(retiree, 'hr')).toStrictEqual([{ ts: t0 + 2_000, value: 71 }]);
      await store.write([]);
    });
  });
}

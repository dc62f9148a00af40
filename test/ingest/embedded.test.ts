import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../gateway/ingest/embedded.ts';
import { makeTempDir } from '../helpers/tmp.ts';
import { baseTime, reading, storeContract } from './contract.ts';

storeContract('embedded', async () => {
  const dir = await makeTempDir('junxiu-embedded-');
  return { store: new EmbeddedStore({ dataDir: dir.path }), close: () => dir.remove() };
});

describe('embedded telemetry store on disk', () => {
  it('keeps readings in <dataDir>/telemetry.sqlite across a restart', async () => {
    const dir = await makeTempDir('junxiu-embedded-');
    try {
      const retiree = randomUUID();
      const t0 = baseTime();
      const first = new EmbeddedStore({ dataDir: dir.path });
      await first.start();
      await first.write([reading(retiree, t0, { hr: 77 })]);
      await first.stop();
      expect(existsSync(join(dir.path, 'telemetry.sqlite'))).toBe(true);

      const second = new EmbeddedStore({ dataDir: dir.path });
      await second.start();
      const series = await second.querySeries({
        retireeId: retiree,
        field: 'hr',
        from: t0,
        to: t0 + 1,
        every: 0,
      });
      await second.stop();
      expect(series).toStrictEqual([{ ts: t0, value: 77 }]);
    } finally {
      await dir.remove();
    }
  });

  it('folds a file of one row per reading into points at its first start, values unchanged', async () => {
    const dir = await makeTempDir('junxiu-embedded-');
    try {
      const retiree = randomUUID();
      const t0 = baseTime();
      const old = new Database(join(dir.path, 'telemetry.sqlite'));
      old.exec(`CREATE TABLE readings (ts INTEGER NOT NULL, retiree_id TEXT, device_id TEXT NOT NULL,
        device_type TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL);
        CREATE INDEX readings_by_retiree ON readings (retiree_id, field, ts);`);
      const insert = old.prepare('INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?)');
      insert.run(t0, retiree, 'w-1', 'wearable.watch', 'hr', 70);
      insert.run(t0, retiree, 'w-1', 'wearable.watch', 'spo2', 97);
      insert.run(t0 + 1_000, retiree, 'w-1', 'wearable.watch', 'hr', 74);
      insert.run(t0 + 1_000, null, 'p-1', 'pendant.sos', 'worn', 1);
      old.close();

      const store = new EmbeddedStore({ dataDir: dir.path });
      await store.start();
      try {
        const hr = await store.querySeries({
          retireeId: retiree,
          field: 'hr',
          from: t0,
          to: t0 + 2_000,
          every: 0,
        });
        expect(hr).toStrictEqual([
          { ts: t0, value: 70 },
          { ts: t0 + 1_000, value: 74 },
        ]);
        const all = await store.readSeries({ deviceIds: ['w-1', 'p-1'] });
        expect(all.map(({ ts, deviceId, field, value }) => ({ ts, deviceId, field, value }))).toStrictEqual([
          { ts: t0, deviceId: 'w-1', field: 'hr', value: 70 },
          { ts: t0, deviceId: 'w-1', field: 'spo2', value: 97 },
          { ts: t0 + 1_000, deviceId: 'w-1', field: 'hr', value: 74 },
          { ts: t0 + 1_000, deviceId: 'p-1', field: 'worn', value: 1 },
        ]);
      } finally {
        await store.stop();
      }
      const after = new Database(join(dir.path, 'telemetry.sqlite'), { readonly: true });
      const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      after.close();
      expect(tables).toStrictEqual(['points']);
    } finally {
      await dir.remove();
    }
  });

  it('writes a batch of several hundred points whole, each with its own fields', async () => {
    const dir = await makeTempDir('junxiu-embedded-');
    const store = new EmbeddedStore({ dataDir: dir.path });
    try {
      await store.start();
      const retiree = randomUUID();
      const t0 = baseTime();
      const points = Array.from({ length: 253 }, (_, i) =>
        reading(retiree, t0 + i * 1_000, { hr: 60 + (i % 40), steps: i }),
      );
      await store.write(points);
      const hr = await store.querySeries({
        retireeId: retiree,
        field: 'hr',
        from: t0,
        to: t0 + 253_000,
        every: 0,
      });
      expect(hr).toStrictEqual(points.map((point, i) => ({ ts: point.ts, value: 60 + (i % 40) })));
      const steps = await store.querySeries({
        retireeId: retiree,
        field: 'steps',
        from: t0,
        to: t0 + 253_000,
        every: 0,
      });
      expect(steps.map(({ value }) => value)).toStrictEqual(points.map((_, i) => i));
    } finally {
      await store.stop();
      await dir.remove();
    }
  });
});

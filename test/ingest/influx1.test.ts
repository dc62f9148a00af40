/**
 * The InfluxDB 1.x store against a real influxd. The same server also checks the 2.x/3.x store's
 * read path: influxd 1.x serves the `/query?db=` endpoint InfluxDB 2 and 3 keep for compatibility
 * (it has no `/api/v2/write`, so those rows are written through the 1.x store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Influx1Store } from '../../gateway/ingest/influx1.ts';
import { Influx2Store } from '../../gateway/ingest/influx2.ts';
import type { TelemetryStore } from '../../gateway/ingest/types.ts';
import { type Influxd, influxdBinary, startInfluxd } from '../helpers/influxd.ts';
import { baseTime, reading, storeContract } from './contract.ts';

const missing = !influxdBinary();
let server: Influxd;

beforeAll(async () => {
  if (missing) return;
  const started = await startInfluxd();
  if (!started) throw new Error('influxd did not start');
  server = started;
});

afterAll(async () => {
  await server?.stop();
});

storeContract(
  'InfluxDB 1.x',
  async () => ({ store: new Influx1Store({ url: `${server.url}/junxiu_contract` }), close: async () => {} }),
  missing,
);

/** Writes through the 1.x store, reads through the 2.x/3.x store's InfluxQL client. */
storeContract(
  'InfluxDB 2.x/3.x read path (InfluxQL /query on influxd)',
  async () => {
    const writer = new Influx1Store({ url: `${server.url}/junxiu_v2read` });
    const reader = new Influx2Store({
      url: server.url,
      token: 'unused-by-influxd-1',
      org: 'centre',
      bucket: 'junxiu_v2read',
    });
    const store: TelemetryStore = {
      kind: 'influx2-read',
      start: () => writer.start(),
      stop: () => writer.stop(),
      write: (points) => writer.write(points),
      querySeries: (query) => reader.querySeries(query),
      readSeries: (selector) => reader.readSeries(selector),
      deleteSeries: (selector) => writer.deleteSeries(selector),
      deleteBefore: (before) => writer.deleteBefore(before),
      ping: () => reader.ping(),
    };
    return { store, close: async () => {} };
  },
  missing,
);

describe.skipIf(missing)('InfluxDB 1.x store details', () => {
  it('creates its database, named by the URL path, on start', async () => {
    const store = new Influx1Store({ url: `${server.url}/junxiu_created` });
    await store.start();
    const response = await fetch(`${server.url}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
    const body = (await response.json()) as { results: { series: { values: string[][] }[] }[] };
    expect(body.results[0]?.series[0]?.values.flat()).toContain('junxiu_created');
  });

  it('stores tags and typed fields in the readings measurement', async () => {
    const store = new Influx1Store({ url: `${server.url}/junxiu_shape` });
    await store.start();
    const t0 = baseTime();
    await store.write([reading('retiree-1', t0, { hr: 72, worn: true })]);
    const q = encodeURIComponent('SHOW FIELD KEYS FROM "readings"; SHOW TAG KEYS FROM "readings"');
    const response = await fetch(`${server.url}/query?db=junxiu_shape&q=${q}`);
    const body = (await response.json()) as { results: { series: { values: string[][] }[] }[] };
    expect(body.results[0]?.series[0]?.values).toStrictEqual([
      ['hr', 'float'],
      ['worn', 'boolean'],
    ]);
    expect(body.results[1]?.series[0]?.values.flat()).toStrictEqual([
      'device_id',
      'device_type',
      'retiree_id',
    ]);
  });

  it('makes the 2.x/3.x store reject a write the server refuses (influxd 1.6 has no /api/v2/write)', async () => {
    const store = new Influx2Store({ url: server.url, org: 'centre', bucket: 'junxiu_contract' });
    await expect(store.write([reading('r', baseTime(), { hr: 70 })])).rejects.toThrow(/404/);
  });

  it('fails a write and a ping while the server is away', async () => {
    const store = new Influx1Store({ url: 'http://127.0.0.1:9/nowhere', timeoutMs: 1_000 });
    await store.start();
    expect(await store.ping()).toBe(false);
    await expect(store.write([reading('r', baseTime(), { hr: 70 })])).rejects.toThrow();
  });
});

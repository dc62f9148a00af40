/**
 * The InfluxDB 2.x/3.x store's write path against a real VictoriaMetrics, which takes line protocol on
 * `/api/v2/write`; what arrived is read back through VictoriaMetrics' own export API, where field
 * `hr` of `readings` is the metric `readings_hr` and the tags are labels.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Influx2Store } from '../../gateway/ingest/influx2.ts';
import { waitFor } from '../helpers/tmp.ts';
import { startVictoria, type Victoria, victoriaBinary } from '../helpers/victoria.ts';
import { baseTime, reading } from './contract.ts';

describe.skipIf(!victoriaBinary())('InfluxDB 2.x/3.x store writing to VictoriaMetrics', () => {
  let victoria: Victoria;
  let store: Influx2Store;

  beforeAll(async () => {
    const started = await startVictoria();
    if (!started) throw new Error('victoria-metrics did not start');
    victoria = started;
    store = new Influx2Store({ url: victoria.url, token: 'test-token', org: 'centre', bucket: 'junxiu' });
    await store.start();
  });

  afterAll(async () => {
    await store?.stop();
    await victoria?.stop();
  });

  it('answers a ping', async () => {
    expect(await store.ping()).toBe(true);
  });

  it('writes every field as a metric, tagged with device and retiree, at millisecond times', async () => {
    const retiree = randomUUID();
    const t0 = baseTime();
    await store.write([
      reading(retiree, t0 + 1_001, { hr: 72, spo2: 98, worn: true }),
      reading(retiree, t0 + 2_002, { hr: 75.5, worn: false }),
    ]);
    const selector = `{__name__=~"readings_.*", retiree_id="${retiree}"}`;
    let series: Awaited<ReturnType<Victoria['exportSeries']>> = [];
    await waitFor(
      async () => {
        series = await victoria.exportSeries(selector);
        return series.reduce((sum, s) => sum + s.values.length, 0) === 5;
      },
      { timeoutMs: 15_000, intervalMs: 250, message: 'VictoriaMetrics to show the written rows' },
    );
    const byName = Object.fromEntries(series.map((s) => [s.metric.__name__, s]));
    expect(byName.readings_hr?.metric).toStrictEqual({
      __name__: 'readings_hr',
      device_id: 'watch-1',
      device_type: 'wearable.watch',
      retiree_id: retiree,
    });
    expect(byName.readings_hr?.timestamps).toStrictEqual([t0 + 1_001, t0 + 2_002]);
    expect(byName.readings_hr?.values).toStrictEqual([72, 75.5]);
    expect(byName.readings_spo2?.values).toStrictEqual([98]);
    expect(byName.readings_worn?.values).toStrictEqual([1, 0]);
  });

  it('rejects the write, with nothing retried behind the caller, when the server is away', async () => {
    const away = new Influx2Store({
      url: 'http://127.0.0.1:9',
      org: 'centre',
      bucket: 'junxiu',
      timeoutMs: 1_000,
    });
    expect(await away.ping()).toBe(false);
    await expect(away.write([reading('r', baseTime(), { hr: 70 })])).rejects.toThrow();
  });
});

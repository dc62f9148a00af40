/**
 * The batching writer with real stores: the embedded SQLite store, and a real influxd that goes away
 * and comes back on the same port and data, while readings keep arriving.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../gateway/ingest/embedded.ts';
import { Influx1Store } from '../../gateway/ingest/influx1.ts';
import type { Point, TelemetryStore } from '../../gateway/ingest/types.ts';
import {
  TelemetryWriter,
  type TelemetryWriterOptions,
  type WriterLogger,
} from '../../gateway/ingest/writer.ts';
import { type Influxd, influxdBinary, startInfluxd } from '../helpers/influxd.ts';
import { freePort, makeTempDir, type TempDir, waitFor } from '../helpers/tmp.ts';
import { baseTime, reading } from './contract.ts';

interface LogLine {
  level: 'info' | 'warn' | 'error';
  object: object;
  message?: string;
}

function recordingLogger(): WriterLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (object, message) => lines.push({ level: 'info', object, ...(message ? { message } : {}) }),
    warn: (object, message) => lines.push({ level: 'warn', object, ...(message ? { message } : {}) }),
    error: (object, message) => lines.push({ level: 'error', object, ...(message ? { message } : {}) }),
  };
}

async function metric(registry: Registry, name: string): Promise<number> {
  const found = registry.getSingleMetric(name);
  if (!found) throw new Error(`metric ${name} is not registered`);
  return (await found.get()).values.reduce((sum, value) => sum + value.value, 0);
}

function heartRates(retireeId: string, from: number, count: number, start = 0): Point[] {
  return Array.from({ length: count }, (_, i) =>
    reading(retireeId, from + (start + i) * 1_000, { hr: 60 + ((start + i) % 40) }),
  );
}

/**
 * A writer, started, with a logger that keeps its lines and a registry of its own unless `options`
 * give them; the writer with both.
 */
async function startWriter(
  options: Omit<TelemetryWriterOptions, 'logger' | 'registry'> & Partial<TelemetryWriterOptions>,
): Promise<{ writer: TelemetryWriter; registry: Registry; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const registry = new Registry();
  const writer = new TelemetryWriter({ logger, registry, ...options });
  await writer.start();
  return { writer, registry: options.registry ?? registry, logger };
}

/** The heart rates `store` holds for the retiree from `from` to `to`, every one. */
function storedHeartRates(store: TelemetryStore, retireeId: string, from: number, to: number) {
  return store.querySeries({ retireeId, field: 'hr', from, to, every: 0 });
}

/** A port nothing listens on: writes there fail at once with ECONNREFUSED. */
async function deadInfluxUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/junxiu`;
}

describe('telemetry writer with the embedded store', () => {
  let dir: TempDir;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dir = await makeTempDir('junxiu-writer-');
    store = new EmbeddedStore({ dataDir: dir.path });
    await store.start();
  });

  afterEach(async () => {
    await store.stop();
    await dir.remove();
  });

  /** A writer on this case's store, spooling into its folder. */
  const writerOnStore = (options: Partial<TelemetryWriterOptions> = {}) =>
    startWriter({ store, dataDir: dir.path, ...options });

  it('sends a full batch at once and a partial one after the flush interval', async () => {
    const { writer, registry } = await writerOnStore({ batchSize: 5, flushIntervalMs: 200 });
    const retiree = randomUUID();
    const t0 = baseTime();
    const query = { retireeId: retiree, field: 'hr', from: t0, to: t0 + 60_000, every: 0 };
    for (const point of heartRates(retiree, t0, 7)) writer.add(point);
    expect(writer.pending).toBe(2);
    await waitFor(async () => (await store.querySeries(query)).length === 5, { message: 'the full batch' });
    await waitFor(async () => (await store.querySeries(query)).length === 7, {
      message: 'the partial batch',
    });
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(7);
    await writer.stop();
  });

  it('puts the batches filled while the store is busy into one write, up to maxWriteSize, in order', async () => {
    const { writer, registry } = await writerOnStore({
      batchSize: 5,
      maxWriteSize: 50,
      flushIntervalMs: 60_000,
    });
    const retiree = randomUUID();
    const t0 = baseTime();
    // 31 batches filled in one go: the first write takes ten, and so on.
    const points = heartRates(retiree, t0, 155);
    for (const point of points) writer.add(point);
    await writer.flush();
    expect(await metric(registry, 'hub_telemetry_writes_total')).toBe(4);
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(155);
    const stored = await storedHeartRates(store, retiree, t0, t0 + 200_000);
    expect(stored).toStrictEqual(points.map((point) => ({ ts: point.ts, value: point.fields.hr })));
    await writer.stop();
    expect(
      () =>
        new TelemetryWriter({
          store,
          dataDir: dir.path,
          logger: recordingLogger(),
          registry,
          batchSize: 10,
          maxWriteSize: 5,
        }),
    ).toThrow(RangeError);
  });

  it('flushes what it holds on stop', async () => {
    const { writer } = await writerOnStore({ batchSize: 100, flushIntervalMs: 60_000 });
    const retiree = randomUUID();
    const t0 = baseTime();
    for (const point of heartRates(retiree, t0, 3)) writer.add(point);
    await writer.stop();
    expect(await storedHeartRates(store, retiree, t0, t0 + 60_000)).toHaveLength(3);
  });

  it('replays, at the next start, a spool left by a run whose store was away, each point once', async () => {
    const retiree = randomUUID();
    const t0 = baseTime();
    const points = heartRates(retiree, t0, 40);
    const away = new Influx1Store({ url: await deadInfluxUrl(), timeoutMs: 1_000 });
    const { writer: firstRun } = await writerOnStore({
      store: away,
      batchSize: 10,
      flushIntervalMs: 60_000,
      replayIntervalMs: 60_000,
    });
    for (const point of points) firstRun.add(point);
    await firstRun.stop();
    expect(firstRun.spool.size).toBe(4);

    const { writer: secondRun, registry, logger } = await writerOnStore({ replayIntervalMs: 50 });
    await waitFor(() => secondRun.spool.isEmpty, { message: 'the spool to drain' });
    const series = await storedHeartRates(store, retiree, t0, t0 + 60_000);
    // The embedded store keeps duplicates, so an exact match also proves nothing was written twice.
    expect(series).toStrictEqual(points.map((p) => ({ ts: p.ts, value: p.fields.hr })));
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(40);
    expect(await metric(registry, 'hub_telemetry_spool_bytes')).toBe(0);
    expect(logger.lines.some((line) => line.message?.includes('earlier run'))).toBe(true);
    await secondRun.stop();
  });

  it('drops, counts and logs the batches that would pass the spool bound', async () => {
    const points = heartRates(randomUUID(), baseTime(), 50);
    const batchBytes = Buffer.byteLength(
      `${points
        .slice(0, 10)
        .map((p) => JSON.stringify(p))
        .join('\n')}\n`,
    );
    const { writer, registry, logger } = await writerOnStore({
      store: new Influx1Store({ url: await deadInfluxUrl(), timeoutMs: 1_000 }),
      batchSize: 10,
      flushIntervalMs: 60_000,
      replayIntervalMs: 60_000,
      spoolMaxBytes: Math.floor(batchBytes * 3.5),
    });
    for (const point of points) writer.add(point);
    await writer.flush();
    expect(await metric(registry, 'hub_telemetry_points_spooled_total')).toBe(30);
    expect(await metric(registry, 'hub_telemetry_points_dropped_total')).toBe(20);
    expect(await metric(registry, 'hub_telemetry_spool_bytes')).toBe(writer.spool.bytes);
    expect(writer.spool.bytes).toBeLessThanOrEqual(writer.spool.maxBytes);
    expect(logger.lines.filter((line) => line.message?.includes('spool is full'))).toHaveLength(2);
    await writer.stop();
  });
});

const missing = !influxdBinary();

describe.skipIf(missing)('telemetry writer through an InfluxDB outage', () => {
  let server: Influxd;
  let dir: TempDir;

  beforeAll(async () => {
    const started = await startInfluxd();
    if (!started) throw new Error('influxd did not start');
    server = started;
    dir = await makeTempDir('junxiu-writer-influx-');
  });

  afterAll(async () => {
    await server?.stop();
    await dir?.remove();
  });

  it('spools while influxd is down and writes every reading exactly once when it returns', async () => {
    const store = new Influx1Store({ url: `${server.url}/junxiu`, timeoutMs: 2_000 });
    await store.start();
    const { writer, registry } = await startWriter({
      store,
      dataDir: dir.path,
      batchSize: 10,
      flushIntervalMs: 60_000,
      replayIntervalMs: 100,
      maxReplayIntervalMs: 400,
    });
    const retiree = randomUUID();
    const t0 = baseTime();
    const before = heartRates(retiree, t0, 50);
    const during = heartRates(retiree, t0, 100, 50);

    for (const point of before) writer.add(point);
    await writer.flush();
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(50);

    await server.pause();
    for (const point of during) writer.add(point);
    await writer.flush();
    expect(await metric(registry, 'hub_telemetry_points_spooled_total')).toBe(100);
    // Only the first batch met the closed port; the others queued behind it in the spool.
    expect(await metric(registry, 'hub_telemetry_write_failures_total')).toBe(1);
    expect(writer.spool.size).toBe(10);

    await server.resume();
    await waitFor(() => writer.spool.isEmpty, {
      timeoutMs: 15_000,
      message: 'the spool to drain into influxd',
    });

    const series = await storedHeartRates(store, retiree, t0, t0 + 3_600_000);
    expect(series).toStrictEqual([...before, ...during].map((p) => ({ ts: p.ts, value: p.fields.hr })));
    // InfluxDB overwrites an identical point silently, so count what its HTTP service accepted since
    // the restart: exactly the 100 spooled points, none sent twice.
    const stats = await fetch(`${server.url}/query?q=${encodeURIComponent("SHOW STATS FOR 'httpd'")}`);
    const body = (await stats.json()) as {
      results: { series: { columns: string[]; values: number[][] }[] }[];
    };
    const httpd = body.results[0]?.series[0];
    const accepted = httpd?.values[0]?.[httpd.columns.indexOf('pointsWrittenOK')];
    expect(accepted).toBe(100);
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(150);
    expect(await metric(registry, 'hub_telemetry_points_dropped_total')).toBe(0);
    await writer.stop();
  });
  it('keeps readings influxd refuses (HTTP 400) in the dead-letter file and writes the rest of their batch', async () => {
    const deadDir = await makeTempDir('junxiu-writer-dead-');
    const store = new Influx1Store({ url: `${server.url}/junxiu_dead`, timeoutMs: 2_000 });
    await store.start();
    const { writer, registry } = await startWriter({
      store,
      dataDir: deadDir.path,
      batchSize: 10,
      flushIntervalMs: 60_000,
    });
    const retiree = randomUUID();
    const t0 = baseTime();
    for (const point of heartRates(retiree, t0, 10)) writer.add(point);
    await writer.flush();
    // A faulty firmware sends hr as a boolean: a field type conflict that no retry can mend.
    const mixed = heartRates(retiree, t0, 10, 10).map((point, i) =>
      i % 4 === 1 ? { ...point, fields: { hr: true } } : point,
    );
    for (const point of mixed) writer.add(point);
    await writer.flush();

    const refused = mixed.filter((point) => point.fields.hr === true);
    expect(refused).toHaveLength(3);
    const lines = (await readFile(writer.deadLetters.path, 'utf8')).trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { status: number; store: string; point: Point });
    expect(entries.map((entry) => entry.point)).toStrictEqual(refused);
    expect(entries.every((entry) => entry.status === 400 && entry.store === 'influx1')).toBe(true);
    expect(await metric(registry, 'hub_telemetry_points_dead_lettered_total')).toBe(3);
    expect(await metric(registry, 'hub_telemetry_points_dropped_total')).toBe(0);
    expect(await metric(registry, 'hub_telemetry_points_written_total')).toBe(17);
    expect(writer.spool.isEmpty).toBe(true);
    const series = await storedHeartRates(store, retiree, t0, t0 + 3_600_000);
    expect(series).toHaveLength(17);
    await writer.stop();
    await deadDir.remove();
  });
});

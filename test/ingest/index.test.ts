import { afterEach, describe, expect, it } from 'vitest';
import {
  createTelemetryStore,
  EmbeddedStore,
  Influx1Store,
  Influx2Store,
} from '../../gateway/ingest/index.ts';
import { serverBinary } from '../helpers/tmp.ts';

describe('choosing the telemetry store from the settings', () => {
  const dataDir = '/nonexistent/junxiu-data';

  it('uses the embedded store when no URL is set', () => {
    expect(createTelemetryStore({ dataDir })).toBeInstanceOf(EmbeddedStore);
    expect(createTelemetryStore({ dataDir, url: '' }).kind).toBe('embedded');
  });

  it('uses InfluxDB 1.x for a plain URL, the path naming the database', () => {
    const store = createTelemetryStore({ dataDir, url: 'http://user:secret@127.0.0.1:8086/junxiu' });
    expect(store).toBeInstanceOf(Influx1Store);
    expect((store as Influx1Store).database).toBe('junxiu');
  });

  it('uses InfluxDB 2.x/3.x when a token, org or bucket is set', () => {
    expect(
      createTelemetryStore({ dataDir, url: 'http://127.0.0.1:8086', token: 't', bucket: 'junxiu' }),
    ).toBeInstanceOf(Influx2Store);
    expect(createTelemetryStore({ dataDir, url: 'http://127.0.0.1:8086', bucket: 'junxiu' }).kind).toBe(
      'influx2',
    );
  });

  it('uses InfluxDB 2.x/3.x for an /api/v2 URL, taking org and bucket from its query', () => {
    const store = createTelemetryStore({
      dataDir,
      url: 'http://127.0.0.1:8086/api/v2?org=centre&bucket=junxiu',
    });
    expect(store.kind).toBe('influx2');
  });

  it('refuses InfluxDB 2.x/3.x settings without a bucket', () => {
    expect(() => createTelemetryStore({ dataDir, url: 'http://127.0.0.1:8086', token: 't' })).toThrow(
      /bucket/,
    );
  });
});

describe('server binaries for the real-server suites', () => {
  const ci = process.env.CI;

  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('lets a suite skip when a binary is missing outside CI', () => {
    delete process.env.CI;
    expect(serverBinary('/nonexistent/influxd', 'influxd')).toBeNull();
  });

  it('fails instead of skipping under CI=true', () => {
    process.env.CI = 'true';
    expect(() => serverBinary('/nonexistent/influxd', 'influxd')).toThrow(/CI=true/);
  });
});

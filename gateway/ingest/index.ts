/**
 * Picks the telemetry store from the settings.
 *
 * The decision rule:
 * 1. no `url`                                            → the embedded store in `dataDir`;
 * 2. `token`, `org` or `bucket` set, or a URL whose path
 *    contains `/api/v2` (e.g. `http://host:8086/api/v2?org=centre&bucket=junxiu`)
 *                                                        → InfluxDB 2.x/3.x (`influx2`); the server is the
 *      URL's origin, `org`/`bucket` may also come from the URL's query, the token only from settings;
 * 3. any other URL (`http://user:password@host:8086/junxiu`) → InfluxDB 1.x (`influx1`), the path
 *    naming the database.
 */
import { EmbeddedStore } from './embedded.ts';
import { Influx1Store } from './influx1.ts';
import { Influx2Store } from './influx2.ts';
import type { TelemetryStore } from './types.ts';

export interface TelemetryStoreSettings {
  /** `HUB_INFLUX_URL`: unset for the embedded store. */
  url?: string;
  /** API token of an InfluxDB 2.x/3.x server. */
  token?: string;
  /** Organization of an InfluxDB 2.x server. */
  org?: string;
  /** Bucket (InfluxDB 2.x) or database (InfluxDB 3.x) for the readings. */
  bucket?: string;
  /** `HUB_DATA_DIR`: where the embedded store keeps its file. */
  dataDir: string;
}

export function createTelemetryStore(settings: TelemetryStoreSettings): TelemetryStore {
  if (!settings.url) return new EmbeddedStore({ dataDir: settings.dataDir });
  const url = new URL(settings.url);
  const isV2Path = url.pathname.includes('/api/v2');
  if (isV2Path || settings.token || settings.org || settings.bucket) {
    const org = settings.org || url.searchParams.get('org') || '';
    const bucket = settings.bucket || url.searchParams.get('bucket') || '';
    if (!bucket) {
      throw new Error('InfluxDB 2.x/3.x needs a bucket: set it in the settings or as ?bucket= in the URL');
    }
    // For a /api/v2 URL the server is at its origin; otherwise keep a path prefix (a reverse proxy's).
    const base = isV2Path ? url.origin : `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    return new Influx2Store({
      url: base,
      bucket,
      org,
      ...(settings.token ? { token: settings.token } : {}),
    });
  }
  return new Influx1Store({ url: settings.url });
}

export { type EmbeddedSettings, EmbeddedStore } from './embedded.ts';
export { RejectedWriteError } from './errors.ts';
export { type Influx1Settings, Influx1Store } from './influx1.ts';
export { type Influx2Settings, Influx2Store } from './influx2.ts';
export { Spool, type SpoolOptions, type SpoolSegment } from './spool.ts';
export type * from './types.ts';
export { TelemetryWriter, type TelemetryWriterOptions, type WriterLogger } from './writer.ts';

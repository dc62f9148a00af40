/**
 * The telemetry store seam. Readings go in as points (one device, one instant, several fields);
 * charts read series back. InfluxDB 1.x, InfluxDB 2.x/3.x and the embedded store all implement it.
 */
import type { ReadingValue } from '../../devices/types.ts';

export interface Point {
  deviceId: string;
  deviceType: string;
  /** The retiree the device was bound to when the reading was taken, if any. */
  retireeId?: string;
  /** Epoch milliseconds. */
  ts: number;
  fields: Record<string, ReadingValue>;
}

export interface SeriesQuery {
  retireeId: string;
  field: string;
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  /** Bucket width in milliseconds: each bucket gives the mean of numeric values (0 = raw points). */
  every: number;
}

export interface SeriesPoint {
  ts: number;
  value: number;
}

export interface TelemetryStore {
  /** `influx1`, `influx2` or `embedded`. */
  readonly kind: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Writes all points or throws; a throw means none of them may be assumed written. */
  write(points: Point[]): Promise<void>;
  querySeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
}

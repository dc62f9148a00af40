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

/** Which series a privacy export or deletion covers: any of these devices, or tagged with any of these retirees. */
export interface SeriesSelector {
  deviceIds?: string[];
  retireeIds?: string[];
}

/** One stored value, as an export lists it. */
export interface StoredReading {
  ts: number;
  deviceId: string;
  deviceType: string;
  retireeId: string | null;
  field: string;
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
  /** Every stored value of the selected series, oldest first (a person's data export). */
  readSeries(selector: SeriesSelector): Promise<StoredReading[]>;
  /** Deletes the selected series; resolves with how many values were removed. */
  deleteSeries(selector: SeriesSelector): Promise<number>;
  /** Deletes every value older than `before` (epoch ms, exclusive); resolves with how many. */
  deleteBefore(before: number): Promise<number>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
}

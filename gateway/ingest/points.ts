/**
 * Helpers shared by the stores: which field values can be stored, and client-side bucketing for the
 * cases a server cannot average (InfluxQL refuses `mean()` over boolean fields).
 */
import type { ReadingValue } from '../../devices/types.ts';
import type { Point, SeriesPoint } from './types.ts';

/** Numbers must be finite (line protocol has no NaN or Infinity); booleans are kept as booleans. */
export function isStorable(value: unknown): value is ReadingValue {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The fields a store keeps: named, and storable. */
export function storableFields(point: Point): [string, ReadingValue][] {
  const out: [string, ReadingValue][] = [];
  for (const name in point.fields) {
    const value = point.fields[name];
    if (name !== '' && isStorable(value)) out.push([name, value]);
  }
  return out;
}

/** Epoch milliseconds as the integer every store keeps. */
export function timestampOf(point: Point): number {
  return Math.round(point.ts);
}

/**
 * Means per bucket of width `every`, buckets aligned to the epoch (`floor(ts / every) * every`),
 * as InfluxQL's `GROUP BY time()` and the embedded store's integer division do.
 */
export function bucketMeans(points: SeriesPoint[], every: number): SeriesPoint[] {
  const sums = new Map<number, { sum: number; count: number }>();
  for (const { ts, value } of points) {
    const bucket = Math.floor(ts / every) * every;
    const entry = sums.get(bucket);
    if (entry) {
      entry.sum += value;
      entry.count += 1;
    } else {
      sums.set(bucket, { sum: value, count: 1 });
    }
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, { sum, count }]) => ({ ts, value: sum / count }));
}

/** Rejects queries that no store could answer sensibly, before they reach a server. */
export function assertValidQuery(query: { from: number; to: number; every: number; field: string }): void {
  if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) {
    throw new RangeError('from and to must be epoch milliseconds');
  }
  if (!Number.isInteger(query.every) || query.every < 0) {
    throw new RangeError('every must be a whole number of milliseconds, 0 for raw points');
  }
  if (query.field === '') throw new RangeError('field must not be empty');
}

/**
 * InfluxDB line protocol for the hub's points: measurement `readings`, tags `device_id`,
 * `device_type` and `retiree_id` (when known, in that sorted order), one field per reading,
 * millisecond timestamps. Numbers are written as floats and booleans as `true`/`false`, as the
 * stores have always written them, so a database keeps one type per field across versions.
 *
 * Every reading the broker takes passes through here, so each device's series key (the
 * measurement and its escaped tags) is built once and kept while its tags stay the same.
 */
import { measurement } from './influxql.ts';
import { isStorable, timestampOf } from './points.ts';
import type { Point } from './types.ts';

/** Tag keys, tag values and field keys: commas, equals signs and spaces are escaped. */
export function escapeKey(text: string): string {
  return /[ ,=]/.test(text) ? text.replace(/[ ,=]/g, '\\$&') : text;
}

/** `name=value,…` of the point's storable fields (see `storableFields`), or '' when it has none. */
function fieldsOf(point: Point): string {
  let fields = '';
  for (const name in point.fields) {
    const value = point.fields[name];
    if (name === '' || !isStorable(value)) continue;
    fields += `${fields ? ',' : ''}${escapeKey(name)}=${value}`;
  }
  return fields;
}

interface SeriesKey {
  deviceType: string;
  retireeId: string | undefined;
  key: string;
}

/** Beyond this many devices the cache starts again; a centre has far fewer. */
const MAX_CACHED_SERIES = 100_000;

export class LineProtocol {
  private readonly series = new Map<string, SeriesKey>();

  /** The points as one body for `/write?precision=ms`; points without a storable field are left out. */
  lines(points: readonly Point[]): string {
    const lines: string[] = [];
    for (const point of points) {
      const fields = fieldsOf(point);
      if (fields) lines.push(`${this.seriesKey(point)} ${fields} ${timestampOf(point)}`);
    }
    return lines.join('\n');
  }

  private seriesKey(point: Point): string {
    const cached = this.series.get(point.deviceId);
    if (cached && cached.deviceType === point.deviceType && cached.retireeId === point.retireeId) {
      return cached.key;
    }
    let key = escapeKey(measurement);
    if (point.deviceId) key += `,device_id=${escapeKey(point.deviceId)}`;
    if (point.deviceType) key += `,device_type=${escapeKey(point.deviceType)}`;
    if (point.retireeId) key += `,retiree_id=${escapeKey(point.retireeId)}`;
    if (this.series.size >= MAX_CACHED_SERIES) this.series.clear();
    this.series.set(point.deviceId, { deviceType: point.deviceType, retireeId: point.retireeId, key });
    return key;
  }
}

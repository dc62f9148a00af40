/**
 * InfluxQL text and the JSON that `/query` answers with. InfluxDB 1.x serves `/query`, and InfluxDB
 * 2.x and 3.x serve the same endpoint for compatibility, so both Influx stores share this file.
 */
import { assertValidQuery, bucketMeans } from './points.ts';
import type { SeriesPoint, SeriesQuery, SeriesSelector, StoredReading } from './types.ts';

export const measurement = 'readings';

/** A double-quoted identifier: backslashes and double quotes are escaped, nothing else is special. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A single-quoted string literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * `SELECT mean(field) … GROUP BY time(every) fill(none)` for buckets, `SELECT field …` for raw points.
 * Times are epoch literals with an explicit `ms` unit, so no date formatting is involved.
 */
export function seriesStatement(query: SeriesQuery): string {
  assertValidQuery(query);
  const field = quoteIdentifier(query.field);
  const where =
    `WHERE "retiree_id" = ${quoteString(query.retireeId)} ` +
    `AND time >= ${Math.floor(query.from)}ms AND time < ${Math.ceil(query.to)}ms`;
  const from = `FROM ${quoteIdentifier(measurement)}`;
  if (query.every > 0) {
    return `SELECT mean(${field}) ${from} ${where} GROUP BY time(${query.every}ms) fill(none)`;
  }
  return `SELECT ${field} ${from} ${where}`;
}

/** The error InfluxDB gives when asked to average a boolean field. */
export function isUnsupportedMean(error: unknown): boolean {
  return error instanceof Error && /unsupported mean/i.test(error.message);
}

/**
 * What both Influx stores share: reading through `/query`. A store says only how one statement
 * reaches its server (`statement`, answering the JSON body); series, stored readings and counts
 * follow from it.
 */
export abstract class InfluxQLReader {
  /** One InfluxQL statement; answers `/query`'s JSON body. */
  protected abstract statement(text: string): Promise<unknown>;

  /**
   * Means per bucket where the server computes them; a boolean field, which InfluxDB will not
   * average, is read whole and averaged here.
   */
  async querySeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    const select = async (text: string) => parseSeriesResponse(await this.statement(text));
    try {
      return await select(seriesStatement(query));
    } catch (error) {
      if (query.every > 0 && isUnsupportedMean(error)) {
        return bucketMeans(await select(seriesStatement({ ...query, every: 0 })), query.every);
      }
      throw error;
    }
  }

  /** The stored readings a selector names. */
  async readSeries(selector: SeriesSelector): Promise<StoredReading[]> {
    const text = readStatement(selector);
    return text ? parseStoredReadings(await this.statement(text)) : [];
  }

  /** How many readings a `WHERE` condition selects. */
  protected async count(condition: string): Promise<number> {
    return parseCount(await this.statement(countStatement(condition)));
  }
}

interface QueryResponse {
  error?: string;
  results?: {
    error?: string;
    series?: { columns?: string[]; values?: unknown[][] }[];
  }[];
}

/**
 * Reads the first statement's rows of a `/query` answer made with `epoch=ms`: `[time, value]` pairs.
 * Booleans become 1 and 0, as the embedded store keeps them; nulls are skipped.
 */
export function parseSeriesResponse(body: unknown): SeriesPoint[] {
  const response = body as QueryResponse;
  if (typeof response?.error === 'string') throw new Error(`InfluxQL query failed: ${response.error}`);
  const result = response?.results?.[0];
  if (!result) throw new Error('InfluxQL query answered without results');
  if (typeof result.error === 'string') throw new Error(`InfluxQL query failed: ${result.error}`);
  const points: SeriesPoint[] = [];
  for (const series of result.series ?? []) {
    const timeColumn = series.columns?.indexOf('time') ?? 0;
    const valueColumn = timeColumn === 0 ? 1 : 0;
    for (const row of series.values ?? []) {
      const ts = row[timeColumn];
      const raw = row[valueColumn];
      if (typeof ts !== 'number') continue;
      if (typeof raw === 'number') points.push({ ts, value: raw });
      else if (typeof raw === 'boolean') points.push({ ts, value: raw ? 1 : 0 });
    }
  }
  return points.sort((a, b) => a.ts - b.ts);
}

/** The tags a privacy export or deletion selects on, one condition per id (joined with OR). */
export function selectorConditions(selector: SeriesSelector): string[] {
  return [
    ...(selector.deviceIds ?? []).map((id) => `"device_id" = ${quoteString(id)}`),
    ...(selector.retireeIds ?? []).map((id) => `"retiree_id" = ${quoteString(id)}`),
  ];
}

/** Every value of the selected series, tags included (`SELECT *` lists tags as columns). */
export function readStatement(selector: SeriesSelector): string | undefined {
  const conditions = selectorConditions(selector);
  if (conditions.length === 0) return undefined;
  return `SELECT * FROM ${quoteIdentifier(measurement)} WHERE ${conditions.join(' OR ')}`;
}

/** How many values a condition covers: `count(*)` gives one count per field. */
export function countStatement(where: string): string {
  return `SELECT count(*) FROM ${quoteIdentifier(measurement)} WHERE ${where}`;
}

const tagColumns = new Set(['time', 'device_id', 'device_type', 'retiree_id']);

/** The rows of a `SELECT *` answer (made with `epoch=ms`) as one value per field. */
export function parseStoredReadings(body: unknown): StoredReading[] {
  const result = firstResult(body);
  const readings: StoredReading[] = [];
  for (const series of result.series ?? []) {
    const columns = series.columns ?? [];
    const at = (name: string) => columns.indexOf(name);
    const [time, device, type, retiree] = [at('time'), at('device_id'), at('device_type'), at('retiree_id')];
    for (const row of series.values ?? []) {
      const ts = row[time];
      if (typeof ts !== 'number') continue;
      columns.forEach((column, index) => {
        if (tagColumns.has(column)) return;
        const raw = row[index];
        const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
        if (typeof value !== 'number') return;
        readings.push({
          ts,
          deviceId: typeof row[device] === 'string' ? (row[device] as string) : '',
          deviceType: typeof row[type] === 'string' ? (row[type] as string) : '',
          retireeId:
            typeof row[retiree] === 'string' && row[retiree] !== '' ? (row[retiree] as string) : null,
          field: column,
          value,
        });
      });
    }
  }
  return readings.sort((a, b) => a.ts - b.ts || a.field.localeCompare(b.field));
}

/** The sum of a `count(*)` answer's per-field counts. */
export function parseCount(body: unknown): number {
  let total = 0;
  for (const series of firstResult(body).series ?? []) {
    const columns = series.columns ?? [];
    for (const row of series.values ?? []) {
      row.forEach((value, index) => {
        if (columns[index] !== 'time' && typeof value === 'number') total += value;
      });
    }
  }
  return total;
}

function firstResult(body: unknown): NonNullable<QueryResponse['results']>[number] {
  const response = body as QueryResponse;
  if (typeof response?.error === 'string') throw new Error(`InfluxQL query failed: ${response.error}`);
  const result = response?.results?.[0];
  if (!result) throw new Error('InfluxQL query answered without results');
  if (typeof result.error === 'string') throw new Error(`InfluxQL query failed: ${result.error}`);
  return result;
}

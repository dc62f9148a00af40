/**
 * Telemetry in InfluxDB 2.x/3.x (and line-protocol stores such as VictoriaMetrics) through
 * `@influxdata/influxdb-client`. Writes go to `/api/v2/write` as line protocol in milliseconds;
 * reads use the InfluxQL compatibility endpoint `/query?db=<bucket>`, which both InfluxDB 2 (through
 * a DBRP mapping of the bucket) and InfluxDB 3 serve.
 */
import { HttpError, InfluxDB, Point as LinePoint } from '@influxdata/influxdb-client';
import { RejectedWriteError } from './errors.ts';
import { InfluxQLReader, measurement, selectorConditions } from './influxql.ts';
import { storableFields, timestampOf } from './points.ts';
import type { Point, SeriesSelector, TelemetryStore } from './types.ts';

export interface Influx2Settings {
  /** Base URL of the server, e.g. `http://127.0.0.1:8086`. */
  url: string;
  /** API token, sent as `Authorization: Token <token>`. */
  token?: string;
  /** Organization (InfluxDB 2 needs it; InfluxDB 3 and VictoriaMetrics ignore it). */
  org?: string;
  bucket: string;
  /** How long one request may take, in milliseconds (default 10 000). */
  timeoutMs?: number;
}

export class Influx2Store extends InfluxQLReader implements TelemetryStore {
  readonly kind = 'influx2';
  private readonly url: string;
  private readonly token: string;
  private readonly org: string;
  private readonly bucket: string;
  private readonly timeoutMs: number;
  private readonly client: InfluxDB;

  constructor(settings: Influx2Settings) {
    super();
    if (!settings.bucket) throw new Error('InfluxDB 2.x/3.x needs a bucket');
    const url = new URL(settings.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`InfluxDB URL must be http or https, got ${url.protocol}`);
    }
    this.url = url.origin + url.pathname.replace(/\/+$/, '');
    this.token = settings.token ?? '';
    this.org = settings.org ?? '';
    this.bucket = settings.bucket;
    this.timeoutMs = settings.timeoutMs ?? 10_000;
    this.client = new InfluxDB({
      url: this.url,
      ...(this.token ? { token: this.token } : {}),
      timeout: this.timeoutMs,
    });
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /**
   * One WriteApi per batch, sized so that it never sends on its own: no flush timer, no size or byte
   * trigger, no retries and no retry buffer. The explicit flush() is then the only request, and its
   * failure reaches the caller, whose spool owns retrying.
   */
  async write(points: Point[]): Promise<void> {
    const lines: string[] = [];
    for (const point of points) {
      const line = this.toLine(point);
      if (line) lines.push(line);
    }
    if (lines.length === 0) return;
    const writeApi = this.client.getWriteApi(this.org, this.bucket, 'ms', {
      batchSize: lines.length + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: 0,
      // Returning a promise makes it the flush's result and keeps the client from logging on its own.
      writeFailed: (error) => Promise.reject(error),
    });
    writeApi.writeRecords(lines);
    try {
      await writeApi.flush();
    } catch (error) {
      throw classify(error);
    } finally {
      writeApi.dispose();
    }
  }

  /**
   * InfluxDB 2's delete API (`/api/v2/delete`) with one tag predicate per id: its predicates take
   * AND but not OR. InfluxDB 3 and VictoriaMetrics do not serve it; the call then fails loudly.
   */
  async deleteSeries(selector: SeriesSelector): Promise<number> {
    const predicates = [
      ...(selector.deviceIds ?? []).map((id) => ({ tag: 'device_id', id })),
      ...(selector.retireeIds ?? []).map((id) => ({ tag: 'retiree_id', id })),
    ];
    const conditions = selectorConditions(selector);
    let removed = 0;
    for (const [index, { tag, id }] of predicates.entries()) {
      removed += await this.count(conditions[index] as string);
      await this.deleteRange(Date.UTC(1970, 0, 1), Date.UTC(2262, 0, 1), `${tag}=${predicateString(id)}`);
    }
    return removed;
  }

  async deleteBefore(before: number): Promise<number> {
    const removed = await this.count(`time < ${Math.floor(before)}ms`);
    // The delete API's range includes both ends.
    if (removed > 0) await this.deleteRange(Date.UTC(1970, 0, 1), Math.floor(before) - 1);
    return removed;
  }

  private async deleteRange(start: number, stop: number, predicate?: string): Promise<void> {
    const params = new URLSearchParams({ bucket: this.bucket, ...(this.org ? { org: this.org } : {}) });
    const response = await fetch(`${this.url}/api/v2/delete?${params}`, {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        start: new Date(start).toISOString(),
        stop: new Date(stop).toISOString(),
        predicate: `_measurement="${measurement}"${predicate ? ` AND ${predicate}` : ''}`,
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new Error(`InfluxDB delete failed with HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    await response.body?.cancel();
  }

  /** Any HTTP answer below 500 means the server is there; a write then tells whether it accepts. */
  async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/ping`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(Math.min(this.timeoutMs, 2_000)),
      });
      await response.body?.cancel();
      return response.status < 500;
    } catch {
      return false;
    }
  }

  private toLine(point: Point): string | undefined {
    const fields = storableFields(point);
    if (fields.length === 0) return undefined;
    const line = new LinePoint(measurement);
    if (point.deviceId) line.tag('device_id', point.deviceId);
    if (point.deviceType) line.tag('device_type', point.deviceType);
    if (point.retireeId) line.tag('retiree_id', point.retireeId);
    // Every number is a float, as the 1.x store writes them: a field keeps one type per shard.
    for (const [name, value] of fields) {
      if (typeof value === 'boolean') line.booleanField(name, value);
      else line.floatField(name, value);
    }
    line.timestamp(String(timestampOf(point)));
    return line.toLineProtocol();
  }

  private headers(): Record<string, string> {
    return this.token ? { Authorization: `Token ${this.token}` } : {};
  }

  protected async statement(statement: string): Promise<unknown> {
    const params = new URLSearchParams({ db: this.bucket, epoch: 'ms', q: statement });
    const response = await fetch(`${this.url}/query?${params}`, {
      headers: { ...this.headers(), Accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`InfluxQL query failed with HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    if (!response.ok && typeof (body as { error?: unknown }).error !== 'string') {
      throw new Error(`InfluxQL query failed with HTTP ${response.status}`);
    }
    return body;
  }
}

/** A double-quoted string of a delete predicate. */
function predicateString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** 400/413/422 mean the batch itself is unacceptable; anything else may pass on a later try. */
function classify(error: unknown): unknown {
  if (error instanceof HttpError && [400, 413, 422].includes(error.statusCode)) {
    return new RejectedWriteError(`InfluxDB rejected the batch: ${error.message}`, error.statusCode, {
      cause: error,
    });
  }
  return error;
}

/**
 * Telemetry in InfluxDB 1.x. Measurement `readings`, tags `device_id`, `device_type` and
 * `retiree_id` (when known), one field per reading, millisecond precision. Writes are posted to
 * `/write` as line protocol built here (`line-protocol.ts`) over keep-alive connections of their
 * own: they carry every reading the hub takes. Queries, pings and the database itself go through
 * the `influx` package.
 */
import http from 'node:http';
import https from 'node:https';
import { InfluxDB, type IPoolOptions } from 'influx';
import { RejectedWriteError } from './errors.ts';
import { InfluxQLReader, measurement, quoteIdentifier, selectorConditions } from './influxql.ts';
import { LineProtocol } from './line-protocol.ts';
import type { Point, SeriesSelector, TelemetryStore } from './types.ts';

export interface Influx1Settings {
  /** `http://user:password@host:8086/database`; the path names the database (default `junxiu`). */
  url: string;
  /** How long one request may take, in milliseconds (default 10 000). */
  timeoutMs?: number;
}

/**
 * The package's pool takes a failed host out of service for a growing while; with one host that
 * only delays the replay after the server returns. The writer owns retries and backoff instead.
 */
type Backoff = NonNullable<IPoolOptions['backoff']>;
const neverDisable: Backoff = {
  getDelay: () => 0,
  next: () => neverDisable,
  reset: () => neverDisable,
};

/** InfluxDB answered a write with something other than 204. */
class WriteAnswerError extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(`InfluxDB answered the write with ${status}: ${text.trim().slice(0, 500)}`);
    this.name = 'WriteAnswerError';
  }
}

/**
 * The HTTP status of a refused request: the package's error for a 3xx/4xx answer carries the
 * response (it is not exported by name); a write's carries the status itself.
 */
function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof WriteAnswerError) return error.status;
  const status = (error as { res?: { statusCode?: unknown } } | null)?.res?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

const START_WAIT_MS = 2_000;

export class Influx1Store extends InfluxQLReader implements TelemetryStore {
  readonly kind = 'influx1';
  readonly database: string;
  private readonly client: InfluxDB;
  private readonly timeoutMs: number;
  private databaseReady = false;
  private readonly lineProtocol = new LineProtocol();
  private readonly writeTarget: {
    transport: typeof http | typeof https;
    agent: http.Agent;
    hostname: string;
    port: number;
    path: string;
    authorization: string | undefined;
  };

  constructor(settings: Influx1Settings) {
    super();
    const url = new URL(settings.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`InfluxDB URL must be http or https, got ${url.protocol}`);
    }
    this.database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'junxiu';
    this.timeoutMs = settings.timeoutMs ?? 10_000;
    this.client = new InfluxDB({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      database: this.database,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      pool: { maxRetries: 0, requestTimeout: this.timeoutMs, backoff: neverDisable },
    });
    const transport = url.protocol === 'https:' ? https : http;
    this.writeTarget = {
      transport,
      agent: new transport.Agent({ keepAlive: true, maxSockets: 4 }),
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      path: `/write?db=${encodeURIComponent(this.database)}&precision=ms`,
      authorization: url.username
        ? `Basic ${Buffer.from(
            `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
          ).toString('base64')}`
        : undefined,
    };
  }

  /**
   * Creates the database when the server answers. A server that is down or hung holds up the
   * hub's start for at most two seconds: the first write tries again.
   */
  async start(): Promise<void> {
    const created = this.ensureDatabase().then(
      () => true,
      (error: unknown) => {
        // A server that answers and refuses (wrong password) is a setting to fix: the hub stops.
        if (httpStatusOf(error) !== undefined) throw error;
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.min(this.timeoutMs, START_WAIT_MS));
    });
    const outcome = await Promise.race([created, late]);
    clearTimeout(timer);
    if (outcome === 'late') created.catch(() => {});
  }

  async stop(): Promise<void> {
    this.writeTarget.agent.destroy();
  }

  async write(points: Point[]): Promise<void> {
    const body = this.lineProtocol.lines(points);
    if (!body) return;
    await this.ensureDatabase();
    try {
      await this.post(body);
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** One `/write` request; resolves on 204, rejects with the answer otherwise or when none comes in time. */
  private post(body: string): Promise<void> {
    const target = this.writeTarget;
    return new Promise((resolve, reject) => {
      const request = target.transport.request(
        {
          method: 'POST',
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          agent: target.agent,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            ...(target.authorization ? { authorization: target.authorization } : {}),
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            response.resume();
            response.on('end', () => resolve());
            response.on('error', reject);
            return;
          }
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < 4096) text += chunk;
          });
          response.on('end', () => reject(new WriteAnswerError(status, text)));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => {
        request.destroy(new Error(`InfluxDB did not answer the write within ${this.timeoutMs} ms`));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  /** `DELETE … WHERE <tag>` per id: InfluxQL's DELETE takes tag predicates and drops emptied series. */
  async deleteSeries(selector: SeriesSelector): Promise<number> {
    let removed = 0;
    for (const condition of selectorConditions(selector)) removed += await this.delete(condition);
    return removed;
  }

  deleteBefore(before: number): Promise<number> {
    return this.delete(`time < ${Math.floor(before)}ms`);
  }

  /** The readings a condition selects are counted, then deleted; answers how many went. */
  private async delete(condition: string): Promise<number> {
    const removed = await this.count(condition);
    if (removed > 0)
      await this.statement(`DELETE FROM ${quoteIdentifier(measurement)} WHERE ${condition}`, 'POST');
    return removed;
  }

  async ping(): Promise<boolean> {
    const hosts = await this.client.ping(Math.min(this.timeoutMs, 2_000));
    return hosts.some((host) => host.online);
  }

  /** One InfluxQL statement against the hub's database (created first if it is missing). */
  protected async statement(text: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
    await this.ensureDatabase();
    try {
      return await this.client.queryRaw(text, { precision: 'ms', method });
    } catch (error) {
      if (httpStatusOf(error) !== undefined)
        throw new Error(`InfluxQL statement failed: ${(error as Error).message}`);
      throw error;
    }
  }

  /** `CREATE DATABASE` is idempotent in 1.x; listing first avoids needing admin rights when it exists. */
  private async ensureDatabase(): Promise<void> {
    if (this.databaseReady) return;
    let names: string[] | undefined;
    try {
      names = await this.client.getDatabaseNames();
    } catch (error) {
      if (httpStatusOf(error) === undefined) throw error;
    }
    if (!names?.includes(this.database)) {
      await this.client.createDatabase(this.database);
    }
    this.databaseReady = true;
  }

  private classify(error: unknown): unknown {
    const status = httpStatusOf(error);
    if (status === undefined) return error;
    if (status === 404) {
      // The database went away (a server reset to empty); create it again before the next try.
      this.databaseReady = false;
      return error;
    }
    if (status === 400 || status === 413 || status === 422) {
      return new RejectedWriteError(`InfluxDB rejected the batch: ${(error as Error).message}`, status, {
        cause: error,
      });
    }
    return error;
  }
}

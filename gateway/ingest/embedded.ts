/**
 * The embedded telemetry store: SQLite in the data folder, so that the hub runs with nothing
 * installed. One row per reading (a narrow table), indexed for the one read the charts make:
 * a retiree's field over a time range.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertValidQuery, storableFields, timestampOf } from './points.ts';
import type {
  Point,
  SeriesPoint,
  SeriesQuery,
  SeriesSelector,
  StoredReading,
  TelemetryStore,
} from './types.ts';

export interface EmbeddedSettings {
  /** The hub's data folder; the store keeps `telemetry.sqlite` in it. */
  dataDir: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS readings (
  ts INTEGER NOT NULL,
  retiree_id TEXT,
  device_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  field TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS readings_by_retiree ON readings (retiree_id, field, ts);
`;

const selectorWhere = `device_id IN (SELECT value FROM json_each($devices))
  OR retiree_id IN (SELECT value FROM json_each($retirees))`;

function selectorParams(selector: SeriesSelector): { devices: string; retirees: string } {
  return {
    devices: JSON.stringify(selector.deviceIds ?? []),
    retirees: JSON.stringify(selector.retireeIds ?? []),
  };
}

interface Row {
  ts: number;
  value: number;
}

export class EmbeddedStore implements TelemetryStore {
  readonly kind = 'embedded';
  readonly path: string;
  private db: Database.Database | undefined;
  private insertBatch: ((points: Point[]) => void) | undefined;

  constructor(settings: EmbeddedSettings) {
    this.path = join(settings.dataDir, 'telemetry.sqlite');
  }

  async start(): Promise<void> {
    if (this.db) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    const db = new Database(this.path);
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL loses at most the last transactions on power loss, never consistency.
    db.pragma('synchronous = NORMAL');
    db.exec(schema);
    const insert = db.prepare(
      'INSERT INTO readings (ts, retiree_id, device_id, device_type, field, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertBatch = db.transaction((points: Point[]) => {
      for (const point of points) {
        const ts = timestampOf(point);
        for (const [field, value] of storableFields(point)) {
          const stored = typeof value === 'boolean' ? (value ? 1 : 0) : value;
          insert.run(ts, point.retireeId ?? null, point.deviceId, point.deviceType, field, stored);
        }
      }
    });
    this.db = db;
  }

  async stop(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.insertBatch = undefined;
  }

  /** One transaction per batch: all points are written or none. */
  async write(points: Point[]): Promise<void> {
    if (!this.insertBatch) throw new Error('embedded telemetry store is not started');
    this.insertBatch(points);
  }

  async querySeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    assertValidQuery(query);
    const db = this.database();
    const range = {
      retiree: query.retireeId,
      field: query.field,
      from: Math.floor(query.from),
      to: Math.ceil(query.to),
    };
    if (query.every > 0) {
      // Integer division aligns buckets to the epoch, as InfluxQL's GROUP BY time() does.
      return db
        .prepare<unknown[], Row>(
          `SELECT (ts / $every) * $every AS ts, avg(value) AS value FROM readings
           WHERE retiree_id = $retiree AND field = $field AND ts >= $from AND ts < $to
           GROUP BY ts / $every ORDER BY ts / $every`,
        )
        .all({ every: BigInt(query.every), ...range });
    }
    return db
      .prepare<unknown[], Row>(
        `SELECT ts, value FROM readings
         WHERE retiree_id = $retiree AND field = $field AND ts >= $from AND ts < $to ORDER BY ts`,
      )
      .all(range);
  }

  async readSeries(selector: SeriesSelector): Promise<StoredReading[]> {
    return this.database()
      .prepare<unknown[], StoredReading>(
        `SELECT ts, device_id AS deviceId, device_type AS deviceType, retiree_id AS retireeId, field, value
         FROM readings WHERE ${selectorWhere} ORDER BY ts, field`,
      )
      .all(selectorParams(selector));
  }

  async deleteSeries(selector: SeriesSelector): Promise<number> {
    return this.database()
      .prepare(`DELETE FROM readings WHERE ${selectorWhere}`)
      .run(selectorParams(selector)).changes;
  }

  async deleteBefore(before: number): Promise<number> {
    return this.database().prepare('DELETE FROM readings WHERE ts < ?').run(Math.floor(before)).changes;
  }

  async ping(): Promise<boolean> {
    return this.db?.open === true;
  }

  private database(): Database.Database {
    if (!this.db) throw new Error('embedded telemetry store is not started');
    return this.db;
  }
}

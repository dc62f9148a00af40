/**
 * The embedded telemetry store: SQLite in the data folder, so that the hub runs with nothing
 * installed. One row per point (one device, one instant), its fields as a JSON object, indexed for
 * the one read the charts make: a retiree's field over a time range. A point is one insert and one
 * index entry however many fields it has, which is what keeps the broker's thread free under load.
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
CREATE TABLE IF NOT EXISTS points (
  ts INTEGER NOT NULL,
  retiree_id TEXT,
  device_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  -- How many fields the point holds: deletions report values, as the other stores do.
  n INTEGER NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS points_by_retiree ON points (retiree_id, ts);
`;

/**
 * Files written before points were kept whole hold one row per field in a `readings` table: folded
 * into points once, in one transaction, at the first start that finds them.
 */
const foldReadings = `
INSERT INTO points (ts, retiree_id, device_id, device_type, n, fields)
  SELECT ts, retiree_id, device_id, device_type, count(*), json_group_object(field, value)
  FROM readings GROUP BY device_id, ts, retiree_id, device_type ORDER BY ts;
DROP TABLE readings;
`;

const selectorWhere = `device_id IN (SELECT value FROM json_each($devices))
  OR retiree_id IN (SELECT value FROM json_each($retirees))`;

function selectorParams(selector: SeriesSelector): { devices: string; retirees: string } {
  return {
    devices: JSON.stringify(selector.deviceIds ?? []),
    retirees: JSON.stringify(selector.retireeIds ?? []),
  };
}

/** A field's JSON path; quoted, so that any field name is one key. */
function fieldPath(field: string): string {
  return `$.${JSON.stringify(field)}`;
}

/** Points per multi-row INSERT (6 parameters each, well under SQLite's 32,766). */
const ROWS_PER_INSERT = 100;

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
    const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'readings'").get();
    if (legacy) db.transaction(() => db.exec(foldReadings))();
    const columns = 'INSERT INTO points (ts, retiree_id, device_id, device_type, n, fields) VALUES ';
    const one = db.prepare(`${columns}(?, ?, ?, ?, ?, ?)`);
    // Rows go in ROWS_PER_INSERT at a time: one statement step for many points.
    const many = db.prepare(`${columns}${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`);
    this.insertBatch = db.transaction((points: Point[]) => {
      const values: unknown[] = [];
      for (const point of points) {
        const fields: Record<string, number> = {};
        let n = 0;
        for (const [field, value] of storableFields(point)) {
          fields[field] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
          n += 1;
        }
        if (n === 0) continue;
        values.push(
          timestampOf(point),
          point.retireeId ?? null,
          point.deviceId,
          point.deviceType,
          n,
          JSON.stringify(fields),
        );
        if (values.length === ROWS_PER_INSERT * 6) {
          many.run(values);
          values.length = 0;
        }
      }
      for (let at = 0; at < values.length; at += 6) one.run(values.slice(at, at + 6));
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
      path: fieldPath(query.field),
      from: Math.floor(query.from),
      to: Math.ceil(query.to),
    };
    const values = `SELECT ts, fields ->> $path AS value FROM points
      WHERE retiree_id = $retiree AND ts >= $from AND ts < $to`;
    if (query.every > 0) {
      // Integer division aligns buckets to the epoch, as InfluxQL's GROUP BY time() does.
      return db
        .prepare<unknown[], Row>(
          `SELECT (ts / $every) * $every AS ts, avg(value) AS value FROM (${values})
           WHERE value IS NOT NULL GROUP BY ts / $every ORDER BY ts / $every`,
        )
        .all({ every: BigInt(query.every), ...range });
    }
    return db
      .prepare<unknown[], Row>(`SELECT ts, value FROM (${values}) WHERE value IS NOT NULL ORDER BY ts`)
      .all(range);
  }

  async readSeries(selector: SeriesSelector): Promise<StoredReading[]> {
    return this.database()
      .prepare<unknown[], StoredReading>(
        `SELECT p.ts, p.device_id AS deviceId, p.device_type AS deviceType, p.retiree_id AS retireeId,
                f.key AS field, f.value AS value
         FROM points p, json_each(p.fields) f WHERE ${selectorWhere} ORDER BY p.ts, f.key`,
      )
      .all(selectorParams(selector));
  }

  async deleteSeries(selector: SeriesSelector): Promise<number> {
    const db = this.database();
    const params = selectorParams(selector);
    return db.transaction(() => {
      const { values } = db
        .prepare<unknown[], { values: number | null }>(
          `SELECT sum(n) AS "values" FROM points WHERE ${selectorWhere}`,
        )
        .get(params) ?? { values: 0 };
      db.prepare(`DELETE FROM points WHERE ${selectorWhere}`).run(params);
      return values ?? 0;
    })();
  }

  async deleteBefore(before: number): Promise<number> {
    const db = this.database();
    const limit = Math.floor(before);
    return db.transaction(() => {
      const { values } = db
        .prepare<unknown[], { values: number | null }>('SELECT sum(n) AS "values" FROM points WHERE ts < ?')
        .get(limit) ?? { values: 0 };
      db.prepare('DELETE FROM points WHERE ts < ?').run(limit);
      return values ?? 0;
    })();
  }

  async ping(): Promise<boolean> {
    return this.db?.open === true;
  }

  private database(): Database.Database {
    if (!this.db) throw new Error('embedded telemetry store is not started');
    return this.db;
  }
}

/**
 * Placing a watch by the cell towers it hears, when it has no satellite fix (indoors, a pocket):
 * the centre imports where the region's towers stand from an OpenCelliD export, and a report that
 * lists towers but no fix is placed near them, with how far off that place may be.
 *
 * OpenCelliD's CSV (https://wiki.opencellid.org/wiki/Menu_map_view#Database): one tower a line,
 * `radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal`,
 * `area` the LAC or TAC, `cell` the cell id (an LTE ECI or NR NCI may pass 2^32), `range` metres,
 * `created` and `updated` Unix seconds. CDMA lines give SID, NID and BID in the same columns.
 */
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { Queryable } from '../db/database.ts';
import { distanceMetres, type LatLon } from './geo.ts';

export const OPENCELLID_HEADER =
  'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated';
const RADIOS = new Set(['GSM', 'UMTS', 'LTE', 'NR', 'CDMA']);
/** A line longer than this is no tower (the longest real ones are under 120 characters). */
const MAX_LINE = 1_000;
/** Towers written per statement. */
const BATCH = 500;
/** A range the export leaves at 0 (unknown) is taken as a town cell's. */
const UNKNOWN_RANGE_M = 1_000;
/** Problem lines named in the answer; the rest are only counted. */
const PROBLEMS_SHOWN = 20;

export interface CellTower {
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
  radio: string;
  lat: number;
  lon: number;
  rangeM: number;
  samples: number;
  updatedAt: Date;
}

/** A tower a watch heard; the first it lists is the one it is served by. */
export interface HeardCell {
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
}

export interface CellPlace extends LatLon {
  /** Metres within which the watch is, as far as the towers tell. */
  accuracyM: number;
  /** How many of the towers heard are known. */
  towers: number;
}

export interface ImportResult {
  /** Towers in the file. */
  read: number;
  /** Of those, written: new, or newer than the one stored. */
  imported: number;
  skipped: number;
  problems: { line: number; reason: string }[];
}

const whole = (text: string | undefined, max: number): number | undefined => {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value <= max ? value : undefined;
};

const degrees = (text: string | undefined, limit: number): number | undefined => {
  if (text === undefined || !/^-?\d{1,3}(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Math.abs(value) <= limit ? value : undefined;
};

/** One line of the export as a tower, or why it is none. */
export function parseTowerLine(line: string): CellTower | string {
  if (line.length > MAX_LINE) return 'line too long';
  const fields = line.split(',');
  if (fields.length < 13) return `${fields.length} columns, 13 or more expected`;
  const [radio = '', mccText, netText, areaText, cellText, , lonText, latText, rangeText, samplesText] =
    fields;
  if (!RADIOS.has(radio)) return `unknown radio "${radio.slice(0, 20)}"`;
  const mcc = whole(mccText, 999);
  const mnc = whole(netText, 999);
  const lac = whole(areaText, 2 ** 31 - 1);
  const cid = whole(cellText, Number.MAX_SAFE_INTEGER);
  if (mcc === undefined || mnc === undefined || lac === undefined || cid === undefined) {
    return 'mcc, net, area and cell must be whole numbers';
  }
  const lat = degrees(latText, 90);
  const lon = degrees(lonText, 180);
  if (lat === undefined || lon === undefined) return 'lat and lon must be degrees';
  const range = whole(rangeText, 2 ** 31 - 1);
  if (range === undefined) return 'range must be whole metres';
  const updated = whole(fields[12], 4_102_444_800);
  if (updated === undefined) return 'updated must be Unix seconds';
  return {
    radio,
    mcc,
    mnc,
    lac,
    cid,
    lat,
    lon,
    rangeM: range,
    samples: whole(samplesText, 2 ** 31 - 1) ?? 0,
    updatedAt: new Date(updated * 1000),
  };
}

const keyOf = (cell: HeardCell) => `${cell.mcc}/${cell.mnc}/${cell.lac}/${cell.cid}`;

/** Thrown when the file as a whole is no tower export: nothing of it was written. */
export class NotATowerFile extends Error {}

export class CellTowers {
  constructor(private readonly db: Queryable) {}

  /**
   * Writes the towers of an export, a batch at a time, a tower kept only when the file's is newer
   * than the one stored: importing the same file twice, or an older one, changes nothing. A
   * line that is no tower is skipped and counted; a file whose first line is neither the header
   * nor a tower is refused before anything is written.
   */
  async import(input: Readable, maxTowers: number): Promise<ImportResult> {
    const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const result: ImportResult = { read: 0, imported: 0, skipped: 0, problems: [] };
    let batch = new Map<string, CellTower>();
    let number = 0;
    const skip = (line: number, reason: string) => {
      result.skipped += 1;
      if (result.problems.length < PROBLEMS_SHOWN) result.problems.push({ line, reason });
    };
    for await (const raw of lines) {
      number += 1;
      const line = raw.trim();
      if (number === 1) {
        if (line.startsWith(OPENCELLID_HEADER)) continue;
        if (typeof parseTowerLine(line) === 'string') {
          throw new NotATowerFile(
            `not an OpenCelliD export: the first line is neither "${OPENCELLID_HEADER},…" nor a tower`,
          );
        }
      }
      if (line === '') continue;
      const tower = parseTowerLine(line);
      if (typeof tower === 'string') {
        skip(number, tower);
        continue;
      }
      result.read += 1;
      if (result.read > maxTowers) throw new NotATowerFile(`more than ${maxTowers} towers in one file`);
      // A tower twice in one batch would be two changes of one row in one statement.
      const key = keyOf(tower);
      const before = batch.get(key);
      if (!before || before.updatedAt <= tower.updatedAt) batch.set(key, tower);
      if (batch.size >= BATCH) {
        result.imported += await this.write([...batch.values()]);
        batch = new Map();
      }
    }
    if (batch.size > 0) result.imported += await this.write([...batch.values()]);
    return result;
  }

  private async write(towers: CellTower[]): Promise<number> {
    const rows = await this.db.query(
      `insert into cell_towers as t (mcc, mnc, lac, cid, radio, lat, lon, range_m, samples, updated_at)
       select * from unnest($1::int[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::float8[], $7::float8[],
         $8::int[], $9::int[], $10::timestamptz[])
       on conflict (mcc, mnc, lac, cid) do update set radio = excluded.radio, lat = excluded.lat, lon = excluded.lon,
         range_m = excluded.range_m, samples = excluded.samples, updated_at = excluded.updated_at
       where t.updated_at < excluded.updated_at
       returning mcc`,
      [
        towers.map((tower) => tower.mcc),
        towers.map((tower) => tower.mnc),
        towers.map((tower) => tower.lac),
        towers.map((tower) => String(tower.cid)),
        towers.map((tower) => tower.radio),
        towers.map((tower) => tower.lat),
        towers.map((tower) => tower.lon),
        towers.map((tower) => tower.rangeM),
        towers.map((tower) => tower.samples),
        towers.map((tower) => tower.updatedAt),
      ],
    );
    return rows.length;
  }

  /** How many towers are known, per network, and the newest of them. */
  async summary(): Promise<{
    towers: number;
    updatedAt: string | null;
    networks: { mcc: number; mnc: number; towers: number }[];
  }> {
    const networks = await this.db.query<{ mcc: number; mnc: number; towers: string; newest: Date }>(
      `select mcc, mnc, count(*) as towers, max(updated_at) as newest from cell_towers
       group by mcc, mnc order by count(*) desc, mcc, mnc`,
    );
    const newest = networks.reduce<Date | null>(
      (latest, row) => (latest === null || new Date(row.newest) > latest ? new Date(row.newest) : latest),
      null,
    );
    return {
      towers: networks.reduce((sum, row) => sum + Number(row.towers), 0),
      updatedAt: newest ? newest.toISOString() : null,
      networks: networks.map((row) => ({ mcc: row.mcc, mnc: row.mnc, towers: Number(row.towers) })),
    };
  }

  /**
   * Where a watch hearing these towers is: the mean of the known towers' places, each weighted by
   * how small its cell is (a small cell pins the watch more closely) and the serving cell (listed
   * first) twice. The watch is within range of every tower it hears, so it is within `distance to
   * the tower + its range` of that place for each: the smallest of those is the accuracy. Null
   * when no tower heard is known.
   */
  async locate(heard: HeardCell[]): Promise<CellPlace | null> {
    const cells = heard.slice(0, 16);
    if (cells.length === 0) return null;
    const known = await this.db.query<{
      mcc: number;
      mnc: number;
      lac: number;
      cid: string;
      lat: number;
      lon: number;
      rangeM: number;
    }>(
      `select mcc, mnc, lac, cid, lat, lon, range_m as "rangeM" from cell_towers
       where (mcc, mnc, lac, cid) in (select * from unnest($1::int[], $2::int[], $3::int[], $4::bigint[]))`,
      [
        cells.map((cell) => cell.mcc),
        cells.map((cell) => cell.mnc),
        cells.map((cell) => cell.lac),
        cells.map((cell) => String(cell.cid)),
      ],
    );
    if (known.length === 0) return null;
    const serving = cells[0] ? keyOf(cells[0]) : '';
    let lat = 0;
    let lon = 0;
    let total = 0;
    const towers = known.map((row) => ({ ...row, rangeM: row.rangeM > 0 ? row.rangeM : UNKNOWN_RANGE_M }));
    for (const tower of towers) {
      const weight =
        ((keyOf({ ...tower, cid: Number(tower.cid) }) === serving ? 2 : 1) * 1000) / tower.rangeM;
      lat += tower.lat * weight;
      lon += tower.lon * weight;
      total += weight;
    }
    const place = { lat: lat / total, lon: lon / total };
    const accuracyM = Math.min(...towers.map((tower) => distanceMetres(place, tower) + tower.rangeM));
    return {
      lat: Math.round(place.lat * 1e6) / 1e6,
      lon: Math.round(place.lon * 1e6) / 1e6,
      accuracyM: Math.round(accuracyM),
      towers: towers.length,
    };
  }
}

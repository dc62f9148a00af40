/**
 * The live wall a page at a time, attention first: retirees with an unacknowledged alert (worst
 * severity first), then those whose alerts are all being handled, then everyone else by name. A
 * name filter never hides a retiree with an active alert (5.1.7: the duty officer must see every
 * emergency), so those are always in the list and counted in its total.
 *
 * The attention part is read from the active alerts alone (the partial index of migration 020):
 * with a million closed alerts the wall never walks the history.
 */
import { SEVERITIES, type Severity, severityRank } from '../../devices/alerts.ts';
import type { Database } from '../db/database.ts';
import type { Latest } from '../devices/state.ts';
import type { DeviceBrief } from '../schemas/retirees.ts';
import { ACTIVE_STATUSES } from '../store/alerts.ts';
import { isoDate } from '../store/rows.ts';
import type { Scope } from '../store/scope.ts';

const ACTIVE_SQL = `(${ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const SEVERITY_RANK = `case a.severity ${SEVERITIES.map((severity) => `when '${severity}' then ${severityRank[severity]}`).join(' ')} end`;

/** Per retiree with an active alert: how many are unacknowledged, how many handled, the worst severity's rank. */
const ACTIVE_BY_RETIREE = `select a.retiree_id,
         count(*) filter (where a.status = 'open')::int as open,
         count(*) filter (where a.status <> 'open')::int as handled,
         min(${SEVERITY_RANK})::int as worst
    from alerts a
   where a.status in ${ACTIVE_SQL} and a.retiree_id is not null
   group by a.retiree_id`;

export interface WallRetiree {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  address: string;
  openAlerts: number;
  acknowledgedAlerts: number;
  worstSeverity: Severity | null;
}

interface Row {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birth_date: Date | string;
  address: string;
  open: number | null;
  handled: number | null;
  worst: number | null;
}

export interface WallDeviceRow {
  id: string;
  type: string;
  retiree_id: string;
  online: boolean;
  battery: number | null;
  last_seen_at: Date | null;
  latest: Latest | null;
}

function toRetiree(row: Row): WallRetiree {
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    birthDate: isoDate(row.birth_date),
    address: row.address,
    openAlerts: row.open ?? 0,
    acknowledgedAlerts: row.handled ?? 0,
    worstSeverity: row.worst === null ? null : (SEVERITIES[row.worst] ?? null),
  };
}

/**
 * Names in pinyin order (艾 ‹ 白 ‹ 陈 ‹ 张), as the staff look a name up on the wall: the ICU
 * collation of the runtime, which the database may lack (PGlite has no ICU), ids breaking ties.
 */
const PINYIN = new Intl.Collator('zh-CN');
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  PINYIN.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export interface WallListing {
  items: WallRetiree[];
  total: number;
  attention: number;
  offlineDevices: number;
}

export class WallStore {
  constructor(private readonly db: Database) {}

  async page(scope: Scope, query: { limit: number; offset: number; q?: string }): Promise<WallListing> {
    const { limit, offset } = query;
    const q = query.q?.trim() || null;
    // The station column of the retiree: a caseworker's scope (server/store/scope.ts).
    const station = scope.station;

    const [attentionCount] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from (${ACTIVE_BY_RETIREE}) a
         join retirees r on r.id = a.retiree_id
        where $1::text is null or r.station = $1`,
      [station],
    );
    const attention = attentionCount?.n ?? 0;

    const items: WallRetiree[] = [];
    if (offset < attention) {
      // Few retirees have an active alert at once: all of them are read and put in order here.
      const rows = await this.db.query<Row>(
        `select r.id, r.name, r.gender, r.birth_date, r.address, a.open, a.handled, a.worst
           from (${ACTIVE_BY_RETIREE}) a
           join retirees r on r.id = a.retiree_id
          where $1::text is null or r.station = $1`,
        [station],
      );
      rows.sort(
        (a, b) =>
          Number((a.open ?? 0) === 0) - Number((b.open ?? 0) === 0) ||
          (a.worst ?? 99) - (b.worst ?? 99) ||
          byName(a, b),
      );
      items.push(...rows.slice(offset, offset + limit).map(toRetiree));
    }

    // Everyone else: the name filter applies.
    const rest = `from retirees r
      where ($1::text is null or r.station = $1)
        and ($2::text is null or r.name ilike $2)
        and r.id not in (select a.retiree_id from alerts a where a.status in ${ACTIVE_SQL} and a.retiree_id is not null)`;
    const restParams = [station, q === null ? null : likePattern(q)];
    const [restCount] = await this.db.query<{ n: number }>(`select count(*)::int as n ${rest}`, restParams);
    const others = restCount?.n ?? 0;
    if (items.length < limit && offset + items.length < attention + others) {
      // The page of names is chosen in pinyin order from every name (ids and names only), then read.
      const names = await this.db.query<{ id: string; name: string }>(
        `select r.id, r.name ${rest}`,
        restParams,
      );
      const start = Math.max(0, offset - attention);
      const ids = names
        .sort(byName)
        .slice(start, start + limit - items.length)
        .map((row) => row.id);
      const rows = await this.db.query<Row>(
        `select r.id, r.name, r.gender, r.birth_date, r.address, null::int as open, null::int as handled, null::int as worst
           from retirees r where r.id = any($1::uuid[])`,
        [ids],
      );
      const position = new Map(ids.map((id, index) => [id, index]));
      rows.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
      items.push(...rows.map(toRetiree));
    }

    const [offline] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from devices d join retirees r on r.id = d.retiree_id
        where not d.online and ($1::text is null or r.station = $1)`,
      [station],
    );
    return { items, total: attention + others, attention, offlineDevices: offline?.n ?? 0 };
  }

  /**
   * The devices of these retirees (every bound device when `retireeIds` is null), with only what a
   * tile shows: of the stored latest readings just the heart rate.
   */
  async devicesOf(retireeIds: string[] | null): Promise<WallDeviceRow[]> {
    if (retireeIds?.length === 0) return [];
    return this.db.query<WallDeviceRow>(
      `select id, type, retiree_id, online, battery, last_seen_at,
              case when latest ? 'hr' then jsonb_build_object('hr', latest->'hr') end as latest
         from devices where retiree_id is not null and ($1::uuid[] is null or retiree_id = any($1::uuid[]))
        order by id`,
      [retireeIds],
    );
  }
}

/** What a tile shows of a retiree's devices: the newest heart rate of any of them, and each device. */
export interface TileDevices {
  hr: number | null;
  hrAt: string | null;
  devices: DeviceBrief[];
}

/**
 * Groups the rows by retiree in one pass (the list of a large centre stays linear) and overlays the
 * stored readings with newer ones seen since (`latest`, the device state's). A retiree without
 * devices gets an empty tile part.
 */
export function tileDevices(
  rows: WallDeviceRow[],
  latest: (deviceId: string, stored: Latest) => Latest,
): (retireeId: string) => TileDevices {
  const byRetiree = new Map<string, WallDeviceRow[]>();
  for (const row of rows) {
    const list = byRetiree.get(row.retiree_id);
    if (list) list.push(row);
    else byRetiree.set(row.retiree_id, [row]);
  }
  return (retireeId) => {
    const own = byRetiree.get(retireeId) ?? [];
    let hr: { value: number; ts: number } | null = null;
    for (const device of own) {
      const reading = latest(device.id, device.latest ?? {}).hr;
      if (reading && typeof reading.value === 'number' && (!hr || reading.ts > hr.ts)) {
        hr = { value: reading.value, ts: reading.ts };
      }
    }
    return {
      hr: hr?.value ?? null,
      hrAt: hr ? new Date(hr.ts).toISOString() : null,
      devices: own.map((device) => ({
        id: device.id,
        type: device.type,
        online: device.online,
        battery: device.battery,
        lastSeenAt: device.last_seen_at ? new Date(device.last_seen_at).toISOString() : null,
      })),
    };
  };
}

import type { Database } from '../db/database.ts';
import type { Device, DeviceInput } from '../schemas/devices.ts';
import { inChunks, type Timed, timed } from './rows.ts';

export interface DeviceRecord extends Device {
  secretHash: string;
  /** Latest value of each reading, with its time (epoch ms). */
  latest: Record<string, { value: number | boolean; ts: number }>;
  /** When `battery` was measured. */
  batteryAt: string | null;
}

/** A device as selected under its record's names, its times as the driver gives them. */
type DeviceRow = Timed<DeviceRecord, 'lastSeenAt' | 'createdAt' | 'batteryAt'>;

const deviceColumns = `id, type, secret_hash as "secretHash", retiree_id as "retireeId", room, label, online, battery,
  battery_at as "batteryAt", last_seen_at as "lastSeenAt", latest, created_at as "createdAt", bridge_id as "bridgeId",
  ieee_address as "ieeeAddress", friendly_name as "friendlyName", options`;

function toDevice(row: DeviceRow): DeviceRecord {
  const stored = { ...row, latest: row.latest ?? {}, options: row.options ?? {} };
  return timed(stored, 'lastSeenAt', 'createdAt', 'batteryAt');
}

export function publicDevice(record: DeviceRecord): Device {
  const { secretHash: _secret, latest: _latest, batteryAt: _batteryAt, ...device } = record;
  return device;
}

/** What the device registry asks for: one page of the devices a filter finds, in a stable order. */
export interface DeviceListing {
  /** Part of the id, label, room, Zigbee friendly name or bound retiree's name (case-insensitive). */
  q?: string;
  /** Types whose name matches `q` as well (the names live in devices/, not in the database). */
  typesNamed?: readonly string[];
  type?: string;
  online?: boolean;
  /** The one station whose retirees' devices are listed, with the unbound ones; null for all. */
  station: string | null;
  /** A type never listed (the hub's own row). */
  hidden: string;
  limit: number;
  offset: number;
}

/** A listed device with its revocation, as the registry shows it. */
export interface ListedDevice extends DeviceRecord {
  revokedAt: string | null;
  revokedReason: string | null;
  secretRotatedAt: string | null;
}

type ListedRow = DeviceRow & {
  revokedAt: Date | string | null;
  revokedReason: string | null;
  secretRotatedAt: Date | string | null;
};

/** `text` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Devices per statement when the latest readings are saved. PGlite runs a statement on the hub's
 * own thread, about 15 ms for 100 devices with 19,000 connected: a batch is cut small, and the
 * loop serves what waits (an alarm) between its statements.
 */
const SAVE_CHUNK = 100;

/** SQL: a battery level `level` taken at `at` is newer than the one the row holds. */
const NEWER_BATTERY = (level: string, at: string, row = '') =>
  `${level} is not null and (${row}battery_at is null or ${at} >= ${row}battery_at)`;

export class DeviceStore {
  constructor(private readonly db: Database) {}

  async create(input: DeviceInput & { id: string; secretHash: string }): Promise<DeviceRecord> {
    const [row] = await this.db.query<DeviceRow>(
      `insert into devices (id, type, secret_hash, retiree_id, room, label, bridge_id, ieee_address, friendly_name, options)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) returning ${deviceColumns}`,
      [
        input.id,
        input.type,
        input.secretHash,
        input.retireeId ?? null,
        input.room ?? '',
        input.label ?? '',
        input.bridgeId ?? null,
        input.ieeeAddress?.toLowerCase() ?? null,
        input.friendlyName ?? null,
        JSON.stringify(input.options ?? {}),
      ],
    );
    if (!row) throw new Error('device insert returned nothing');
    return toDevice(row);
  }

  /** Takes out a device just registered whose account on an external broker could not be made. */
  async forget(id: string): Promise<void> {
    await this.db.query('delete from devices where id = $1', [id]);
  }

  async byId(id: string): Promise<DeviceRecord | null> {
    const [row] = await this.db.query<DeviceRow>(`select ${deviceColumns} from devices where id = $1`, [id]);
    return row ? toDevice(row) : null;
  }

  async list(): Promise<DeviceRecord[]> {
    const rows = await this.db.query<DeviceRow>(`select ${deviceColumns} from devices order by id`);
    return rows.map(toDevice);
  }

  /**
   * One page of the registry and how many devices the filter finds in all. Offline devices first
   * (the ones to act on), then by id: the id is unique, so pages never overlap or skip a device.
   * The (online, id) index (migration 029) gives that order without sorting the whole table.
   */
  async listing(filter: DeviceListing): Promise<{ items: ListedDevice[]; total: number }> {
    const params: unknown[] = [filter.hidden];
    const where = ['d.type <> $1'];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.station !== null) where.push(`(d.retiree_id is null or r.station = ${add(filter.station)})`);
    if (filter.type !== undefined) where.push(`d.type = ${add(filter.type)}`);
    if (filter.online !== undefined) where.push(`d.online = ${add(filter.online)}`);
    const q = filter.q?.trim();
    if (q) {
      // `search` is the lower-cased id, label, room and friendly name (migration 029): one LIKE, not four ILIKEs.
      const like = add(containing(q.toLowerCase()));
      const named = filter.typesNamed?.length ? ` or d.type = any(${add(filter.typesNamed)}::text[])` : '';
      where.push(`(d.search like ${like} or r.name ilike ${like}${named})`);
    }
    const from = `from devices d left join retirees r on r.id = d.retiree_id where ${where.join(' and ')}`;
    const filterParams = [...params];
    const paging = `limit ${add(filter.limit)} offset ${add(filter.offset)}`;
    const [counted, rows] = await Promise.all([
      this.db.query<{ n: number }>(`select count(*)::int as n ${from}`, filterParams),
      this.db.query<ListedRow>(
        `select ${deviceColumns}, revoked_at as "revokedAt", revoked_reason as "revokedReason",
           secret_rotated_at as "secretRotatedAt"
           from (select d.* ${from} order by d.online, d.id ${paging}) page
          order by online, id`,
        params,
      ),
    ]);
    const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
    const items = rows.map(({ revokedAt, revokedReason, secretRotatedAt, ...row }) => ({
      ...toDevice(row),
      revokedAt: iso(revokedAt),
      revokedReason,
      secretRotatedAt: iso(secretRotatedAt),
    }));
    return { items, total: counted[0]?.n ?? 0 };
  }

  async byRetiree(retireeId: string): Promise<DeviceRecord[]> {
    const rows = await this.db.query<DeviceRow>(
      `select ${deviceColumns} from devices where retiree_id = $1 order by id`,
      [retireeId],
    );
    return rows.map(toDevice);
  }

  /**
   * At start no device is connected to this instance yet: each says it is online when it connects.
   * Given `types`, only devices of those types (on an external broker, the others stay connected to
   * it), and among them only those not linked to another live instance (`hub_instances`).
   */
  async markOfflineAtStart(types?: string[]): Promise<void> {
    await this.db.query(
      `update devices set online = false, linked_to = null
        where online and ($1::text[] is null
          or (type = any($1::text[]) and (linked_to is null or linked_to not in (select id from hub_instances))))`,
      [types ?? null],
    );
  }

  /**
   * Devices linked to an instance not heard from within `staleMs` (killed, its machine gone): marked
   * offline, and their ids given back.
   */
  async unlinkGone(staleMs: number): Promise<string[]> {
    // The instances devices are linked to, a few steps through `devices_linked_to` however many
    // devices are connected (this runs every few seconds), less the live ones.
    const [found] = await this.db.query<{ gone: string[] }>(
      `with recursive linked (id) as (
         (select linked_to from devices where linked_to is not null order by linked_to limit 1)
         union all
         select (select d.linked_to from devices d where d.linked_to > linked.id order by d.linked_to limit 1)
           from linked where linked.id is not null
       )
       select coalesce(array_agg(id), '{}') as gone from linked
        where id is not null
          and id not in (select id from hub_instances where seen_at > now() - $1 * interval '1 millisecond')`,
      [staleMs],
    );
    if (!found || found.gone.length === 0) return [];
    // Checked again as the rows are written: an instance heard from meanwhile keeps its devices.
    const rows = await this.db.query<{ id: string }>(
      `update devices set online = false, linked_to = null
        where linked_to = any($1::uuid[]) and linked_to not in
          (select id from hub_instances where seen_at > now() - $2 * interval '1 millisecond')
        returning id`,
      [found.gone, staleMs],
    );
    return rows.map((row) => row.id);
  }

  /** Of `ids`, the devices linked to no instance and not revoked: marked offline by a sweep. */
  async unlinked(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<{ id: string }>(
      'select id from devices where id = any($1::text[]) and linked_to is null and revoked_at is null order by id',
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /**
   * A status message: its online state and battery level replace the stored ones only when they
   * are newer (`at`), so two instances handling one device's messages leave the newest on record.
   */
  async setStatus(
    id: string,
    status: {
      online: boolean;
      battery?: number;
      firmware?: string;
      at: Date;
      /**
       * The instance whose connection this status is of: online links the device to it; offline
       * counts only while the device is linked to it (it may have connected to another since).
       */
      linkedTo?: string;
    },
  ): Promise<void> {
    const applies =
      '(status_at is null or status_at <= $5) and ($6::uuid is null or $2 or linked_to is null or linked_to = $6::uuid)';
    await this.db.query(
      `update devices set
         online = case when ${applies} then $2 else online end,
         linked_to = case when $6::uuid is null or not (${applies}) then linked_to when $2 then $6::uuid end,
         status_at = case when ${applies} then greatest(coalesce(status_at, $5), $5) else status_at end,
         firmware = coalesce($4, firmware),
         battery = case when ${NEWER_BATTERY('$3::real', '$5')} then $3::real else battery end,
         battery_at = case when ${NEWER_BATTERY('$3::real', '$5')} then $5 else battery_at end,
         last_seen_at = greatest(coalesce(last_seen_at, $5), $5)
       where id = $1`,
      [
        id,
        status.online,
        status.battery ?? null,
        status.firmware ?? null,
        status.at,
        status.linkedTo ?? null,
      ],
    );
  }

  /**
   * Stores the latest readings of several devices at once (called on a timer, not per message):
   * one statement per `SAVE_CHUNK` devices, each atomic on its own, so that an alert's transaction
   * waits for at most one chunk, never for the whole batch of a large centre. The caller hands
   * over only readings newer than the stored ones (DeviceState orders them by time in memory); the
   * battery level is judged here too, against the time of the one held, since a status message
   * stores its level at once (setStatus) while readings wait for the next batch.
   */
  async saveLatest(
    updates: {
      id: string;
      latest: Record<string, { value: number | boolean; ts: number }>;
      lastSeen: Date;
    }[],
  ): Promise<void> {
    await inChunks(updates, SAVE_CHUNK, (batch) => {
      const chunk = batch.map((update) => {
        const battery = update.latest.battery;
        const level = typeof battery?.value === 'number' ? battery : undefined;
        return {
          id: update.id,
          latest: update.latest,
          last_seen: update.lastSeen.toISOString(),
          battery: level?.value ?? null,
          battery_at: level ? new Date(level.ts).toISOString() : null,
        };
      });
      return this.db.query(
        `update devices d set
           latest = d.latest || u.latest,
           battery = case when ${NEWER_BATTERY('u.battery', 'u.battery_at', 'd.')} then u.battery else d.battery end,
           battery_at = case when ${NEWER_BATTERY('u.battery', 'u.battery_at', 'd.')} then u.battery_at else d.battery_at end,
           last_seen_at = greatest(coalesce(d.last_seen_at, u.last_seen), u.last_seen)
           from jsonb_to_recordset($1::jsonb)
             as u(id text, latest jsonb, last_seen timestamptz, battery real, battery_at timestamptz)
          where d.id = u.id`,
        [JSON.stringify(chunk)],
      );
    });
  }
}

/** The latest fix of each retiree and their safe zones, in the records database (migration 023). */
import type { DevicePosition } from '../../devices/contract.ts';
import type { Queryable } from '../db/database.ts';
import { amapLink, wgs84ToGcj02 } from './geo.ts';
import type { RetireeLocation, SafeZoneBody, SafeZoneRecord } from './schemas.ts';
import { INITIAL_STATE, type SafeZone, type ZoneState } from './zone.ts';

interface LocationRow {
  retireeId: string;
  deviceId: string;
  fixedAt: Date;
  receivedAt: Date;
  lat: number;
  lon: number;
  valid: boolean;
  source: 'gps' | 'wifi' | 'cell';
  speedKmh: number | null;
  course: number | null;
  accuracyM: number | null;
}

/** A fix as kept: a place found from the towers a watch heard says how far off it may be. */
export type PlacedPosition = DevicePosition & { accuracyM?: number };

interface ZoneRow {
  retireeId: string;
  lat: number;
  lon: number;
  radiusM: number;
  reason: string;
  setAt: Date;
  setBy: string | null;
  state: 'inside' | 'outside';
  outsideStreak: number;
  lastFixAt: Date | null;
  recent: ZoneState['recent'];
  departurePending: boolean;
}

const ZONE_COLUMNS = `retiree_id as "retireeId", lat, lon, radius_m as "radiusM", reason, set_at as "setAt",
  set_by as "setBy", state, outside_streak as "outsideStreak", last_fix_at as "lastFixAt", recent,
  departure_pending as "departurePending"`;

const iso = (value: Date | string) => new Date(value).toISOString();

export function locationOf(row: LocationRow): RetireeLocation {
  return {
    retireeId: row.retireeId,
    deviceId: row.deviceId,
    fixedAt: iso(row.fixedAt),
    receivedAt: iso(row.receivedAt),
    lat: row.lat,
    lon: row.lon,
    valid: row.valid,
    source: row.source,
    speedKmh: row.speedKmh,
    course: row.course,
    accuracyM: row.accuracyM,
    gcj02: wgs84ToGcj02(row),
    mapUrl: amapLink(row),
  };
}

function zoneOf(row: ZoneRow): SafeZoneRecord {
  return {
    retireeId: row.retireeId,
    lat: row.lat,
    lon: row.lon,
    radiusM: row.radiusM,
    reason: row.reason,
    setAt: iso(row.setAt),
    setBy: row.setBy,
    state: row.state,
    lastFixAt: row.lastFixAt ? iso(row.lastFixAt) : null,
    mapUrl: amapLink(row),
  };
}

export class LocationStore {
  constructor(private readonly db: Queryable) {}

  async latest(retireeId: string): Promise<RetireeLocation | null> {
    const [row] = await this.db.query<LocationRow>(
      `select retiree_id as "retireeId", device_id as "deviceId", fixed_at as "fixedAt", received_at as "receivedAt",
         lat, lon, valid, source, speed_kmh as "speedKmh", course, accuracy_m as "accuracyM"
         from retiree_locations where retiree_id = $1`,
      [retireeId],
    );
    return row ? locationOf(row) : null;
  }

  /**
   * Keeps the fix as the retiree's latest unless a newer one is stored already (a watch sends its
   * stored reports after a gap, oldest first), or a valid one of the same instant; true when kept.
   */
  async keep(
    retireeId: string,
    deviceId: string,
    position: PlacedPosition,
    receivedAt: Date,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `insert into retiree_locations as l (retiree_id, device_id, fixed_at, lat, lon, valid, source, speed_kmh, course, received_at, accuracy_m)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (retiree_id) do update set device_id = excluded.device_id, fixed_at = excluded.fixed_at,
         lat = excluded.lat, lon = excluded.lon, valid = excluded.valid, source = excluded.source,
         speed_kmh = excluded.speed_kmh, course = excluded.course, received_at = excluded.received_at,
         accuracy_m = excluded.accuracy_m
       where l.fixed_at < excluded.fixed_at or (l.fixed_at = excluded.fixed_at and not l.valid)
       returning retiree_id`,
      [
        retireeId,
        deviceId,
        new Date(position.ts),
        position.lat,
        position.lon,
        position.valid,
        position.source,
        position.speedKmh ?? null,
        position.course ?? null,
        receivedAt,
        position.accuracyM ?? null,
      ],
    );
    return rows.length === 1;
  }

  async zone(retireeId: string): Promise<SafeZoneRecord | null> {
    const [row] = await this.db.query<ZoneRow>(
      `select ${ZONE_COLUMNS} from safe_zones where retiree_id = $1`,
      [retireeId],
    );
    return row ? zoneOf(row) : null;
  }

  /** The zone and its rule's state, locked for update: fixes of one retiree are judged one at a time. */
  async zoneForUpdate(retireeId: string): Promise<{ zone: SafeZone; state: ZoneState } | null> {
    const [row] = await this.db.query<ZoneRow>(
      `select ${ZONE_COLUMNS} from safe_zones where retiree_id = $1 for update`,
      [retireeId],
    );
    if (!row) return null;
    return {
      zone: { lat: row.lat, lon: row.lon, radiusM: row.radiusM },
      state: {
        outside: row.state === 'outside',
        streak: row.outsideStreak,
        lastFixAt: row.lastFixAt ? new Date(row.lastFixAt).getTime() : null,
        recent: row.recent ?? [],
        pending: row.departurePending,
      },
    };
  }

  async saveState(retireeId: string, state: ZoneState): Promise<void> {
    await this.db.query(
      `update safe_zones set state = $2, outside_streak = $3, last_fix_at = $4, recent = $5::jsonb,
         departure_pending = $6
       where retiree_id = $1`,
      [
        retireeId,
        state.outside ? 'outside' : 'inside',
        state.streak,
        state.lastFixAt === null ? null : new Date(state.lastFixAt),
        JSON.stringify(state.recent),
        state.pending,
      ],
    );
  }

  /** The departure's alert is open: later fixes outside report nothing more. */
  async departureTaken(retireeId: string): Promise<void> {
    await this.db.query(
      `update safe_zones set departure_pending = false where retiree_id = $1 and state = 'outside'`,
      [retireeId],
    );
  }

  /**
   * Departures stored but not yet taken by the alert workflow (the hub stopped between the two),
   * with the device of the retiree's latest fix to propose them from.
   */
  async pendingDepartures(): Promise<{ retireeId: string; deviceId: string }[]> {
    return this.db.query(
      `select z.retiree_id as "retireeId", l.device_id as "deviceId"
       from safe_zones z join retiree_locations l on l.retiree_id = z.retiree_id
       where z.departure_pending and z.state = 'outside'`,
    );
  }

  /**
   * Sets the zone. A new home or radius starts the rule afresh (inside): the next fixes decide, and
   * a departure already reported stays on its alert.
   */
  async setZone(retireeId: string, body: SafeZoneBody, userId: string, at: Date): Promise<SafeZoneRecord> {
    const [row] = await this.db.query<ZoneRow>(
      `insert into safe_zones (retiree_id, lat, lon, radius_m, reason, set_by, set_at, state, outside_streak, last_fix_at, recent)
       values ($1, $2, $3, $4, $5, $6, $7, '${INITIAL_STATE.outside ? 'outside' : 'inside'}', 0, null, '[]'::jsonb)
       on conflict (retiree_id) do update set lat = excluded.lat, lon = excluded.lon, radius_m = excluded.radius_m,
         reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at, state = excluded.state,
         outside_streak = 0, last_fix_at = null, recent = '[]'::jsonb, departure_pending = false
       returning ${ZONE_COLUMNS}`,
      [retireeId, body.lat, body.lon, body.radiusM, body.reason ?? '', userId, at],
    );
    return zoneOf(row as ZoneRow);
  }

  async removeZone(retireeId: string): Promise<boolean> {
    const rows = await this.db.query('delete from safe_zones where retiree_id = $1 returning retiree_id', [
      retireeId,
    ]);
    return rows.length === 1;
  }
}

/**
 * What detection by silence keeps in the records (gateway/detect/watch.ts): each device's last
 * contact and will, bed sensors' exits, each retiree's last activity, and which of them were
 * reported. Writes only move times forward, so instances writing in any order agree; claims are
 * conditional updates, so an alert is raised by one sweep only.
 */
import type { AbsenceObservations, AbsenceRecords, SilenceRow } from '../../gateway/index.ts';
import type { Queryable } from '../db/database.ts';
import { inChunks } from './rows.ts';

const time = (value: Date | string): number => new Date(value).getTime();
const iso = (ms: number): string => new Date(ms).toISOString();
/**
 * Devices per statement: with thousands of devices heard in one flush, one statement on PGlite
 * would hold the hub's thread (an alarm) for its whole length (`inChunks`).
 */
const CHUNK = 100;

export class AbsenceStore implements AbsenceRecords {
  constructor(private readonly db: Queryable) {}

  async record({ heard, bed, activity }: AbsenceObservations): Promise<void> {
    await inChunks(heard, CHUNK, (chunk) =>
      this.db.query(
        `update devices d set heard_at = greatest(coalesce(d.heard_at, u.at), u.at),
           -- A device never looked at is due at its first contact.
           silent_after = coalesce(d.silent_after, u.at)
           from jsonb_to_recordset($1::jsonb) as u(id text, at timestamptz)
          where d.id = u.id`,
        [JSON.stringify(chunk.map((entry) => ({ id: entry.deviceId, at: iso(entry.at) })))],
      ),
    );
    // A bed reading older than the newest one on record is left out; an empty bed that stayed
    // empty keeps the time it became empty.
    await inChunks(bed, CHUNK, (chunk) =>
      this.db.query(
        `update devices d set bed_at = u.at,
           bed_exit_since = case when u.occupied then null
                                 when u.saw_occupied then u.since
                                 else coalesce(d.bed_exit_since, u.since) end
           from jsonb_to_recordset($1::jsonb)
             as u(id text, at timestamptz, occupied boolean, since timestamptz, saw_occupied boolean)
          where d.id = u.id and (d.bed_at is null or d.bed_at < u.at)`,
        [
          JSON.stringify(
            chunk.map((entry) => ({
              id: entry.deviceId,
              at: iso(entry.at),
              occupied: entry.occupied,
              since: entry.since === null ? null : iso(entry.since),
              saw_occupied: entry.sawOccupied,
            })),
          ),
        ],
      ),
    );
    await inChunks(activity, CHUNK, (chunk) =>
      this.db.query(
        `insert into retiree_activity (retiree_id, device_id, active_at)
         select u.retiree_id, u.device_id, u.at
           from jsonb_to_recordset($1::jsonb) as u(retiree_id uuid, device_id text, at timestamptz)
          where exists (select 1 from retirees r where r.id = u.retiree_id)
            and exists (select 1 from devices d where d.id = u.device_id)
         on conflict (retiree_id) do update set active_at = excluded.active_at, device_id = excluded.device_id
          where retiree_activity.active_at < excluded.active_at`,
        [
          JSON.stringify(
            chunk.map((entry) => ({
              retiree_id: entry.retireeId,
              device_id: entry.deviceId,
              at: iso(entry.at),
            })),
          ),
        ],
      ),
    );
  }

  /** The will brings the device's next look forward to its time. */
  async wentOffline(deviceId: string, at: number): Promise<void> {
    await this.db.query(
      `update devices set offline_since = greatest(coalesce(offline_since, $2), $2),
         silent_after = least(coalesce(silent_after, $2), $2)
        where id = $1`,
      [deviceId, iso(at)],
    );
  }

  /** Through `devices_silent_after`, whose rows are exactly the devices that may be reported. */
  async silences(now: number, limit: number): Promise<SilenceRow[]> {
    const rows = await this.db.query<{ id: string; heard_at: Date; offline_since: Date | null }>(
      `select id, heard_at, case when offline_since > heard_at then offline_since end as offline_since
         from devices
        where heard_at is not null and revoked_at is null
          and (silence_reported_at is null or silence_reported_at < heard_at)
          and silent_after <= $1
        order by silent_after
        limit $2`,
      [iso(now), limit],
    );
    return rows.map((row) => ({
      deviceId: row.id,
      heardAt: time(row.heard_at),
      offlineSince: row.offline_since === null ? null : time(row.offline_since),
    }));
  }

  claimSilence(deviceId: string, heardAt: number, now: number): Promise<boolean> {
    return this.claim(
      { table: 'devices', key: 'id', since: 'heard_at', mark: 'silence_reported_at' },
      deviceId,
      heardAt,
      now,
    );
  }

  /** A will on record by now (one taken since the sweep read the row included) is looked at in time. */
  async lookAgain(devices: { deviceId: string; at: number }[], willGraceMs: number): Promise<void> {
    await this.db.query(
      `update devices d set silent_after = case
           when d.offline_since > d.heard_at
             then least(u.at, d.offline_since + make_interval(secs => $2::double precision / 1000))
           else u.at end
         from jsonb_to_recordset($1::jsonb) as u(id text, at timestamptz)
        where d.id = u.id`,
      [JSON.stringify(devices.map((entry) => ({ id: entry.deviceId, at: iso(entry.at) }))), willGraceMs],
    );
  }

  async quiet(before: number): Promise<{ retireeId: string; deviceId: string; at: number }[]> {
    const rows = await this.db.query<{ retiree_id: string; device_id: string; active_at: Date }>(
      `select retiree_id, device_id, active_at from retiree_activity
        where active_at <= $1 and (reported_at is null or reported_at < active_at)`,
      [iso(before)],
    );
    return rows.map((row) => ({
      retireeId: row.retiree_id,
      deviceId: row.device_id,
      at: time(row.active_at),
    }));
  }

  claimQuiet(retireeId: string, at: number, now: number): Promise<boolean> {
    return this.claim(
      { table: 'retiree_activity', key: 'retiree_id', since: 'active_at', mark: 'reported_at' },
      retireeId,
      at,
      now,
    );
  }

  /** Through `devices_bed_exit_due`, whose rows are exactly the exits not judged yet. */
  async bedExits(before: number, limit: number): Promise<{ deviceId: string; since: number }[]> {
    const rows = await this.db.query<{ id: string; bed_exit_since: Date }>(
      `select id, bed_exit_since from devices
        where bed_exit_since is not null and revoked_at is null
          and (bed_exit_judged_at is null or bed_exit_judged_at < bed_exit_since)
          and bed_exit_since <= $1
        order by bed_exit_since
        limit $2`,
      [iso(before), limit],
    );
    return rows.map((row) => ({ deviceId: row.id, since: time(row.bed_exit_since) }));
  }

  judgeBedExit(deviceId: string, since: number, now: number): Promise<boolean> {
    return this.claim(
      { table: 'devices', key: 'id', since: 'bed_exit_since', mark: 'bed_exit_judged_at' },
      deviceId,
      since,
      now,
    );
  }

  /**
   * Marks the row `id` of a table claimed at `now`, if what it marks still began at `at` (`since`)
   * and nobody marked it since: true when this sweep's claim is the one that counts.
   */
  private async claim(
    columns: { table: string; key: string; since: string; mark: string },
    id: string,
    at: number,
    now: number,
  ): Promise<boolean> {
    const { table, key, since, mark } = columns;
    const rows = await this.db.query(
      `update ${table} set ${mark} = $3
        where ${key} = $1 and date_trunc('milliseconds', ${since}) = $2
          and (${mark} is null or ${mark} < ${since})
        returning ${key}`,
      [id, iso(at), iso(now)],
    );
    return rows.length > 0;
  }
}

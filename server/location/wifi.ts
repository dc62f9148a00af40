/**
 * Placing a watch by the Wi-Fi access points it hears, when it has no satellite fix (indoors,
 * where a retiree spends most of the day). There is no public database of China's access points
 * to import, so the hub learns its own: a watch that reports a satellite fix together with the
 * access points it hears tells where those stand (a home's router heard at the door, a canteen's
 * at the gate). A later report with no fix that hears a learned one is placed near it.
 *
 * What is never learned or used:
 * - a locally administered MAC (bit 1 of the first octet set): phone hotspots and the random
 *   addresses of phones and cars, which move with their owners;
 * - an access point heard from fixes more than `MOVING_M` apart: a bus's or a hotspot's with a
 *   maker's own address; it is marked moving and stays so;
 * - a fix whose access point is heard weaker than `WEAKEST_RSSI` (too far to say where it stands).
 *
 * The place of an access point is the mean of the fixes that heard it, the last `MEAN_OF` of them
 * weighing as one (so a router moved to a new flat is followed). Two watches learning the same
 * access point at the same instant may lose one of the two fixes; each next fix counts again.
 *
 * A watch at rest reports the same fix and the same routers every few minutes. A fix taken within
 * `RELEARN_AFTER_MS` of the last one an access point learned from, and within `SAME_PLACE_M` of it,
 * adds nothing to its place and is not written (remembered in memory, per hub); a fix farther away
 * always counts, so a moving access point is still found out at once.
 */
import type { Queryable } from '../db/database.ts';
import { distanceMetres, type LatLon } from './geo.ts';

/** How far from an access point a watch hearing it may be (metres): a router through walls. */
export const WIFI_RANGE_M = 100;
/** Fixes this far apart hearing one access point: it moves, and is never used. */
export const MOVING_M = 500;
/** An access point heard weaker than this (dBm) is not learned from that fix. */
export const WEAKEST_RSSI = -90;
/** The fixes an access point's place is the mean of, at most. */
const MEAN_OF = 20;
/** Access points of one report considered. */
const MAX_HEARD = 16;
/** A fix this soon after, and this near, the last one an access point learned from is not learned. */
export const RELEARN_AFTER_MS = 5 * 60_000;
export const SAME_PLACE_M = 50;
/** Access points remembered as recently learned, at most (forgotten all at once past it). */
const MAX_RECENT = 50_000;

export interface HeardAccessPoint {
  mac: string;
  rssi?: number;
}

export interface WifiPlace extends LatLon {
  /** Metres within which the watch is, as far as the access points tell. */
  accuracyM: number;
  /** How many of the access points heard are known. */
  accessPoints: number;
}

interface StoredPoint {
  mac: string;
  lat: number;
  lon: number;
  samples: number;
  spreadM: number;
  moving: boolean;
}

/** `AA:BB:CC:DD:EE:FF` of any common spelling, or null for no usable address. */
export function normalMac(text: string): string | null {
  const hex = text.replace(/[:\-.\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(hex)) return null;
  if (/^0{12}$|^F{12}$/.test(hex)) return null;
  // Locally administered (phones, hotspots, random addresses) or group addresses: not a fixed router.
  const first = Number.parseInt(hex.slice(0, 2), 16);
  if ((first & 0b10) !== 0 || (first & 0b01) !== 0) return null;
  return hex.match(/../g)?.join(':') ?? null;
}

/** The usable, distinct access points of a report, strongest first. */
function usable(heard: HeardAccessPoint[]): { mac: string; rssi: number | undefined }[] {
  const seen = new Map<string, number | undefined>();
  for (const point of heard) {
    const mac = normalMac(point.mac);
    if (!mac || seen.has(mac)) continue;
    seen.set(mac, point.rssi);
  }
  return [...seen]
    .map(([mac, rssi]) => ({ mac, rssi }))
    .sort((a, b) => (b.rssi ?? WEAKEST_RSSI) - (a.rssi ?? WEAKEST_RSSI))
    .slice(0, MAX_HEARD);
}

export class AccessPoints {
  /** Per access point: the last fix it learned from, and when (the fix's own time). */
  private readonly recent = new Map<string, LatLon & { at: number }>();

  constructor(private readonly db: Queryable) {}

  /** Whether a fix would only repeat the last one this access point learned from. */
  private repeats(mac: string, fix: LatLon, at: number): boolean {
    const last = this.recent.get(mac);
    return (
      last !== undefined &&
      Math.abs(at - last.at) < RELEARN_AFTER_MS &&
      distanceMetres(last, fix) <= SAME_PLACE_M
    );
  }

  private async stored(macs: string[]): Promise<Map<string, StoredPoint>> {
    if (macs.length === 0) return new Map();
    const rows = await this.db.query<StoredPoint>(
      `select mac, lat, lon, samples, spread_m as "spreadM", moving from wifi_access_points
       where mac = any($1::text[])`,
      [macs],
    );
    return new Map(rows.map((row) => [row.mac, row]));
  }

  /**
   * Learns from a satellite fix at `fix` taken at `at`: each access point it heard strongly enough
   * gets the fix into its place. Returns how many were learned or moved on.
   */
  async learn(fix: LatLon, heard: HeardAccessPoint[], at: Date): Promise<number> {
    const points = usable(heard).filter(
      (point) =>
        (point.rssi === undefined || point.rssi >= WEAKEST_RSSI) &&
        !this.repeats(point.mac, fix, at.getTime()),
    );
    if (points.length === 0) return 0;
    const known = await this.stored(points.map((point) => point.mac));
    const rows = points.map(({ mac }) => {
      const before = known.get(mac);
      if (!before) return { mac, lat: fix.lat, lon: fix.lon, samples: 1, spreadM: 0, moving: false };
      if (before.moving) return before;
      const away = distanceMetres(before, fix);
      if (away > MOVING_M) return { ...before, moving: true };
      const weight = Math.min(before.samples, MEAN_OF - 1);
      return {
        mac,
        lat: (before.lat * weight + fix.lat) / (weight + 1),
        lon: (before.lon * weight + fix.lon) / (weight + 1),
        samples: before.samples + 1,
        spreadM: Math.max(before.spreadM, Math.round(away)),
        moving: false,
      };
    });
    await this.db.query(
      `insert into wifi_access_points as w (mac, lat, lon, samples, spread_m, moving, updated_at)
       select m, la, lo, s, sp, mv, $7 from unnest($1::text[], $2::float8[], $3::float8[], $4::int[], $5::int[], $6::bool[])
         as u(m, la, lo, s, sp, mv)
       on conflict (mac) do update set lat = excluded.lat, lon = excluded.lon, samples = excluded.samples,
         spread_m = excluded.spread_m, moving = excluded.moving, updated_at = excluded.updated_at`,
      [
        rows.map((row) => row.mac),
        rows.map((row) => row.lat),
        rows.map((row) => row.lon),
        rows.map((row) => row.samples),
        rows.map((row) => row.spreadM),
        rows.map((row) => row.moving),
        at,
      ],
    );
    if (this.recent.size + rows.length > MAX_RECENT) this.recent.clear();
    for (const { mac } of rows) this.recent.set(mac, { lat: fix.lat, lon: fix.lon, at: at.getTime() });
    return rows.length;
  }

  /**
   * Where a watch hearing these access points is: the mean of the learned ones' places, each
   * weighted by its signal (a strong one is near) and by how often it was seen. The watch is
   * within `WIFI_RANGE_M` of each, plus how far that one's fixes were spread, so it is within
   * `distance + spread + range` of the place for each: the smallest of those is the accuracy.
   * Null when no access point heard is known (or all known ones move).
   */
  async locate(heard: HeardAccessPoint[]): Promise<WifiPlace | null> {
    const points = usable(heard);
    const known = await this.stored(points.map((point) => point.mac));
    const used = points.flatMap((point) => {
      const stored = known.get(point.mac);
      return stored && !stored.moving ? [{ ...stored, rssi: point.rssi }] : [];
    });
    if (used.length === 0) return null;
    let lat = 0;
    let lon = 0;
    let total = 0;
    for (const point of used) {
      const signal = Math.max(1, (point.rssi ?? -75) + 100);
      const weight = signal * Math.min(point.samples, MEAN_OF);
      lat += point.lat * weight;
      lon += point.lon * weight;
      total += weight;
    }
    const place = { lat: lat / total, lon: lon / total };
    const accuracyM = Math.min(
      ...used.map((point) => distanceMetres(place, point) + point.spreadM + WIFI_RANGE_M),
    );
    return {
      lat: Math.round(place.lat * 1e6) / 1e6,
      lon: Math.round(place.lon * 1e6) / 1e6,
      accuracyM: Math.round(accuracyM),
      accessPoints: used.length,
    };
  }

  /** How many access points were learned, how many of them move, and the latest learning. */
  async summary(): Promise<{ accessPoints: number; moving: number; updatedAt: string | null }> {
    const [row] = await this.db.query<{ total: number; moving: number; newest: Date | string | null }>(
      `select count(*) as total, count(*) filter (where moving) as moving, max(updated_at) as newest
       from wifi_access_points`,
    );
    return {
      accessPoints: Number(row?.total ?? 0),
      moving: Number(row?.moving ?? 0),
      updatedAt: row?.newest ? new Date(row.newest).toISOString() : null,
    };
  }
}

/**
 * The fields IW frames share: the GPS block and status word of `AP01` and `AP10`, the towers and
 * access points of `AP01`, `AP02` and `AP10`, and the bounds that tell a measurement from a watch
 * that measured nothing (unworn, a heart rate of 0).
 */
import type { Readings } from '../types.ts';
import { FrameError, type Position } from './types.ts';

/**
 * `080524A2232.9806N11404.9355E000.1061830323.8706000908000102`: date `yyMMdd`, `A` (fix) or `V`,
 * latitude `ddmm.mmmm` and N/S, longitude `dddmm.mmmm` and E/W, speed km/h `ddd.d`, time `HHmmss`,
 * course in six characters (`323.87`), then the status word: GSM signal, satellites and battery %
 * (three digits each), a reserved digit, fortification state and working mode (two each). Some
 * firmwares append a few digits before the comma; they are not read.
 */
const GPS_BLOCK =
  /^(\d{6})([AV])(\d{2})(\d{2}\.\d+)([NS])(\d{3})(\d{2}\.\d+)([EW])(\d{3}\.\d)(\d{6})([\d.]{6})(\d{3})(\d{3})(\d{3})\d\d{2}\d{2}\d{0,5}$/;

/** `HOME|74-DE-2B-44-88-8C|97`: name, MAC, signal. */
const ACCESS_POINT = /^(.*)\|([0-9A-Fa-f]{2}(?:[-:][0-9A-Fa-f]{2}){5})\|(-?\d{1,3})$/;

export interface GpsBlock {
  /** `yyMMddHHmmss` as sent: the device's own stamp, for event ids. */
  stamp: string;
  /** Epoch ms of the stamp read as UTC, the GPS time base; undefined when it is no real time. */
  time: number | undefined;
  valid: boolean;
  lat: number;
  lon: number;
  speedKmh: number;
  course: number;
  satellites: number;
  battery: number | undefined;
}

export function readGpsBlock(text: string): GpsBlock {
  const match = GPS_BLOCK.exec(text);
  if (!match)
    throw new FrameError('malformed', `IW GPS block "${text}" is not date, fix, position and status`);
  const [, date, fix, latDegrees, latMinutes, north, lonDegrees, lonMinutes, east, speed, time, course] =
    match;
  // The GSM signal (group 12) has no hub reading.
  const [satellites, battery] = match.slice(13, 15).map(Number);
  const stamp = `${date}${time}`;
  return {
    stamp,
    time: utcOf(stamp),
    valid: fix === 'A',
    lat: (Number(latDegrees) + Number(latMinutes) / 60) * (north === 'S' ? -1 : 1),
    lon: (Number(lonDegrees) + Number(lonMinutes) / 60) * (east === 'W' ? -1 : 1),
    speedKmh: Number(speed),
    course: Number(course),
    satellites: satellites!,
    battery: percent(battery!),
  };
}

/** `yyMMddHHmmss` as UTC epoch ms; undefined for a date that does not exist (a clock never set). */
export function utcOf(stamp: string): number | undefined {
  const [year, month, day, hour, minute, second] = (stamp.match(/\d\d/g) ?? []).map(Number);
  const time = Date.UTC(2000 + year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(time);
  const same =
    check.getUTCMonth() === month! - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  return same ? time : undefined;
}

/** One cell tower from its decimal fields; undefined when any is not a number. */
export function cellOf(
  mcc: string | undefined,
  mnc: string | undefined,
  lac: string | undefined,
  cid: string | undefined,
  rssi?: string,
): NonNullable<Position['cells']>[number] | undefined {
  const values = [mcc, mnc, lac, cid].map(decimal);
  if (values.some((value) => value === undefined)) return undefined;
  const [countryCode, networkCode, area, cell] = values as number[];
  const signal = decimal(rssi);
  return {
    mcc: countryCode!,
    mnc: networkCode!,
    lac: area!,
    cid: cell!,
    ...(signal !== undefined ? { rssi: signal } : {}),
  };
}

/** `name|mac|signal` entries joined by `&`; entries that are not one are left out. */
export function accessPointsOf(text: string): NonNullable<Position['wifi']> {
  const points: NonNullable<Position['wifi']> = [];
  for (const entry of text.split('&')) {
    const match = ACCESS_POINT.exec(entry.trim());
    if (!match) continue;
    const [, name, mac, rssi] = match;
    points.push({
      mac: mac!.replaceAll('-', ':').toUpperCase(),
      ...(name ? { name } : {}),
      rssi: Number(rssi),
    });
  }
  return points;
}

function decimal(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** A number in `[min, max]`, else undefined: blank, zero and noise are not measurements. */
function within(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

export function percent(value: number | string | undefined): number | undefined {
  return within(value === undefined ? undefined : String(value), 0, 100);
}

/**
 * The measurements of `AP49`, `APHT`, `APHP`, `AP50` and `APJK` in the hub's keys. The bounds are the
 * hub's own (`hr` 20–250, `spo2` 50–100, devices/converters/telemetry.ts); a watch off the wrist
 * sends 0 for each, which is dropped rather than stored. Body temperature is kept between 25 and
 * 45 °C, outside which a wrist sensor is not reading a body.
 */
export function vitalsOf(values: {
  hr?: string | undefined;
  spo2?: string | undefined;
  temperature?: string | undefined;
  battery?: string | undefined;
}): Readings {
  const readings: Readings = {};
  const hr = within(values.hr, 20, 250);
  if (hr !== undefined && Number.isInteger(hr)) readings.hr = hr;
  const spo2 = within(values.spo2, 50, 100);
  if (spo2 !== undefined) readings.spo2 = spo2;
  const temperature = within(values.temperature, 25, 45);
  if (temperature !== undefined) readings.temperature = temperature;
  const battery = percent(values.battery);
  if (battery !== undefined) readings.battery = battery;
  return readings;
}

/** Systolic over diastolic, each within what a cuff can read, systolic the higher. */
export function bloodPressureOf(
  systolic: string | undefined,
  diastolic: string | undefined,
): { systolic: number; diastolic: number } | undefined {
  const high = within(systolic, 50, 260);
  const low = within(diastolic, 30, 200);
  if (high === undefined || low === undefined || high <= low) return undefined;
  return { systolic: high, diastolic: low };
}

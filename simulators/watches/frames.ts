/**
 * What watches and pendants send, as bytes: the device's side of the three maker protocols the hub
 * reads (devices/watches/). Pure builders over the adapters' own wire helpers, so a frame built here
 * is framed exactly as the hub's parser reads it; the field layouts are those documented at the top
 * of threeg.ts, iw.ts, iw-fields.ts and jt808.ts.
 */
import { EDITION_2013, phoneField, writeFrame } from '../../devices/watches/jt808-wire.ts';
import { frameOf } from '../../devices/watches/threeg-wire.ts';

/** A place and what the device knows of itself when it reports it. */
export interface Fix {
  /** Epoch ms of the fix: the device's own clock, which it stamps the report with. */
  ts: number;
  /** WGS-84 degrees. */
  lat: number;
  lon: number;
  speedKmh?: number;
  course?: number;
  battery: number;
  steps?: number;
}

const pad = (value: number, width: number) => String(Math.trunc(value)).padStart(width, '0');

/** `[3G*ID*LEN*CONTENT]`, LEN the content's bytes in 4 hex digits. */
export function threeGFrame(deviceId: string, content: string): Buffer {
  return frameOf('3G', deviceId, undefined, content);
}

/** 3G status bits (threeg.ts): 16 SOS, 17 low-battery alarm, 20 taken off, 21 fall. */
export const THREE_G_ALARM_BITS = { sos: 16, low_battery: 17, removed: 20, fall: 21 } as const;

/**
 * A 3G position report (`UD`) or, with `status`, an alarm (`AL`): date and time in UTC, A, the
 * position, speed, course, altitude, satellites, GSM signal, battery %, steps, rolls, the status
 * word in hex, then no towers and no access points.
 */
export function threeGReport(deviceId: string, fix: Fix, status?: number): Buffer {
  const at = new Date(fix.ts);
  const date = `${pad(at.getUTCDate(), 2)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCFullYear() % 100, 2)}`;
  const time = `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}`;
  const fields = [
    status === undefined ? 'UD' : 'AL',
    date,
    time,
    'A',
    Math.abs(fix.lat).toFixed(6),
    fix.lat < 0 ? 'S' : 'N',
    Math.abs(fix.lon).toFixed(6),
    fix.lon < 0 ? 'W' : 'E',
    (fix.speedKmh ?? 0).toFixed(2),
    pad(fix.course ?? 0, 3),
    '500',
    '09',
    '80',
    String(Math.round(fix.battery)),
    String(fix.steps ?? 0),
    '0',
    (status ?? 0).toString(16).padStart(8, '0'),
    '0',
    '0',
  ];
  return threeGFrame(deviceId, fields.join(','));
}

/** An IW frame as the watch sends it: `IW<type><body>#`. */
export function iwFrame(type: string, body: string): Buffer {
  return Buffer.from(`IW${type}${body}#`, 'latin1');
}

/** IW `AP10` alarm codes (iw.ts): 01 SOS, 02 low battery, 04 taken off, 06 fall. */
export const IW_ALARM_CODES = { sos: '01', low_battery: '02', removed: '04', fall: '06' } as const;

/** `ddmm.mmmm` (or `dddmm.mmmm`) of a degree value. */
function degreesMinutes(value: number, degreeDigits: number): string {
  const degrees = Math.floor(Math.abs(value));
  const minutes = (Math.abs(value) - degrees) * 60;
  return `${pad(degrees, degreeDigits)}${minutes.toFixed(4).padStart(7, '0')}`;
}

/**
 * The GPS block of `AP01` and `AP10` (iw-fields.ts): `yyMMdd`, A, latitude, longitude, speed,
 * `HHmmss`, course, then the status word: GSM signal, satellites, battery % (three digits each), a
 * reserved digit, fortification and working mode.
 */
function iwGpsBlock(fix: Fix): string {
  const at = new Date(fix.ts);
  const date = `${pad(at.getUTCFullYear() % 100, 2)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}`;
  const time = `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}`;
  const latitude = `${degreesMinutes(fix.lat, 2)}${fix.lat < 0 ? 'S' : 'N'}`;
  const longitude = `${degreesMinutes(fix.lon, 3)}${fix.lon < 0 ? 'W' : 'E'}`;
  const speed = (fix.speedKmh ?? 0).toFixed(1).padStart(5, '0');
  const course = (fix.course ?? 0).toFixed(2).padStart(6, '0').slice(0, 6);
  const status = `060009${pad(fix.battery, 3)}00102`;
  return `${date}A${latitude}${longitude}${speed}${time}${course}${status}`;
}

/** `IWAP00<IMEI>,<ICCID>,<IMSI>`: the login that names the watch for the rest of the connection. */
export function iwLogin(imei: string): Buffer {
  return iwFrame('AP00', `${imei},89860000000000000000,460000000000000`);
}

/** `IWAP03,<status>,<steps>,<turns>`: the heartbeat, with battery % and steps. */
export function iwHeartbeat(battery: number, steps: number): Buffer {
  return iwFrame('AP03', `,060009${pad(battery, 3)}00102,${Math.trunc(steps)},0`);
}

/** `IWAP01`: a position, the serving tower and one access point. */
export function iwPosition(fix: Fix): Buffer {
  return iwFrame('AP01', `${iwGpsBlock(fix)},460,0,9520,3671,HOME|74-DE-2B-44-88-8C|97`);
}

/** `IWAP10`: an alarm with its code, where it happened. */
export function iwAlarm(fix: Fix, code: string): Buffer {
  return iwFrame('AP10', `${iwGpsBlock(fix)},460,0,9520,3671,${code},zhcn,00,HOME|74-DE-2B-44-88-8C|97`);
}

/** `IWAPHT,<bpm>,<systolic>,<diastolic>`. */
export function iwHeartRate(bpm: number): Buffer {
  return iwFrame('APHT', `,${Math.round(bpm)},128,82`);
}

/** JT/T 808 message ids a terminal sends and reads (消息对照表). */
export const JT808 = {
  terminalAnswer: 0x0001,
  heartbeat: 0x0002,
  register: 0x0100,
  authenticate: 0x0102,
  location: 0x0200,
  platformAnswer: 0x8001,
  registerAnswer: 0x8100,
} as const;

/** 报警标志位: bit 0 the emergency key, bit 7 main power under-voltage. */
export const JT808_ALARM_BITS = { sos: 0, low_battery: 7 } as const;

/** A terminal's message in the 2013 edition, under its phone number. */
export function jt808Frame(deviceId: string, messageId: number, serial: number, body: Buffer): Buffer {
  return writeFrame(messageId, EDITION_2013, phoneField(deviceId, EDITION_2013), serial, body);
}

/** A fixed-width text field, padded with NULs. */
function fixedText(text: string, width: number): Buffer {
  const bytes = Buffer.alloc(width);
  bytes.write(text.slice(0, width), 'latin1');
  return bytes;
}

/**
 * 0x0100 (终端注册), 2013: province and city, maker BYTE[5], model BYTE[20], terminal id BYTE[7],
 * plate colour 0 (none).
 */
export function jt808Register(deviceId: string, serial: number): Buffer {
  const area = Buffer.alloc(4);
  area.writeUInt16BE(51, 0);
  area.writeUInt16BE(100, 2);
  const body = Buffer.concat([
    area,
    fixedText('JXSIM', 5),
    fixedText('SOS-4G', 20),
    fixedText(deviceId.slice(-7), 7),
    Buffer.of(0),
  ]);
  return jt808Frame(deviceId, JT808.register, serial, body);
}

/** 0x0102 (终端鉴权), 2013: the code the platform gave at registration, and nothing else. */
export function jt808Authenticate(deviceId: string, serial: number, code: Buffer): Buffer {
  return jt808Frame(deviceId, JT808.authenticate, serial, code);
}

/** BCD `YYMMDDhhmmss` in the centre's zone (GMT+8 by the standard). */
function bcdTime(ts: number, utcOffsetMinutes: number): Buffer {
  const at = new Date(ts + utcOffsetMinutes * 60_000);
  const digits = [
    at.getUTCFullYear() % 100,
    at.getUTCMonth() + 1,
    at.getUTCDate(),
    at.getUTCHours(),
    at.getUTCMinutes(),
    at.getUTCSeconds(),
  ]
    .map((value) => pad(value, 2))
    .join('');
  return Buffer.from(digits, 'hex');
}

/**
 * 0x0200 (位置信息汇报): alarm and status words, latitude and longitude in 10⁻⁶ degrees, altitude,
 * speed in 0.1 km/h, course, time; then satellites (0x31) and the battery % as pendants send it (0xD4).
 */
export function jt808Location(
  deviceId: string,
  serial: number,
  fix: Fix,
  alarm = 0,
  utcOffsetMinutes = 480,
): Buffer {
  const base = Buffer.alloc(22);
  base.writeUInt32BE(alarm >>> 0, 0);
  // Status bit 1 positioned; bits 2 and 3 south and west.
  base.writeUInt32BE((1 << 1) | (fix.lat < 0 ? 1 << 2 : 0) | (fix.lon < 0 ? 1 << 3 : 0), 4);
  base.writeUInt32BE(Math.round(Math.abs(fix.lat) * 1e6), 8);
  base.writeUInt32BE(Math.round(Math.abs(fix.lon) * 1e6), 12);
  base.writeInt16BE(500, 16);
  base.writeUInt16BE(Math.round((fix.speedKmh ?? 0) * 10), 18);
  base.writeUInt16BE(Math.round(fix.course ?? 0) % 360, 20);
  const extras = Buffer.of(0x31, 1, 9, 0xd4, 1, Math.max(0, Math.min(100, Math.round(fix.battery))));
  return jt808Frame(
    deviceId,
    JT808.location,
    serial,
    Buffer.concat([base, bcdTime(fix.ts, utcOffsetMinutes), extras]),
  );
}

/** 0x0002 (终端心跳): an empty body. */
export function jt808Heartbeat(deviceId: string, serial: number): Buffer {
  return jt808Frame(deviceId, JT808.heartbeat, serial, Buffer.alloc(0));
}

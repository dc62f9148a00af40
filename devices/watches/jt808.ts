/**
 * JT/T 808, the Ministry of Transport's terminal protocol, in its 2013 and 2019 editions: what
 * many Chinese 4G SOS pendants and trackers speak. Messages are named by their ids and tables by
 * their titles, which both editions share.
 *
 * The device id is the terminal phone number of the header without the zeros that pad it to BCD[6]
 * (2013) or BCD[10] (2019): `013912344323` is registered as `13912344323`. Commands pad it back.
 */
import type { DeviceEvent, Readings } from '../types.ts';
import { decodeGbk, encodeGbk } from './jt808-gbk.ts';
import {
  bcdDigits,
  createFramer,
  deviceIdOf,
  EDITION_2013,
  type Edition,
  type Header,
  phoneField,
  Reader,
  readFrame,
  writeFrame,
} from './jt808-wire.ts';
import {
  type DecodeContext,
  type EncodeContext,
  FrameError,
  type Position,
  type WatchAnswer,
  type WatchCommand,
  type WatchMessage,
  type WatchProtocol,
  type WatchSession,
} from './types.ts';

/** Message ids (消息对照表). */
const TERMINAL_ANSWER = 0x0001;
const HEARTBEAT = 0x0002;
const LOGOUT = 0x0003;
const REGISTER = 0x0100;
const AUTHENTICATE = 0x0102;
const LOCATION = 0x0200;
const LOCATION_ANSWER = 0x0201;
const LOCATION_BATCH = 0x0704;
const PLATFORM_ANSWER = 0x8001;
const REGISTER_ANSWER = 0x8100;
const LOCATE = 0x8201;
const TEXT = 0x8300;

/** Results of the platform general answer 0x8001 (平台通用应答). */
const RESULT_OK = 0;
const RESULT_FAILED = 1;
const RESULT_UNSUPPORTED = 3;

/** Results of the terminal general answer 0x0001 (终端通用应答), for `commandAnswer.detail`. */
const terminalResults = ['success', 'failure', 'message error', 'not supported'];

/** 报警标志位定义: bit 0 the emergency key (紧急报警), bit 7 main power under-voltage (终端主电源欠压). */
const ALARM_EMERGENCY = 1 << 0;
const ALARM_UNDER_VOLTAGE = 1 << 7;

/** 状态位定义: bit 1 positioned, bit 2 south latitude, bit 3 west longitude. */
const STATUS_POSITIONED = 1 << 1;
const STATUS_SOUTH = 1 << 2;
const STATUS_WEST = 1 << 3;

/**
 * 附加信息定义: 0x31 is the satellite count. The standard has no battery item; pendants send their
 * percentage as one byte under 0xD4 or 0xFE (vendor range), as the published frames of such makers show.
 */
const EXTRA_SATELLITES = 0x31;
const VENDOR_BATTERY_IDS = new Set([0xd4, 0xfe]);

const LOCATION_BASE_BYTES = 28;

interface Location {
  ts: number;
  /** Absent when the coordinates are out of range: a broken fix is not put on the map. */
  position?: Position;
  readings: Readings;
  events: DeviceEvent[];
}

/** YYMMDDhhmmss in the centre's zone (GMT+8 by the standard) → epoch ms, or undefined when not a time. */
function bcdTime(digits: string, utcOffsetMinutes: number): number | undefined {
  const [year, month, day, hour, minute, second] = (digits.match(/\d\d/g) ?? []).map(Number);
  if (second === undefined || month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23)
    return undefined;
  if (minute! > 59 || second > 59) return undefined;
  return Date.UTC(2000 + year!, month! - 1, day!, hour!, minute!, second) - utcOffsetMinutes * 60_000;
}

/** One 0x0200 body (位置信息汇报): the 28-byte basic part, then id/length/value items. */
function readLocation(body: Buffer, deviceId: string, context: DecodeContext): Location {
  if (body.length < LOCATION_BASE_BYTES) {
    throw new FrameError('malformed', `JT/T 808 location of ${body.length} bytes, at least 28 expected`);
  }
  const reader = new Reader(body);
  const alarm = reader.dword();
  const status = reader.dword();
  const latitude = reader.dword() / 1e6;
  const longitude = reader.dword() / 1e6;
  // WORD by the standard; read signed, as terminals below sea level send two's complement.
  const altitude = reader.take(2).readInt16BE(0);
  const speedKmh = reader.word() / 10;
  const course = reader.word();
  const time = bcdDigits(reader.take(6));
  const ts = bcdTime(time, context.utcOffsetMinutes) ?? context.receivedAt;
  const onEarth = latitude <= 90 && longitude <= 180;
  const position: Position = {
    ts,
    lat: status & STATUS_SOUTH ? -latitude : latitude,
    lon: status & STATUS_WEST ? -longitude : longitude,
    valid: (status & STATUS_POSITIONED) !== 0,
    source: 'gps',
    speedKmh,
    course,
    altitude,
  };
  const readings: Readings = { battery_low: (alarm & ALARM_UNDER_VOLTAGE) !== 0 };
  // Items are read while whole; a vendor's truncated item ends them without losing the report.
  while (reader.remaining >= 2) {
    const id = reader.byte();
    const length = reader.byte();
    if (length > reader.remaining) break;
    const value = reader.take(length);
    if (id === EXTRA_SATELLITES && length === 1) position.satellites = value.readUInt8(0);
    if (VENDOR_BATTERY_IDS.has(id) && length === 1 && value.readUInt8(0) <= 100)
      readings.battery = value.readUInt8(0);
  }
  const events: DeviceEvent[] = [];
  if (alarm & ALARM_EMERGENCY) {
    // A terminal resends an unanswered report, possibly under a new serial, and keeps the bit set
    // in its next reports until the answer clears it (表 24: 收到应答后清零). The id is built from
    // what stays: the device, the alarm and the time of the first report with the bit, so one press
    // is one event however many reports carry it.
    const since = context.session.emergencySince ?? time;
    context.session.emergencySince = since;
    events.push({
      id: `${deviceId}:sos:${since}`,
      type: 'sos',
      ts: bcdTime(since, context.utcOffsetMinutes) ?? ts,
    });
  } else {
    context.session.emergencySince = undefined;
  }
  return { ts, ...(onEarth ? { position } : {}), readings, events };
}

/** 0x0704 (定位数据批量上传): count, type (0 normal, 1 blind-area backfill), then length-prefixed 0x0200 bodies. */
function readBatch(body: Buffer, deviceId: string, context: DecodeContext): Location | undefined {
  const reader = new Reader(body);
  const count = reader.word();
  reader.byte();
  let newest: Location | undefined;
  const events = new Map<string, DeviceEvent>();
  for (let index = 0; index < count; index += 1) {
    const item = readLocation(reader.take(reader.word()), deviceId, context);
    for (const event of item.events) events.set(event.id, event);
    if (!newest || item.ts >= newest.ts) newest = item;
  }
  return newest && { ...newest, events: [...events.values()] };
}

/** Fixed-width text fields are padded with NULs (2013) or, by some makers, spaces. */
function text(bytes: Buffer): string {
  return decodeGbk(bytes).replace(/\0+$/g, '').replace(/^\0+/g, '').trim();
}

/**
 * 0x0100 (终端注册). Field widths differ by edition: maker 5/11, model 20/30, terminal id 7/30
 * bytes; terminals still on the 2011 edition send an 8-byte model, which their 25-byte fixed part shows.
 */
function readRegistration(body: Buffer, edition: Edition): Record<string, string> {
  const shortModel = !edition.is2019 && body.length < 37;
  const [maker, model, terminal] = edition.is2019 ? [11, 30, 30] : shortModel ? [5, 8, 7] : [5, 20, 7];
  const reader = new Reader(body);
  const login: Record<string, string> = {
    province: String(reader.word()),
    city: String(reader.word()),
    manufacturer: text(reader.take(maker)),
    model: text(reader.take(model)),
    terminalId: text(reader.take(terminal)),
  };
  if (reader.remaining > 0) {
    login.plateColour = String(reader.byte());
    login.plate = text(reader.rest());
  }
  return login;
}

/** 0x0102 (终端鉴权): the code; 2019 gives its length first and adds IMEI BYTE[15] and software version BYTE[20]. */
function readAuthentication(body: Buffer, edition: Edition): { code: string; login: Record<string, string> } {
  if (!edition.is2019) return { code: text(body), login: {} };
  const reader = new Reader(body);
  const code = text(reader.take(reader.byte()));
  return { code, login: { imei: text(reader.take(15)), softwareVersion: text(reader.take(20)) } };
}

function authCodeOf(session: WatchSession, deviceId: string): string {
  if (!session.authCode) {
    throw new FrameError('unsupported', 'JT/T 808 needs the gateway to keep authentication codes');
  }
  return session.authCode(deviceId);
}

function serialWord(serial: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(serial, 0);
  return bytes;
}

function platformAnswer(header: Header, session: WatchSession, result: number): Buffer {
  const body = Buffer.alloc(5);
  body.writeUInt16BE(header.serial, 0);
  body.writeUInt16BE(header.messageId, 2);
  body.writeUInt8(result, 4);
  return writeFrame(PLATFORM_ANSWER, header.edition, header.phone, session.nextSerial(), body);
}

function located(location: Location): Partial<WatchMessage> {
  const { ts, position, readings, events } = location;
  return { ts, readings, events, ...(position ? { position } : {}) };
}

function decode(frame: Buffer, context: DecodeContext): WatchMessage {
  const header = readFrame(frame);
  const deviceId = deviceIdOf(header.phone);
  const { session } = context;
  const message: WatchMessage = {
    deviceId,
    type: header.messageId.toString(16).padStart(4, '0'),
    ts: context.receivedAt,
    readings: {},
    // Commands go out in the edition the terminal speaks.
    dialect: {
      edition: header.edition.is2019 ? 2019 : 2013,
      ...(header.edition.is2019 ? { protocolVersion: header.edition.protocolVersion } : {}),
    },
    events: [],
  };
  const answer = (result: number, when: WatchAnswer['when'] = 'now'): WatchAnswer => ({
    bytes: platformAnswer(header, session, result),
    when,
  });

  switch (header.messageId) {
    case REGISTER: {
      message.login = readRegistration(header.body, header.edition);
      // 0x8100: answer serial, result 0 (success), then the code the terminal authenticates with.
      const body = Buffer.concat([
        serialWord(header.serial),
        Buffer.of(RESULT_OK),
        encodeGbk(authCodeOf(session, deviceId)),
      ]);
      message.answer = {
        bytes: writeFrame(REGISTER_ANSWER, header.edition, header.phone, session.nextSerial(), body),
        when: 'now',
      };
      return message;
    }
    case AUTHENTICATE: {
      const { code, login } = readAuthentication(header.body, header.edition);
      const ok = code === authCodeOf(session, deviceId);
      if (ok) {
        message.login = login;
        message.authenticated = true;
      }
      message.answer = answer(ok ? RESULT_OK : RESULT_FAILED);
      return message;
    }
    case HEARTBEAT:
    case LOGOUT:
      message.answer = answer(RESULT_OK);
      return message;
    case LOCATION:
    case LOCATION_BATCH: {
      const location =
        header.messageId === LOCATION
          ? readLocation(header.body, deviceId, context)
          : readBatch(header.body, deviceId, context);
      if (location) Object.assign(message, located(location));
      // An alarm is answered once it is stored: the answer clears the terminal's emergency flag.
      message.answer = answer(RESULT_OK, message.events.length > 0 ? 'afterCommit' : 'now');
      return message;
    }
    case LOCATION_ANSWER: {
      // 0x0201 (位置信息查询应答): the serial of the hub's 0x8201, then a 0x0200 body. It is itself
      // an answer, so the hub sends none.
      const reader = new Reader(header.body);
      const serial = reader.word();
      Object.assign(message, located(readLocation(reader.rest(), deviceId, context)));
      message.commandAnswer = {
        command: String(serial),
        ok: true,
        detail: '0x8201: position',
        key: String(serial),
      };
      return message;
    }
    case TERMINAL_ANSWER: {
      const reader = new Reader(header.body);
      const serial = reader.word();
      const answered = reader.word();
      const result = reader.byte();
      message.commandAnswer = {
        command: String(serial),
        key: String(serial),
        ok: result === RESULT_OK,
        detail: `0x${answered.toString(16).padStart(4, '0')}: ${terminalResults[result] ?? `result ${result}`}`,
      };
      return message;
    }
    default:
      message.answer = answer(RESULT_UNSUPPORTED);
      return message;
  }
}

/**
 * 0x8300 text flags (文本信息下发). 2013: bit 0 emergency, bit 2 show on the display, bit 3 read aloud by
 * TTS. 2019 turns bits 0–1 into a kind (0b10 emergency) and adds a text-type byte (1 notice).
 */
const TEXT_FLAGS_2013 = 0b0000_1101;
const TEXT_FLAGS_2019 = 0b0000_1110;
const TEXT_TYPE_NOTICE = 1;

function encode(command: WatchCommand, context: EncodeContext): Buffer {
  const { dialect } = context.session;
  const edition: Edition =
    dialect?.edition === 2019
      ? { is2019: true, protocolVersion: dialect.protocolVersion ?? 1 }
      : EDITION_2013;
  const phone = phoneField(context.deviceId, edition);
  let messageId: number;
  let body: Buffer;
  switch (command.kind) {
    case 'text': {
      const words = encodeGbk(command.text);
      messageId = TEXT;
      body = edition.is2019
        ? Buffer.concat([Buffer.of(TEXT_FLAGS_2019, TEXT_TYPE_NOTICE), words])
        : Buffer.concat([Buffer.of(TEXT_FLAGS_2013), words]);
      break;
    }
    case 'locate':
      // 0x8201 (位置信息查询): the position query has an empty body; the terminal answers with 0x0201.
      messageId = LOCATE;
      body = Buffer.alloc(0);
      break;
    default:
      // The terminal parameters of 0x8103 (终端参数设置) have no heart rate, fall or removal settings,
      // and their phone numbers (0x0040 platform, 0x0048 listen-in) are not the SOS key's numbers.
      throw new FrameError('unsupported', `JT/T 808 has no standard command for ${command.kind}`);
  }
  return writeFrame(messageId, edition, phone, context.session.nextSerial(), body);
}

export const jt808: WatchProtocol = {
  name: 'jt808',
  commands: new Set(['text', 'locate']),
  framer: createFramer,
  decode,
  encode,
  // The terminal's answers (0x0001, 0x0201) name the serial of the platform message they answer.
  answerKey: (sent) => String(readFrame(sent).serial),
  beforeAuthentication: new Set(['0100', '0102']),
};

/**
 * The "3G" text protocol of SeTracker-style watches. Every frame is `[MF*ID*LEN*CONTENT]`: MF two
 * letters or digits naming the maker (`3G`, `SG`, `CS`, `ZJ`, `YW`…), ID the watch's 10-digit id or
 * its IMEI, LEN four hex digits, CONTENT comma-separated with the message type first (`LK`, `UD`,
 * `AL`…). ZJ-style firmware puts a 4-hex index between ID and LEN (`[ZJ*ID*IDX*LEN*…]`) and expects
 * it repeated in the answer.
 *
 * LEN is the byte length of CONTENT. A voice note (`TK`) carries AMR bytes after the comma, with
 * 0x7D 0x01…0x05 standing for 0x7D `[` `]` `,` `*`; a note may still hold raw `]` bytes, so binary
 * frames are cut by LEN alone: LEN counted over the bytes as sent, or over the bytes once unescaped,
 * as firmware differs. Text frames are another matter: released firmware miscounts LEN in them (by
 * 3 in SG watches' `UD`, by 1 in `LK,0,100`, by 9 in a `UD` naming a Wi-Fi `[LG_Wall-Mount A/C]`;
 * frames in traccar's WatchProtocolDecoderTest and WatchFrameDecoderTest), so a text frame ends
 * where its brackets balance, and LEN only decides for a `]` inside a Wi-Fi name.
 *
 * Times are UTC, as traccar's WatchProtocolDecoder reads them (its tests expect `220414,134652` as
 * 2014-04-22 13:46:52 UTC). Status bits, by the published protocol's appendix (bit 0 is the lowest):
 * 0 low battery, 1 outside a fence, 2 inside a fence, 16 SOS, 17 low-battery alarm, 18/19 left or
 * entered a fence, 20 watch taken off, 21 fall; 14 and 23 are a power cut in different firmware.
 */
import type { DeviceEvent, EventType, Readings } from '../types.ts';
import {
  frameOf,
  hex4,
  ID_PATTERN,
  malformed,
  type Parsed,
  parseFrame,
  ThreeGFramer,
  unescaped,
} from './threeg-wire.ts';
import type {
  BloodPressure,
  DecodeContext,
  EncodeContext,
  Position,
  WatchAnswer,
  WatchCommand,
  WatchMessage,
  WatchProtocol,
} from './types.ts';
import { FrameError, WATCH_COMMAND_KINDS } from './types.ts';

const COMMA = 0x2c;

/** The watch repeats these back when it has done what the hub asked. */
const COMMAND_ECHOES = new Set(['CR', 'MESSAGE', 'SOS', 'REMOVE', 'FALLDOWN', 'HRTSTART']);

function integer(field: string | undefined): number | undefined {
  const text = field?.trim();
  return text && /^-?\d{1,10}$/.test(text) ? Number(text) : undefined;
}

function decimal(field: string | undefined): number | undefined {
  const text = field?.trim();
  return text && /^-?\d{1,10}(\.\d{1,12})?$/.test(text) ? Number(text) : undefined;
}

/** A value inside [minimum, maximum], else nothing: a reading is never guessed at. */
function within(value: number | undefined, minimum: number, maximum: number): number | undefined {
  return value !== undefined && value >= minimum && value <= maximum ? value : undefined;
}

/** Only the values that are there: absent keys say nothing. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Alarm bits that open a hub event. */
interface AlarmBit {
  bit: number;
  type: EventType;
  certainty?: 'confirmed';
}
const ALARM_BITS: AlarmBit[] = [
  { bit: 16, type: 'sos' },
  { bit: 20, type: 'wearable_removed' },
  { bit: 21, type: 'fall', certainty: 'confirmed' },
];
/** Bits the hub has no event for, named in the events' detail. */
const FLAG_BITS: [number, string][] = [
  [0, 'low_battery'],
  [1, 'outside_fence'],
  [2, 'inside_fence'],
  [14, 'power_cut'],
  [17, 'low_battery_alarm'],
  [18, 'left_fence'],
  [19, 'entered_fence'],
  [23, 'power_cut'],
];

const hasBit = (status: number, bit: number) => ((status >>> bit) & 1) === 1;

interface Report {
  position: Position;
  readings: Readings;
  status: number;
  statusText: string;
  /** `yyMMddHHmmss` as the watch stamped the report, when that is a real time. */
  stamp: string | undefined;
}

/** `DDMMYY`, `HHMMSS` in UTC; `undefined` for a clock that never synchronised. */
function utcTime(date: string, time: string): number | undefined {
  const [day, month, year] = [0, 2, 4].map((at) => Number(date.slice(at, at + 2)));
  const [hour, minute, second] = [0, 2, 4].map((at) => Number(time.slice(at, at + 2)));
  const ts = Date.UTC(2000 + year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(ts);
  const real =
    check.getUTCDate() === day && check.getUTCMonth() === month! - 1 && check.getUTCHours() === hour;
  return real && year! >= 10 && minute! < 60 && second! < 60 ? ts : undefined;
}

function coordinate(field: string | undefined, hemisphere: string | undefined, limit: number): number {
  const value = decimal(field);
  if (value === undefined || Math.abs(value) > limit) throw malformed(`bad coordinate ${field}`);
  return hemisphere === 'S' || hemisphere === 'W' ? -Math.abs(value) : value;
}

/** LAC and cell id: decimal, or hex when they hold a hex letter (`55C0`, `3B882A2`). */
function cellNumber(field: string | undefined): number | undefined {
  const text = field?.trim() ?? '';
  if (/^\d{1,10}$/.test(text)) return Number(text);
  return /^[0-9A-Fa-f]{1,8}$/.test(text) ? Number.parseInt(text, 16) : undefined;
}

function macAddress(field: string | undefined): string | undefined {
  const parts = field?.trim().toLowerCase().split(':') ?? [];
  if (parts.length !== 6 || !parts.every((part) => /^[0-9a-f]{1,2}$/.test(part))) return undefined;
  const mac = parts.map((part) => part.padStart(2, '0')).join(':');
  return mac === '00:00:00:00:00:00' ? undefined : mac;
}

/**
 * After the status: cell count; when above 0, the connect-to-base flag, MCC, MNC and per cell LAC,
 * CID, RSSI; then the Wi-Fi count and per access point its name, MAC, RSSI; then what a firmware
 * adds (accuracy). A damaged list loses the towers, not the report.
 */
function readNetwork(fields: string[]): Pick<Position, 'cells' | 'wifi'> {
  const cells: NonNullable<Position['cells']> = [];
  const wifi: NonNullable<Position['wifi']> = [];
  let at = 0;
  const cellCount = within(integer(fields[at++]), 0, 64) ?? 0;
  if (cellCount > 0) {
    at++;
    const mcc = integer(fields[at++]);
    const mnc = integer(fields[at++]);
    for (let cell = 0; cell < cellCount && at < fields.length; cell++) {
      const lac = cellNumber(fields[at++]);
      const cid = cellNumber(fields[at++]);
      const rssi = integer(fields[at++]);
      if (mcc === undefined || mnc === undefined || lac === undefined || cid === undefined) continue;
      cells.push({ mcc, mnc, lac, cid, ...(rssi === undefined ? {} : { rssi }) });
    }
  }
  const wifiCount = within(integer(fields[at++]), 0, 64) ?? 0;
  for (let point = 0; point < wifiCount && at < fields.length; point++) {
    const name = fields[at++];
    const mac = macAddress(fields[at++]);
    const rssi = integer(fields[at++]);
    if (mac) wifi.push({ mac, ...(name ? { name } : {}), ...(rssi === undefined ? {} : { rssi }) });
  }
  return { ...(cells.length ? { cells } : {}), ...(wifi.length ? { wifi } : {}) };
}

/**
 * The report shared by `UD`, `UD2` (sent again after a gap), `UD3`, `UD_LTE`, `UD_WCDMA`, `AL…` and
 * `WT`: date, time, A/V, latitude, N/S, longitude, E/W, speed km/h, course, altitude, satellites,
 * GSM signal, battery %, steps, rolls, status (hex), then the network.
 */
function readReport(fields: string[], receivedAt: number): Report {
  const [date = '', time = '', validity] = fields;
  const statusText = fields[15]?.trim() ?? '';
  if (!/^\d{6}$/.test(date) || !/^\d{6}$/.test(time) || !/^[AV]$/.test(validity ?? '')) {
    throw malformed('a position report starts with DDMMYY,HHMMSS,A|V');
  }
  if (!/^[0-9A-Fa-f]{1,8}$/.test(statusText)) throw malformed('the status is not 1–8 hex digits');
  const ts = utcTime(date, time);
  const status = Number.parseInt(statusText, 16);
  const network = readNetwork(fields.slice(16));
  const valid = validity === 'A';
  const optional = {
    speedKmh: within(decimal(fields[7]), 0, 1000),
    course: within(decimal(fields[8]), 0, 360),
    altitude: decimal(fields[9]),
    satellites: within(integer(fields[10]), 0, 99),
  };
  const position: Position = {
    ts: ts ?? receivedAt,
    lat: coordinate(fields[3], fields[4]?.trim(), 90),
    lon: coordinate(fields[5], fields[6]?.trim(), 180),
    valid,
    source: valid ? 'gps' : network.wifi ? 'wifi' : network.cells ? 'cell' : 'gps',
    ...defined(optional),
    ...network,
  };
  const readings = defined({
    battery: within(integer(fields[12]), 0, 100),
    steps: within(integer(fields[13]), 0, 10_000_000),
    battery_low: hasBit(status, 0) || hasBit(status, 17),
  });
  const stamp =
    ts === undefined ? undefined : `${date.slice(4)}${date.slice(2, 4)}${date.slice(0, 2)}${time}`;
  return { position, readings, status, statusText, stamp };
}

/**
 * An alarm's events. The id is built from what the watch sent (its id, its own time of the alarm,
 * the alarm), so its retry of an unanswered alarm names the same event. An `AL` that names no
 * alarm, and no state that explains one (low battery, a fence, a power cut), is taken for an SOS:
 * the key is what most often sends one, and a missed call costs more than a false alarm staff close.
 */
function alarmEvents(deviceId: string, report: Report, receivedAt: number): DeviceEvent[] {
  const { status, statusText, stamp } = report;
  const flags = [...new Set(FLAG_BITS.filter(([bit]) => hasBit(status, bit)).map(([, name]) => name))];
  const raised = ALARM_BITS.filter(({ bit }) => hasBit(status, bit));
  const unflagged = status >>> 16 === 0 && flags.length === 0;
  const alarms: AlarmBit[] = unflagged ? [{ bit: 16, type: 'sos' }] : raised;
  return alarms.map(({ type, certainty }) => ({
    id: `3g:${deviceId}:${stamp ?? `t${receivedAt}`}:${type}`,
    type,
    ts: report.position.ts,
    ...(certainty ? { certainty } : {}),
    detail: { status: statusText, ...(flags.length ? { flags } : {}), ...(unflagged ? { unflagged } : {}) },
  }));
}

/** Blood pressure a cuff could measure, else nothing. */
function bloodPressureOf(
  systolic: number | undefined,
  diastolic: number | undefined,
): BloodPressure | undefined {
  const high = within(systolic, 60, 280);
  const low = within(diastolic, 30, 200);
  return high !== undefined && low !== undefined && high > low
    ? { systolic: high, diastolic: low }
    : undefined;
}

const heartRateOf = (field: string | undefined) => within(integer(field), 20, 250);

/** What a frame adds to the bare message: readings, a position, events, an answer. */
type Handler = (parsed: Parsed, context: DecodeContext) => Partial<WatchMessage>;

const answer = (parsed: Parsed, content: string, when: WatchAnswer['when']): WatchAnswer => {
  const { maker, deviceId, index } = parsed.header;
  return { bytes: frameOf(maker, deviceId, index, content), when };
};

const report: Handler = ({ fields }, { receivedAt }) => {
  const { position, readings } = readReport(fields, receivedAt);
  return { ts: position.ts, position, readings };
};

const alarm: Handler = (parsed, { receivedAt }) => {
  const read = readReport(parsed.fields, receivedAt);
  return {
    ts: read.position.ts,
    position: read.position,
    readings: read.readings,
    events: alarmEvents(parsed.header.deviceId, read, receivedAt),
    answer: answer(parsed, 'AL', 'afterCommit'),
  };
};

const bloodPressure: Handler = ({ fields: [systolic, diastolic, pulse] }) => {
  const measured = bloodPressureOf(integer(systolic), integer(diastolic));
  return { readings: defined({ hr: heartRateOf(pulse) }), ...(measured ? { bloodPressure: measured } : {}) };
};

const temperature = (field: string | undefined): Partial<WatchMessage> => ({
  readings: defined({ temperature: within(decimal(field), 25, 45) }),
});

const echo: Handler = (parsed) => ({ answer: answer(parsed, parsed.type, 'now') });

/**
 * `TK` is either the watch's verdict on a voice note the hub sent (`TK,1` played, `TK,0` not) or a
 * note it recorded, answered once stored: the note is kept with the alert.
 */
const voice: Handler = (parsed) => {
  const note = parsed.body === undefined ? Buffer.alloc(0) : unescaped(parsed.body);
  const verdict = note.length === 1 ? note.toString('latin1') : '';
  if (verdict === '0' || verdict === '1') {
    return { commandAnswer: { command: parsed.type, ok: verdict === '1', key: parsed.type.toUpperCase() } };
  }
  if (note.length === 0) throw malformed(`the ${parsed.type} frame carries no voice`);
  return { voice: Buffer.from(note), answer: answer(parsed, `${parsed.type},1`, 'afterCommit') };
};

/**
 * `JXTK,<kind>,<file>,<part>,<parts>,<AMR bytes>`: part `<part>` of the `<parts>` of a voice note the
 * watch recorded as `<file>` (`JXTK,0,watch_7_20220526093954,1,6,#!AMR…`, the frame traccar's
 * WatchProtocolDecoderTest reads), answered `JXTKR,1` so that the watch sends the next. The file
 * names the note, so the gateway puts its parts together; the audio is escaped as `TK`'s is.
 */
const voicePart: Handler = (parsed) => {
  const body = parsed.body ?? Buffer.alloc(0);
  const header: string[] = [];
  let from = 0;
  for (let field = 0; field < 4; field++) {
    const comma = body.indexOf(COMMA, from);
    if (comma < 0 || comma - from > 64)
      throw malformed(`the ${parsed.type} frame is not kind, file, part, parts, audio`);
    header.push(body.toString('latin1', from, comma));
    from = comma + 1;
  }
  const [, file = '', part = '', parts = ''] = header;
  if (!/^[\x21-\x7e]{1,64}$/.test(file) || !/^\d{1,4}$/.test(part) || !/^\d{1,4}$/.test(parts)) {
    throw malformed(`the ${parsed.type} header "${header.join(',')}" is not kind, file, part, parts`);
  }
  const number = Number(part);
  const count = Number(parts);
  if (count < 1 || number < 1 || number > count) {
    throw malformed(`${parsed.type} part ${number} of ${count} is not one of the note's parts`);
  }
  const audio = unescaped(body.subarray(from));
  if (audio.length === 0) throw malformed(`${parsed.type} part ${number} carries no voice`);
  return {
    voicePart: { note: file, part: number, parts: count, audio: Buffer.from(audio) },
    answer: answer(parsed, 'JXTKR,1', 'afterCommit'),
  };
};

/** `LK`: keep-alive, answered at once, with steps, rolls and battery % when the firmware adds them. */
const link: Handler = (parsed) => {
  const [steps, , battery] = parsed.fields;
  const readings =
    parsed.fields.length >= 3
      ? defined({ steps: within(integer(steps), 0, 10_000_000), battery: within(integer(battery), 0, 100) })
      : {};
  return { readings, answer: answer(parsed, 'LK', 'now') };
};

const HANDLERS: Record<string, Handler> = {
  LK: link,
  WT: report,
  BPHRT: bloodPressure,
  BLOOD: bloodPressure,
  HEART: ({ fields }) => ({ readings: defined({ hr: heartRateOf(fields[0]) }) }),
  PULSE: ({ fields }) => ({ readings: defined({ hr: heartRateOf(fields[0]) }) }),
  BTEMP2: ({ fields }) => temperature((integer(fields[0]) ?? 0) > 0 ? fields[1] : undefined),
  TEMP: ({ fields }) => temperature(fields[0]),
  OXYGEN: ({ fields }) => ({ readings: defined({ spo2: within(decimal(fields[1]), 50, 100) }) }),
  TKQ: echo,
  TKQ2: echo,
  TK: voice,
  TK2: voice,
  JXTK: voicePart,
  INIT: (parsed) => ({ answer: answer(parsed, 'INIT,1', 'now') }),
};

function handlerOf(type: string): Handler | undefined {
  const upper = type.toUpperCase();
  if (/^UD(\d|_|$)/.test(upper)) return report;
  if (/^AL(CUSTOMER)?(\d|_|$)/.test(upper)) return alarm;
  if (COMMAND_ECHOES.has(upper)) return () => ({ commandAnswer: { command: upper, ok: true, key: upper } });
  return HANDLERS[upper];
}

function decode(frame: Buffer, context: DecodeContext): WatchMessage {
  const parsed = parseFrame(frame);
  const added = handlerOf(parsed.type)?.(parsed, context) ?? {};
  return {
    deviceId: parsed.header.deviceId,
    type: parsed.type,
    ts: context.receivedAt,
    readings: {},
    events: [],
    // What the hub sends this watch repeats its maker code and, ZJ-style, carries an index too.
    dialect: { maker: parsed.header.maker, indexed: parsed.header.index !== undefined },
    ...added,
  };
}

/** What a command says, as CONTENT. */
function commandContent(command: WatchCommand): string {
  switch (command.kind) {
    case 'text': {
      if (command.text.length === 0) throw new FrameError('unsupported', 'the text is empty');
      // The watch reads UTF-16BE as hex digits.
      return `MESSAGE,${Buffer.from(command.text, 'utf16le').swap16().toString('hex')}`;
    }
    case 'locate':
      return 'CR';
    case 'heart_rate_interval': {
      // `hrtstart,<seconds>`: 0 stops; firmware measures from every 300 s up to 65535 s.
      const { minutes } = command;
      if (!Number.isInteger(minutes) || (minutes !== 0 && (minutes < 5 || minutes * 60 > 0xffff))) {
        throw new FrameError('unsupported', 'the heart-rate interval is 0 (off) or 5–1092 minutes');
      }
      return `hrtstart,${minutes * 60}`;
    }
    case 'fall_alarm':
      // Fall alert on, and the watch calls the SOS number after a fall; or both off.
      return command.on ? 'FALLDOWN,1,1' : 'FALLDOWN,0,0';
    case 'removal_alarm':
      return `REMOVE,${command.on ? 1 : 0}`;
    case 'sos_numbers': {
      const { numbers } = command;
      if (numbers.length > 3 || !numbers.every((number) => /^\+?\d{3,20}$/.test(number))) {
        throw new FrameError('unsupported', 'the watch keeps up to 3 SOS numbers of 3–20 digits');
      }
      return `SOS,${[0, 1, 2].map((slot) => numbers[slot] ?? '').join(',')}`;
    }
    default:
      throw new FrameError('unsupported', `3G watches have no ${(command as { kind: string }).kind} command`);
  }
}

/**
 * A command framed as this connection's watch expects: its maker code and, for ZJ-style watches, an
 * index from the session's serial. Both come from the watch's frames (the session's dialect).
 */
function encode(command: WatchCommand, context: EncodeContext): Buffer {
  if (!ID_PATTERN.test(context.deviceId)) throw malformed(`device id ${context.deviceId} cannot be framed`);
  const content = commandContent(command);
  const { session } = context;
  const { maker: spoken, indexed } = session.dialect ?? {};
  const maker = spoken && /^[0-9A-Za-z]{2}$/.test(spoken) ? spoken : '3G';
  const index = indexed ? hex4(session.nextSerial() & 0xffff) : undefined;
  return frameOf(maker, context.deviceId, index, content);
}

export const threeG: WatchProtocol = {
  name: '3g',
  commands: new Set(WATCH_COMMAND_KINDS),
  framer: (maxFrameBytes) => new ThreeGFramer(maxFrameBytes),
  decode,
  encode,
  // The watch confirms a command by echoing its type (`[3G*…*0002*CR]`); a voice note's verdict is `TK`.
  answerKey: (sent) => parseFrame(sent).type.toUpperCase(),
};

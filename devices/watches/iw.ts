/**
 * The "IW" protocol of Chinese 4G elderly watches (the vendor's "Protocol for GPS Watch"; Traccar
 * reads it as `trv`). Frames are ASCII text from `IW` to `#`: the watch sends `IWAPxx…#`, the centre
 * answers `IWBPxx…#` and sends its commands as `IWBPxx,<IMEI>,<serial>,…#`, which the watch confirms
 * with `IWAPxx,<serial>…#`. Only the login `IWAP00<IMEI>` names the watch, so every later frame is
 * the connection's: the gateway keeps the IMEI in `session.deviceId`.
 *
 * Times: the login answer carries UTC and the zone in hours (`IWBP00,20150101125223,8#`); the watch
 * adds the zone to show local time. The GPS date and time of `AP01`/`AP10` are UTC, as GPS time is.
 */
import type { DeviceEvent } from '../types.ts';
import {
  accessPointsOf,
  bloodPressureOf,
  cellOf,
  type GpsBlock,
  percent,
  readGpsBlock,
  vitalsOf,
} from './iw-fields.ts';
import { createIwFramer } from './iw-framer.ts';
import {
  type DecodeContext,
  type EncodeContext,
  FrameError,
  type Position,
  type WatchAnswer,
  type WatchCommand,
  type WatchMessage,
  type WatchProtocol,
} from './types.ts';

/**
 * `AP10`'s alarm codes: 01 SOS, 02 low battery, 04 wearing notice (the watch was taken off), 06 fall.
 * Traccar also reads 05 as a fall, which some firmwares send; a fall taken for more than it was
 * costs a visit, a fall missed costs far more.
 */
const ALARM_EVENTS: Record<string, Pick<DeviceEvent, 'type' | 'certainty'>> = {
  '01': { type: 'sos' },
  '04': { type: 'wearable_removed' },
  '05': { type: 'fall', certainty: 'confirmed' },
  '06': { type: 'fall', certainty: 'confirmed' },
};
const ALARM_LOW_BATTERY = '02';

/** The watch's confirmation of a command this adapter sends, by the command's kind. */
const COMMAND_ANSWERS: Record<string, WatchCommand['kind']> = {
  AP12: 'sos_numbers',
  AP16: 'locate',
  AP40: 'text',
  AP76: 'fall_alarm',
  AP86: 'heart_rate_interval',
};

/** Confirmations of the vendor's other settings (a maker's tool may send them), by their own id. */
const OTHER_ANSWERS = new Set([
  'AP14', // contacts
  'AP15', // upload interval
  'AP17', // factory reset
  'AP18', // restart
  'AP20', // language and zone
  'AP31', // power off
  'AP33', // working mode
  'AP34', // custom working mode
  'AP77', // fall sensitivity
  'AP84', // white list switch
  'AP85', // reminders
  'AP87', // temperature interval
  'APJZ', // blood pressure calibration
  'APXL', // measure heart rate now
  'APXY', // measure blood pressure now
  'APXZ', // measure SpO2 now
  'APXT', // measure temperature now
]);

/** Uploads the watch repeats until answered whose content the hub does not keep: ECG, sleep. */
const ANSWERED_UNREAD = new Set(['APHD', 'AP97']);

const IMEI = /^\d{15}$/;

export const iw: WatchProtocol = {
  name: 'iw',
  commands: new Set(['text', 'locate', 'heart_rate_interval', 'fall_alarm', 'sos_numbers']),
  framer: createIwFramer,
  decode,
  encode,
  // `IWBPxx,<IMEI>,<serial>,…#`: the watch's confirmation echoes the serial.
  answerKey: (sent) => sent.toString('latin1', 0, sent.length - 1).split(',')[2] ?? '',
};

function decode(frame: Buffer, context: DecodeContext): WatchMessage {
  const head = frame.toString('latin1', 0, Math.min(frame.length, 7));
  const type = /^IW(AP[0-9A-Z]{2})/.exec(head)?.[1];
  if (!type || frame[frame.length - 1] !== 0x23) {
    throw new FrameError('malformed', `"${head}…" is not an IW frame (IWAPxx … #)`);
  }
  // Text frames are ASCII but for Wi-Fi names, which watches send as UTF-8.
  const body = frame.toString(type === 'AP07' ? 'latin1' : 'utf8', 6, frame.length - 1);
  if (type === 'AP00') return login(body, context);

  const deviceId = context.session.deviceId;
  if (deviceId === undefined) {
    throw new FrameError('malformed', `IW ${type} before the AP00 login: no IMEI to attribute it to`);
  }
  const message: WatchMessage = { deviceId, type, ts: context.receivedAt, readings: {}, events: [] };
  const fields = body.split(',');
  // Every frame but the position ones puts a comma between its id and its first field.
  const [, first, second, third, fourth, , sixth] = fields;
  switch (type) {
    case 'AP01':
    case 'AP10':
      return located(message, fields, context.receivedAt);
    case 'AP02':
      return towers(message, fields);
    case 'AP03': {
      // `IWAP03,06000908000102,5555,30`: the status word, steps, turns in bed.
      const status = /^\d{6}(\d{3})\d{5}$/.exec(first ?? '');
      if (!status || !/^\d{1,9}$/.test(second ?? '')) {
        throw new FrameError('malformed', `IW AP03 "${body}" is not status, steps, turns`);
      }
      const battery = percent(status[1]);
      message.readings = { ...(battery !== undefined ? { battery } : {}), steps: Number(second) };
      return answered(message, 'now');
    }
    case 'AP07':
      return voice(message, frame);
    case 'AP49':
      // `IWAP49,68`: heart rate.
      message.readings = vitalsOf({ hr: first });
      return answered(message, 'now');
    case 'APHT':
    case 'APHP': {
      // `IWAPHT,60,130,85`: heart rate, systolic, diastolic. `APHP` adds SpO2, blood sugar (not a
      // hub reading) and temperature: `IWAPHP,60,130,85,95,90,36.5,,,,,,,`; any may be blank.
      message.readings = vitalsOf({ hr: first, spo2: fourth, temperature: sixth });
      return withPressure(answered(message, 'now'), second, third);
    }
    case 'AP50':
      // `IWAP50,36.7,90`: body temperature, battery %.
      message.readings = vitalsOf({ temperature: first, battery: second });
      return answered(message, 'now');
    case 'APJK':
      return health(message, first, second, third);
    default:
      return confirmationOrRest(message, first);
  }
}

/** `IWAP00355932600077007,8901240204123656505f,310240202365650`: IMEI, then ICCID and IMSI on some. */
function login(body: string, context: DecodeContext): WatchMessage {
  const [imei, iccid, imsi] = body.replace(/^,/, '').split(',');
  if (!imei || !IMEI.test(imei))
    throw new FrameError('malformed', `IW login "${body}" does not start with a 15-digit IMEI`);
  return {
    deviceId: imei,
    type: 'AP00',
    ts: context.receivedAt,
    readings: {},
    events: [],
    login: { imei, ...(iccid ? { iccid } : {}), ...(imsi ? { imsi } : {}) },
    answer: {
      bytes: Buffer.from(
        `IWBP00,${utcStamp(context.receivedAt)},${zoneHours(context.utcOffsetMinutes)}#`,
        'latin1',
      ),
      when: 'now',
    },
  };
}

/**
 * `AP01` (position) and `AP10` (alarm): the GPS block, then MCC, MNC, LAC, CID; `AP10` then has the
 * alarm code, the language and whether the watch wants an address back; then the access points.
 */
function located(message: WatchMessage, fields: string[], receivedAt: number): WatchMessage {
  const [block, mcc, mnc, lac, cid] = fields;
  const gps = readGpsBlock(block ?? '');
  const alarm = message.type === 'AP10' ? fields[5] : undefined;
  if (alarm !== undefined && !/^\d{2}$/.test(alarm)) {
    throw new FrameError('malformed', `IW AP10 alarm code "${alarm}" is not two digits`);
  }
  message.ts = gps.time ?? receivedAt;
  if (gps.battery !== undefined) message.readings.battery = gps.battery;
  const position = positionOf(gps, message.ts, fields.slice(alarm === undefined ? 5 : 8).join(','));
  const cell = cellOf(mcc, mnc, lac, cid);
  if (position && cell) position.cells = [cell];
  if (position) message.position = position;
  if (alarm === undefined) return answered(message, 'now');

  if (alarm === ALARM_LOW_BATTERY) message.readings.battery_low = true;
  const event = ALARM_EVENTS[alarm];
  if (event) {
    if (event.type === 'wearable_removed') message.readings.worn = false;
    // The watch repeats an unanswered alarm with the same stamp, so the stamp names the event. A
    // stamp that is no real time (a clock never set) would name every alarm alike: the time of
    // receipt is used instead, and a repeat may then open a second alert rather than none.
    const stamp = gps.time !== undefined ? gps.stamp : `r${receivedAt}`;
    message.events.push({ id: `${message.deviceId}:${alarm}:${stamp}`, ts: message.ts, ...event });
  }
  // A stored alarm is answered: the watch repeats it until then, so nothing is lost if storing fails.
  return answered(message, message.events.length > 0 ? 'afterCommit' : 'now');
}

/**
 * Where the watch was, or nothing: a watch that never had a fix sends `V` and zeros, which is no
 * place at all.
 */
function positionOf(gps: GpsBlock, ts: number, accessPoints: string): Position | undefined {
  if (!gps.valid && gps.lat === 0 && gps.lon === 0) return undefined;
  const wifi = accessPointsOf(accessPoints);
  return {
    ts,
    lat: gps.lat,
    lon: gps.lon,
    valid: gps.valid,
    source: 'gps',
    speedKmh: gps.speedKmh,
    course: gps.course,
    satellites: gps.satellites,
    ...(wifi.length > 0 ? { wifi } : {}),
  };
}

/**
 * `IWAP02,zh_cn,0,7,460,0,9520|3671|13,…,4,1|D8-24-BD-79-FA-1F|59&…`: language, whether to answer
 * with an address, the number of towers, MCC, MNC, each tower as LAC|CID|signal, then the number of
 * access points and the access points. It names no place: it is passed on as a position without
 * a fix (0° 0°, not valid) carrying the towers and access points heard, for the hub to place by
 * the towers it knows (server/location/cells.ts), stamped with the time it came.
 */
function towers(message: WatchMessage, fields: string[]): WatchMessage {
  const count = Number(fields[3]);
  const listed = fields.slice(6, 6 + count);
  const readable = Number.isInteger(count) && count > 0 && listed.length === count;
  const cells = listed.map((tower) => {
    const [lac, cid, rssi] = tower.split('|');
    return cellOf(fields[4], fields[5], lac, cid, rssi);
  });
  if (!readable || cells.includes(undefined)) {
    throw new FrameError('malformed', `IW AP02 does not list the ${fields[3]} towers it counts`);
  }
  const wifi = accessPointsOf(fields.slice(7 + count).join(','));
  message.position = {
    ts: message.ts,
    lat: 0,
    lon: 0,
    valid: false,
    source: 'cell',
    cells: cells as NonNullable<Position['cells']>,
    ...(wifi.length > 0 ? { wifi } : {}),
  };
  return answered(message, 'now');
}

/** `IWAP07,` then the recording's time, the number of packets, the packet's number, its length. */
const VOICE_HEADER = /^IWAP07,(\d{14}),(\d{1,3}),(\d{1,3}),(\d{1,6}),/;

/**
 * `IWAP07,20140818064408,6,1,1024,<AMR bytes>#`: packet 1 of the 6 of a voice note recorded at
 * 2014-08-18 06:44:08, with its 1024 bytes of AMR (the vendor's document). The watch waits for
 * `IWBP07,20140818064408,6,1,1#` before it sends the next packet; the recording's time names the
 * note, so the gateway puts its packets together (a note of one packet is whole at once).
 */
function voice(message: WatchMessage, frame: Buffer): WatchMessage {
  const header = VOICE_HEADER.exec(frame.toString('latin1', 0, Math.min(frame.length, 48)));
  if (!header) throw new FrameError('malformed', 'IW AP07 header is not time, packets, packet, length');
  const [head, time = '', packets = '', packet = '', length = ''] = header;
  const parts = Number(packets);
  const part = Number(packet);
  if (parts < 1 || part < 1 || part > parts) {
    throw new FrameError('malformed', `IW AP07 packet ${part} of ${parts} is not one of the note's packets`);
  }
  const audio = frame.subarray(head.length, frame.length - 1);
  if (audio.length === 0 || audio.length !== Number(length)) {
    throw new FrameError(
      'malformed',
      `IW AP07 carries ${audio.length} bytes of audio, not the ${length} it says`,
    );
  }
  message.voicePart = { note: time, part, parts, audio: Buffer.from(audio) };
  message.answer = {
    bytes: Buffer.from(`IWBP07,${time},${packets},${packet},1#`, 'latin1'),
    when: 'afterCommit',
  };
  return message;
}

/**
 * `IWAPJK,<time>,<kind>,<value>` from firmwares that report each measurement alone: 1 blood pressure
 * as `diastolic|systolic`, 2 heart rate, 3 temperature, 4 SpO2; 5–7 are sleep, not kept. The time
 * comes as `20240406143052` or `2026-08-25 17:33:03`, in UTC. Answered `IWBPJK,<kind>#`.
 */
function health(message: WatchMessage, time = '', kind = '', value = ''): WatchMessage {
  const digits = time.replace(/[-: ]/g, '');
  if (!/^\d{14}$/.test(digits) || !/^\d$/.test(kind)) {
    throw new FrameError('malformed', `IW APJK "${time},${kind},${value}" is not time, kind, value`);
  }
  const stamped = Date.parse(
    `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12)}Z`,
  );
  if (Number.isFinite(stamped)) message.ts = stamped;
  message.answer = { bytes: Buffer.from(`IWBPJK,${kind}#`, 'latin1'), when: 'now' };
  if (kind === '1') {
    const [diastolic, systolic] = value.split('|');
    return withPressure(message, systolic, diastolic);
  }
  const key = ({ '2': 'hr', '3': 'temperature', '4': 'spo2' } as const)[kind as '2' | '3' | '4'];
  if (key) message.readings = vitalsOf({ [key]: value });
  return message;
}

/** A command's confirmation, an upload answered but not read, or a frame this adapter cannot read. */
function confirmationOrRest(message: WatchMessage, serial: string | undefined): WatchMessage {
  const command =
    COMMAND_ANSWERS[message.type] ??
    (OTHER_ANSWERS.has(message.type) ? `B${message.type.slice(1)}` : undefined);
  if (command !== undefined) {
    // The watch echoes the serial the command carried; it has no way to say it failed. Nothing is
    // answered: a confirmation is itself the answer.
    message.commandAnswer = {
      command,
      ok: true,
      ...(serial ? { detail: serial } : {}),
      // A firmware that leaves the serial out is matched by the command's id alone.
      key: serial || `BP${message.type.slice(2)}`,
    };
    return message;
  }
  if (ANSWERED_UNREAD.has(message.type)) return answered(message, 'now');
  throw new FrameError('unsupported', `IW ${message.type} is not read`);
}

function withPressure(message: WatchMessage, systolic?: string, diastolic?: string): WatchMessage {
  const pressure = bloodPressureOf(systolic, diastolic);
  if (pressure) message.bloodPressure = pressure;
  return message;
}

/** The fixed answer `IWBPxx#` to an upload `IWAPxx`. */
function answered(message: WatchMessage, when: WatchAnswer['when']): WatchMessage {
  message.answer = { bytes: Buffer.from(`IWB${message.type.slice(1)}#`, 'latin1'), when };
  return message;
}

/** Epoch ms as UTC `yyyyMMddHHmmss`. */
function utcStamp(time: number): string {
  return new Date(time).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** The zone in hours as the login answer carries it: `8`, `-5`, `5.5`. */
function zoneHours(offsetMinutes: number): string {
  return String(Math.round((offsetMinutes / 60) * 100) / 100);
}

/**
 * Commands are `IWBPxx,<IMEI>,<serial>,…#`; the serial is six digits (`080835` in the vendor's
 * examples) and comes back in the watch's confirmation.
 */
function encode(command: WatchCommand, context: EncodeContext): Buffer {
  if (!IMEI.test(context.deviceId)) {
    throw new FrameError('malformed', `IW commands go to a 15-digit IMEI, not "${context.deviceId}"`);
  }
  const fields = commandFields(command);
  const serial = String(context.session.nextSerial() % 1_000_000).padStart(6, '0');
  return Buffer.from(`IWBP${[fields[0], context.deviceId, serial, ...fields.slice(1)].join(',')}#`, 'latin1');
}

/** The command's id and its fields after the serial; checked before a serial is spent. */
function commandFields(command: WatchCommand): string[] {
  switch (command.kind) {
    case 'text': {
      // BP40 carries the text as UTF-16BE code units in hex (`0061` for "a"), so Chinese, `,` and `#`
      // pass through a frame whose own bytes are ASCII.
      if (command.text.length === 0) throw new FrameError('malformed', 'IW text message is empty');
      let hex = '';
      for (let index = 0; index < command.text.length; index += 1) {
        hex += command.text.charCodeAt(index).toString(16).padStart(4, '0');
      }
      return ['40', hex];
    }
    case 'locate':
      return ['16'];
    case 'heart_rate_interval': {
      // BP86: switch (1 on) and the period in minutes.
      const { minutes } = command;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
        throw new FrameError('malformed', `IW heart rate interval ${minutes} is not 1–1440 whole minutes`);
      }
      return ['86', '1', String(minutes)];
    }
    case 'fall_alarm':
      return ['76', command.on ? '1' : '0'];
    case 'sos_numbers': {
      // BP12: always three numbers; an empty one clears its key.
      const { numbers } = command;
      if (numbers.length > 3 || numbers.some((number) => !/^\+?\d{3,20}$/.test(number))) {
        throw new FrameError('malformed', 'IW SOS numbers are at most three, each digits with an optional +');
      }
      return ['12', ...[0, 1, 2].map((index) => numbers[index] ?? '')];
    }
    case 'removal_alarm':
      throw new FrameError('unsupported', 'the IW protocol has no command to switch the removal alarm');
  }
}

/**
 * How each protocol's device talks: what it sends to log in, to link, to report a place, a heart
 * rate or an alarm, and which of the hub's frames answers what. The bytes come from frames.ts; the
 * connection, the timers and the repeats are device.ts's.
 */
import { createFramer, readFrame } from '../../devices/watches/jt808-wire.ts';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import {
  type Fix,
  IW_ALARM_CODES,
  iwAlarm,
  iwHeartbeat,
  iwHeartRate,
  iwLogin,
  iwPosition,
  JT808,
  JT808_ALARM_BITS,
  jt808Authenticate,
  jt808Frame,
  jt808Heartbeat,
  jt808Location,
  jt808Register,
  THREE_G_ALARM_BITS,
  threeGFrame,
  threeGReport,
} from './frames.ts';

/** The alarms a simulated device can raise; a protocol without one says so (`alarms`). */
export type WatchAlarm = 'sos' | 'fall' | 'removed' | 'low_battery';

/** The hub's side of the conversation as the device sees it: the frames the hub sent, one at a time. */
export interface Conversation {
  send(bytes: Buffer): void;
  /** The next frame from the hub that `matches`; rejects when the connection ends or `timeoutMs` passes. */
  expect(matches: (frame: Buffer) => boolean, timeoutMs: number): Promise<Buffer>;
}

/** An alarm as sent: its bytes for one attempt, and whether a frame of the hub answers it. */
export interface AlarmAttempt {
  bytes: Buffer;
  answers(frame: Buffer): boolean;
}

export interface Speaker {
  protocol: WatchProtocolName;
  /** The hub's device type for this protocol (devices/definitions/maker-protocols.ts). */
  deviceType: string;
  alarms: ReadonlySet<WatchAlarm>;
  /** Cuts the hub's bytes into frames. */
  frames(chunk: Buffer): Buffer[];
  /** Logs in on a new connection, as the device does; resolves once the hub accepted it. */
  login(conversation: Conversation, timeoutMs: number): Promise<void>;
  link(state: DeviceState): Buffer;
  isLinkAnswer(frame: Buffer): boolean;
  position(fix: Fix): Buffer;
  /** Undefined for a device that measures none (a pendant). */
  heartRate(bpm: number): Buffer | undefined;
  /** One attempt at `alarm` raised at `fix`; the device's retries send the same alarm again. */
  alarm(alarm: WatchAlarm, fix: Fix): AlarmAttempt;
  /**
   * The device's confirmation of a command the hub sent in `frame` (a text shown, a position asked
   * for, a setting taken), as its makers document it; undefined for a frame that is no command.
   */
  confirm(frame: Buffer): Buffer | undefined;
}

/** The 3G commands a watch confirms by echoing their type (`[3G*ID*0002*CR]`). */
const THREE_G_COMMANDS = new Set(['CR', 'MESSAGE', 'HRTSTART', 'SOS', 'FALLDOWN', 'REMOVE']);
/** IW commands (`IWBPxx,<IMEI>,<serial>,…#`) a watch confirms with `IWAPxx,<serial>#`. */
const IW_COMMANDS = new Set(['12', '16', '40', '76', '86']);
/** JT/T 808 platform messages a terminal answers with its general answer 0x0001: text, position query. */
const JT808_COMMANDS = new Set([0x8300, 0x8201]);

export interface DeviceState {
  battery: number;
  steps: number;
}

/** Splits text frames ending in `end`, keeping an unfinished one for the next chunk. */
function textSplitter(end: string): (chunk: Buffer) => Buffer[] {
  let rest = '';
  return (chunk) => {
    rest += chunk.toString('latin1');
    const parts = rest.split(end);
    rest = parts.pop() ?? '';
    // A hub that never ends a frame would grow this without bound: a device drops such garbage.
    if (rest.length > 65_536) rest = '';
    return parts.filter((part) => part !== '').map((part) => Buffer.from(`${part}${end}`, 'latin1'));
  };
}

/** The type of a 3G frame from the hub: `[3G*ID*LEN*TYPE,…]` → `TYPE`. */
function threeGType(frame: Buffer): string {
  const text = frame.toString('latin1');
  const content = text.slice(text.indexOf('*', text.indexOf('*', text.indexOf('*') + 1) + 1) + 1, -1);
  return content.split(',')[0] ?? '';
}

export function threeGSpeaker(deviceId: string): Speaker {
  return {
    protocol: '3g',
    deviceType: 'watch.3g',
    alarms: new Set<WatchAlarm>(['sos', 'fall', 'removed', 'low_battery']),
    frames: textSplitter(']'),
    // A 3G watch has no login of its own: its first `LK` names it, and the hub's `LK` accepts it.
    async login(conversation, timeoutMs) {
      conversation.send(threeGFrame(deviceId, 'LK'));
      await conversation.expect((frame) => threeGType(frame) === 'LK', timeoutMs);
    },
    link: ({ steps, battery }) => threeGFrame(deviceId, `LK,${Math.trunc(steps)},0,${Math.round(battery)}`),
    isLinkAnswer: (frame) => threeGType(frame) === 'LK',
    position: (fix) => threeGReport(deviceId, fix),
    heartRate: (bpm) => threeGFrame(deviceId, `heart,${Math.round(bpm)}`),
    alarm: (alarm, fix) => ({
      bytes: threeGReport(deviceId, fix, 2 ** THREE_G_ALARM_BITS[alarm]),
      answers: (frame) => threeGType(frame) === 'AL',
    }),
    confirm(frame) {
      const type = threeGType(frame);
      return THREE_G_COMMANDS.has(type.toUpperCase()) ? threeGFrame(deviceId, type) : undefined;
    },
  };
}

export function iwSpeaker(imei: string): Speaker {
  return {
    protocol: 'iw',
    deviceType: 'watch.iw',
    alarms: new Set<WatchAlarm>(['sos', 'fall', 'removed', 'low_battery']),
    frames: textSplitter('#'),
    async login(conversation, timeoutMs) {
      conversation.send(iwLogin(imei));
      await conversation.expect((frame) => frame.toString('latin1').startsWith('IWBP00,'), timeoutMs);
    },
    link: ({ battery, steps }) => iwHeartbeat(battery, steps),
    isLinkAnswer: (frame) => frame.toString('latin1') === 'IWBP03#',
    position: (fix) => iwPosition(fix),
    heartRate: (bpm) => iwHeartRate(bpm),
    alarm: (alarm, fix) => ({
      bytes: iwAlarm(fix, IW_ALARM_CODES[alarm]),
      answers: (frame) => frame.toString('latin1') === 'IWBP10#',
    }),
    confirm(frame) {
      const [head = '', , serial] = frame.toString('latin1', 0, frame.length - 1).split(',');
      const command = head.slice(4);
      if (!head.startsWith('IWBP') || !IW_COMMANDS.has(command) || !serial) return undefined;
      return Buffer.from(`IWAP${command},${serial}#`, 'latin1');
    },
  };
}

/** The hub's JT/T 808 frame as id and body; undefined for bytes that are not one. */
function platformMessage(frame: Buffer): { messageId: number; body: Buffer } | undefined {
  try {
    const { messageId, body } = readFrame(frame);
    return body.length >= 5 ? { messageId, body } : undefined;
  } catch {
    return undefined;
  }
}

/** The platform's general answer 0x8001, result 0, to a terminal message of id `messageId` (and one of `serials`). */
function answersMessage(frame: Buffer, messageId: number, serials?: ReadonlySet<number>): boolean {
  const message = platformMessage(frame);
  return (
    message?.messageId === JT808.platformAnswer &&
    (serials === undefined || serials.has(message.body.readUInt16BE(0))) &&
    message.body.readUInt16BE(2) === messageId &&
    message.body[4] === 0
  );
}

export function jt808Speaker(deviceId: string): Speaker {
  const framer = createFramer(4096);
  let serial = 0;
  const nextSerial = () => {
    serial = (serial + 1) & 0xffff;
    return serial;
  };
  return {
    protocol: 'jt808',
    deviceType: 'pendant.jt808',
    // JT/T 808 alarm bits have no fall or removal: a pendant has its key and its battery.
    alarms: new Set<WatchAlarm>(['sos', 'low_battery']),
    frames: (chunk) => {
      try {
        return framer.push(chunk);
      } catch {
        return [];
      }
    },
    // Register (0x0100) → the hub's 0x8100 with the auth code → authenticate (0x0102) → 0x8001.
    // A real terminal keeps the code and skips registering next time; registering again is allowed.
    async login(conversation, timeoutMs) {
      const registerSerial = nextSerial();
      conversation.send(jt808Register(deviceId, registerSerial));
      const answer = await conversation.expect((frame) => {
        const message = platformMessage(frame);
        return message?.messageId === JT808.registerAnswer && message.body.readUInt16BE(0) === registerSerial;
      }, timeoutMs);
      const body = readFrame(answer).body;
      if (body[2] !== 0) throw new Error(`registration refused with result ${body[2]}`);
      const authenticateSerial = nextSerial();
      conversation.send(jt808Authenticate(deviceId, authenticateSerial, body.subarray(3)));
      await conversation.expect(
        (frame) => answersMessage(frame, JT808.authenticate, new Set([authenticateSerial])),
        timeoutMs,
      );
    },
    link: () => jt808Heartbeat(deviceId, nextSerial()),
    isLinkAnswer: (frame) => answersMessage(frame, JT808.heartbeat),
    position: (fix) => jt808Location(deviceId, nextSerial(), fix),
    heartRate: () => undefined,
    alarm(alarm, fix) {
      // Each attempt goes under a new serial, as terminals resend; the report's own time stays, so the
      // hub reads the same alarm. Any attempt's answer clears it.
      const serials = new Set<number>();
      return {
        get bytes() {
          const attempt = nextSerial();
          serials.add(attempt);
          return jt808Location(deviceId, attempt, fix, 2 ** JT808_ALARM_BITS[alarm as 'sos' | 'low_battery']);
        },
        answers: (frame) => answersMessage(frame, JT808.location, serials),
      };
    },
    confirm(frame) {
      let command: { messageId: number; serial: number };
      try {
        command = readFrame(frame);
      } catch {
        return undefined;
      }
      if (!JT808_COMMANDS.has(command.messageId)) return undefined;
      // 0x0001 (终端通用应答): the command's serial, its id, result 0 (success).
      const body = Buffer.alloc(5);
      body.writeUInt16BE(command.serial, 0);
      body.writeUInt16BE(command.messageId, 2);
      return jt808Frame(deviceId, JT808.terminalAnswer, nextSerial(), body);
    },
  };
}

export function speakerFor(protocol: WatchProtocolName, deviceId: string): Speaker {
  if (protocol === '3g') return threeGSpeaker(deviceId);
  if (protocol === 'iw') return iwSpeaker(deviceId);
  return jt808Speaker(deviceId);
}

/** The protocol of a hub device type, or undefined for a type that is not a maker protocol's. */
export function protocolOfType(type: string): WatchProtocolName | undefined {
  return ({ 'watch.3g': '3g', 'watch.iw': 'iw', 'pendant.jt808': 'jt808' } as const)[
    type as 'watch.3g' | 'watch.iw' | 'pendant.jt808'
  ];
}

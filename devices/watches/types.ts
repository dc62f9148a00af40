/**
 * Watches and pendants that speak a maker's protocol over TCP instead of the hub's MQTT: the "3G"
 * text family (SeTracker-style), IW, and JT/T 808. Each protocol is an adapter of three pure parts:
 * a framer that cuts a connection's byte stream into frames, a decoder that turns one frame into
 * what the device said (readings, a position, alarms as hub events, the answer it expects), and an
 * encoder that turns the hub's commands into bytes. The gateway owns the sockets, the timers and the
 * device records; nothing here performs I/O.
 */
import type { DeviceEvent, Readings } from '../types.ts';

export type WatchProtocolName = '3g' | 'iw' | 'jt808';

/** A refused frame: the connection's other frames, and the other watches, carry on. */
export class FrameError extends Error {
  constructor(
    /** Counted in `/metrics` by this reason. */
    readonly reason: 'oversize' | 'malformed' | 'checksum' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Where the device was, in WGS-84 as devices send it (a map link converts to GCJ-02). */
export interface Position {
  /** Epoch ms of the fix, as the device stamped it. */
  ts: number;
  /** Degrees, south and west negative. */
  lat: number;
  lon: number;
  /** The device says the fix is good (GPS "A"); otherwise this is its last known place. */
  valid: boolean;
  /** What the fix came from; `cell` and `wifi` positions need a lookup the hub may not have. */
  source: 'gps' | 'wifi' | 'cell';
  speedKmh?: number;
  /** Degrees clockwise from north. */
  course?: number;
  /** Metres. */
  altitude?: number;
  satellites?: number;
  /** Cell towers heard, for a later lookup. */
  cells?: { mcc: number; mnc: number; lac: number; cid: number; rssi?: number }[];
  /** Wi-Fi access points heard. */
  wifi?: { mac: string; name?: string; rssi?: number }[];
}

/** Blood pressure in mmHg, as a watch measures it. */
export interface BloodPressure {
  systolic: number;
  diastolic: number;
}

/** The hub's reply to a frame, with when it may go. */
export interface WatchAnswer {
  bytes: Buffer;
  /**
   * `now`: at once. `afterCommit`: only once the frame's events are stored. A watch repeats an
   * alarm until it is answered, so answering first and failing to store would lose the alarm.
   */
  when: 'now' | 'afterCommit';
}

/** What a device said in one frame. */
export interface WatchMessage {
  /**
   * The device's identity in its protocol, the id it is registered under: the 10-digit id or the
   * IMEI (3G, IW), the terminal's phone number (JT/T 808).
   */
  deviceId: string;
  /** The protocol's message type (`LK`, `UD`, `AP10`, `0200`…), for logs and `/metrics`. */
  type: string;
  /** Epoch ms the device stamped the message with, else the time it was received. */
  ts: number;
  /** Readings in the hub's keys (`battery`, `hr`, `spo2`, `temperature`, `steps`, `worn`…). */
  readings: Readings;
  bloodPressure?: BloodPressure;
  position?: Position;
  /**
   * Alarms as hub events. An event's id depends only on what the device sent (its identity, the
   * alarm and the device's own time or serial), so the device's retry of an unanswered alarm
   * carries the same id and opens no second alert.
   */
  events: DeviceEvent[];
  /** A voice note (3G `TK`: AMR audio), kept with the alert for download. */
  voice?: Buffer;
  /**
   * One part of a voice note sent in several frames (IW `AP07`, 3G `JXTK`). The gateway puts the
   * parts of each note together and keeps the whole note as it keeps `voice`. The part's `answer`
   * goes at once while the note still lacks parts, once the note is stored for the part that
   * completes it, and never for a part the gateway refuses.
   */
  voicePart?: VoicePart;
  answer?: WatchAnswer;
  /** A login or registration: what the device said of itself (maker, model, firmware…). */
  login?: Record<string, string>;
  /**
   * The device proved who it is on this connection (JT/T 808: the auth code it was given at
   * registration); a protocol with `beforeAuthentication` reads nothing else before it.
   */
  authenticated?: boolean;
  /** The device's answer to a command the hub sent, by the command's name or serial. */
  commandAnswer?: {
    command: string;
    ok: boolean;
    detail?: string;
    /** Matches the `answerKey()` of the bytes of the command it confirms. */
    key: string;
  };
  /** How the device speaks, as this frame shows; the gateway keeps it in the session. */
  dialect?: WatchDialect;
}

/** One frame's slice of a voice note that a watch sends in several frames. */
export interface VoicePart {
  /**
   * Names the note among the device's notes: the watch's own stamp of the recording (IW) or its
   * file name (3G). Every part of a note carries the same name.
   */
  note: string;
  /** The part's number, 1 to `parts`; parts may arrive out of order, or twice. */
  part: number;
  /** How many parts the note has. */
  parts: number;
  /** The part's AMR bytes, as the note holds them (unescaped). */
  audio: Buffer;
}

/** How a device speaks on its connection, learnt from its frames: what the hub sends follows it. */
export interface WatchDialect {
  /** 3G: the maker code of its frames (`3G`, `SG`, `CS`, `ZJ`…) and whether they carry an index. */
  maker?: string;
  indexed?: boolean;
  /** JT/T 808: the edition of the terminal's frames and, in 2019, the protocol version it names. */
  edition?: 2013 | 2019;
  protocolVersion?: number;
}

/** A connection's state that the decoder needs, kept by the gateway per connection. */
export interface WatchSession {
  /** The device's id once it has said it (JT/T 808 frames name it in each header anyway). */
  deviceId?: string;
  /** The device's dialect, from the latest frame that showed it. */
  dialect?: WatchDialect;
  /** The hub's next serial number for what it sends on this connection (JT/T 808), then advanced. */
  nextSerial(): number;
  /** The code a JT/T 808 terminal must present after registering; the gateway stores it. */
  authCode?(deviceId: string): string;
  /**
   * JT/T 808: the time (YYMMDDhhmmss) of the first report on this connection with the emergency
   * alarm bit set, while it stays set. A terminal keeps the bit in every report until the
   * platform's answer clears it, so those reports carry one event, named by this time.
   */
  emergencySince?: string;
}

export interface DecodeContext {
  /** Epoch ms the frame arrived. */
  receivedAt: number;
  /** The centre's offset from UTC in minutes (480 in Sichuan), for protocols that speak local time. */
  utcOffsetMinutes: number;
  session: WatchSession;
}

/** Every kind of command, in the order staff see them. */
export const WATCH_COMMAND_KINDS = [
  'text',
  'locate',
  'heart_rate_interval',
  'fall_alarm',
  'removal_alarm',
  'sos_numbers',
] as const satisfies readonly WatchCommand['kind'][];

/** What staff can ask of a watch. */
export type WatchCommand =
  /** Show the centre's words on the watch (after an acknowledge: 已收到，工作人员正在赶来). */
  | { kind: 'text'; text: string }
  /** Report a position now. */
  | { kind: 'locate' }
  /** Measure the heart rate every `minutes`. */
  | { kind: 'heart_rate_interval'; minutes: number }
  | { kind: 'fall_alarm'; on: boolean }
  | { kind: 'removal_alarm'; on: boolean }
  /** The numbers the SOS key calls, in order. */
  | { kind: 'sos_numbers'; numbers: string[] };

export interface EncodeContext {
  deviceId: string;
  /** Epoch ms now, for protocols that stamp what they send. */
  now: number;
  utcOffsetMinutes: number;
  session: WatchSession;
}

/** Cuts one connection's bytes into frames; keeps what is left of a frame until the rest comes. */
export interface Framer {
  /**
   * The whole frames the chunk completes. Throws `FrameError` at a stretch that cannot be a frame;
   * the next call (an empty chunk will do) goes on after that stretch. `cut()` does both.
   */
  push(chunk: Buffer): Buffer[];
}

/**
 * Everything a chunk holds: its whole frames and a refusal for each bad stretch, which is skipped so
 * that the frames behind it are kept.
 */
export function cut(framer: Framer, chunk: Buffer): { frames: Buffer[]; refused: FrameError[] } {
  const frames: Buffer[] = [];
  const refused: FrameError[] = [];
  // A framer may hand the frames before a bad stretch first and refuse the stretch on the next
  // call, so it is called again until a call gives nothing. Each call that gives something uses up
  // at least a byte; the bound is a guard, not a rule.
  for (let call = 0; call <= chunk.length + 1; call += 1) {
    try {
      const got = framer.push(call === 0 ? chunk : Buffer.alloc(0));
      if (got.length === 0 && call > 0) break;
      frames.push(...got);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      refused.push(error);
    }
  }
  return { frames, refused };
}

export interface WatchProtocol {
  name: WatchProtocolName;
  /** A new framer for one connection; a frame over `maxFrameBytes` is refused as `oversize`. */
  framer(maxFrameBytes: number): Framer;
  /** One frame → what the device said. Throws `FrameError` for a frame it cannot read. */
  decode(frame: Buffer, context: DecodeContext): WatchMessage;
  /** The commands this protocol has; the hub refuses the others before queueing them. */
  commands: ReadonlySet<WatchCommand['kind']>;
  /** A command as the bytes this protocol sends. Throws `FrameError('unsupported')` for one it has not. */
  encode(command: WatchCommand, context: EncodeContext): Buffer;
  /**
   * What the device's confirmation of a command it was sent (these bytes) carries as
   * `commandAnswer.key`: the command's name or its serial, as the protocol echoes it.
   */
  answerKey(sent: Buffer): string;
  /**
   * The message types a device may send before it has authenticated on its connection (JT/T 808:
   * register and authenticate). Absent: the protocol has no authentication; a device is known by
   * the id its frames carry.
   */
  beforeAuthentication?: ReadonlySet<string>;
}

/**
 * JT/T 808 on the wire, the same in the 2013 and 2019 editions (clause 4.4 of both): a frame is
 * `0x7E`, the escaped header, body and check code, `0x7E`. Inside, `0x7E` is sent as `0x7D 0x02` and
 * `0x7D` as `0x7D 0x01`; the check code is the XOR of every header and body byte. Words are big-endian;
 * BCD[n] packs two decimal digits a byte; STRING is GBK.
 */
import { FrameError, type Framer } from './types.ts';

export const FLAG = 0x7e;
const ESCAPE = 0x7d;

/** Which edition a terminal speaks: 2019 sets bit 14 of the properties and adds a version byte. */
export interface Edition {
  is2019: boolean;
  /** The 2019 header's protocol version byte (1 for the first 2019 revision); 0 in 2013. */
  protocolVersion: number;
}

export const EDITION_2013: Edition = { is2019: false, protocolVersion: 0 };

/** Properties word (clause 4.4.3, table 3): body length in bits 0–9, encryption 10–12, subpackage 13, version 14. */
const BODY_LENGTH_MASK = 0x03ff;
const ENCRYPTION_MASK = 0x1c00;
const SUBPACKAGE_BIT = 0x2000;
const VERSION_BIT = 0x4000;
export const MAX_BODY_BYTES = BODY_LENGTH_MASK;

/**
 * Cuts a connection's bytes at the `0x7E` flags. Bytes outside a frame (a modem's noise, a stray
 * text line) are skipped, since the next flag resynchronises the stream. Two flags in a row are an
 * end flag and a start flag, so a stream joined mid-frame recovers at the next frame.
 */
export function createFramer(maxFrameBytes: number): Framer {
  let current: number[] | undefined;
  /** After an oversize frame, the rest of it is dropped up to and including its end flag. */
  let discarding = false;
  let leftover: Buffer | undefined;
  let ready: Buffer[] = [];

  return {
    push(chunk: Buffer): Buffer[] {
      const input = leftover ? Buffer.concat([leftover, chunk]) : chunk;
      leftover = undefined;
      const frames = ready;
      ready = [];
      for (let index = 0; index < input.length; index += 1) {
        const byte = input[index]!;
        if (discarding) {
          if (byte === FLAG) discarding = false;
          continue;
        }
        if (current === undefined) {
          if (byte === FLAG) current = [FLAG];
          continue;
        }
        if (byte === FLAG) {
          if (current.length === 1) continue;
          current.push(FLAG);
          frames.push(Buffer.from(current));
          current = undefined;
          continue;
        }
        if (current.length + 1 >= maxFrameBytes) {
          // The end flag must still fit: refuse now rather than buffer what cannot be a frame.
          current = undefined;
          discarding = true;
          leftover = input.subarray(index + 1);
          ready = frames;
          throw new FrameError('oversize', `JT/T 808 frame longer than ${maxFrameBytes} bytes`);
        }
        current.push(byte);
      }
      return frames;
    },
  };
}

export function xorOf(bytes: Uint8Array): number {
  let check = 0;
  for (const byte of bytes) check ^= byte;
  return check;
}

export function escapeBytes(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === FLAG) out.push(ESCAPE, 0x02);
    else if (byte === ESCAPE) out.push(ESCAPE, 0x01);
    else out.push(byte);
  }
  return Buffer.from(out);
}

/** The bytes between the flags, unescaped. */
export function unescapeBytes(escaped: Uint8Array): Buffer {
  const out: number[] = [];
  for (let index = 0; index < escaped.length; index += 1) {
    const byte = escaped[index]!;
    if (byte === FLAG) throw new FrameError('malformed', 'JT/T 808 flag inside a frame');
    if (byte !== ESCAPE) {
      out.push(byte);
      continue;
    }
    const next = escaped[index + 1];
    if (next === 0x01) out.push(ESCAPE);
    else if (next === 0x02) out.push(FLAG);
    else throw new FrameError('malformed', 'JT/T 808 escape not followed by 0x01 or 0x02');
    index += 1;
  }
  return Buffer.from(out);
}

/** A bounds-checked reader: running off the end is a malformed frame, never an exception of another kind. */
export class Reader {
  offset = 0;
  constructor(readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(length: number): Buffer {
    if (length < 0 || length > this.remaining) {
      throw new FrameError('malformed', `JT/T 808 field runs past the end of the body`);
    }
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  byte(): number {
    return this.take(1).readUInt8(0);
  }

  word(): number {
    return this.take(2).readUInt16BE(0);
  }

  dword(): number {
    return this.take(4).readUInt32BE(0);
  }

  rest(): Buffer {
    return this.take(this.remaining);
  }
}

/** BCD digits as sent; a nibble above 9 is refused. */
export function bcdDigits(bytes: Uint8Array): string {
  let digits = '';
  for (const byte of bytes) {
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) throw new FrameError('malformed', 'JT/T 808 BCD field holds a non-digit');
    digits += `${high}${low}`;
  }
  return digits;
}

export function bcdBytes(digits: string, length: number): Buffer {
  if (!/^\d*$/.test(digits) || digits.length > length * 2) {
    throw new FrameError('malformed', `"${digits}" does not fit a JT/T 808 BCD[${length}]`);
  }
  return Buffer.from(digits.padStart(length * 2, '0'), 'hex');
}

export interface Header {
  messageId: number;
  edition: Edition;
  /** The terminal's phone number field as sent, echoed in the hub's answers. */
  phone: Buffer;
  serial: number;
  body: Buffer;
}

/** One frame as the framer cut it (flags included) → header and body, checked (clause 4.4). */
export function readFrame(frame: Buffer): Header {
  if (frame.length < 2 || frame[0] !== FLAG || frame[frame.length - 1] !== FLAG) {
    throw new FrameError('malformed', 'JT/T 808 frame must start and end with 0x7E');
  }
  const inner = unescapeBytes(frame.subarray(1, -1));
  if (inner.length < 1) throw new FrameError('malformed', 'empty JT/T 808 frame');
  const content = inner.subarray(0, -1);
  const check = inner.readUInt8(inner.length - 1);
  if (xorOf(content) !== check) {
    throw new FrameError('checksum', `JT/T 808 check code ${check} does not match ${xorOf(content)}`);
  }
  const reader = new Reader(content);
  const messageId = reader.word();
  const properties = reader.word();
  const is2019 = (properties & VERSION_BIT) !== 0;
  const protocolVersion = is2019 ? reader.byte() : 0;
  const phone = reader.take(is2019 ? 10 : 6);
  const serial = reader.word();
  if ((properties & ENCRYPTION_MASK) !== 0) {
    throw new FrameError('unsupported', 'encrypted JT/T 808 bodies (RSA) are not supported');
  }
  if ((properties & SUBPACKAGE_BIT) !== 0) {
    throw new FrameError('unsupported', 'JT/T 808 subpackaged messages are not reassembled');
  }
  const body = reader.rest();
  if (body.length !== (properties & BODY_LENGTH_MASK)) {
    throw new FrameError(
      'malformed',
      `JT/T 808 body is ${body.length} bytes, header says ${properties & BODY_LENGTH_MASK}`,
    );
  }
  return { messageId, edition: { is2019, protocolVersion }, phone, serial, body };
}

/** A platform message in the terminal's edition, escaped and flagged. */
export function writeFrame(
  messageId: number,
  edition: Edition,
  phone: Buffer,
  serial: number,
  body: Buffer,
): Buffer {
  if (body.length > MAX_BODY_BYTES) {
    throw new FrameError('oversize', `JT/T 808 body of ${body.length} bytes exceeds ${MAX_BODY_BYTES}`);
  }
  const head = Buffer.alloc(edition.is2019 ? 5 : 4);
  head.writeUInt16BE(messageId, 0);
  head.writeUInt16BE(body.length | (edition.is2019 ? VERSION_BIT : 0), 2);
  if (edition.is2019) head.writeUInt8(edition.protocolVersion, 4);
  const serialBytes = Buffer.alloc(2);
  serialBytes.writeUInt16BE(serial & 0xffff, 0);
  const content = Buffer.concat([head, phone, serialBytes, body]);
  return Buffer.concat([
    Buffer.of(FLAG),
    escapeBytes(Buffer.concat([content, Buffer.of(xorOf(content))])),
    Buffer.of(FLAG),
  ]);
}

/** The phone field for a device id: its digits, zero-padded to BCD[6] (2013) or BCD[10] (2019). */
export function phoneField(deviceId: string, edition: Edition): Buffer {
  return bcdBytes(deviceId, edition.is2019 ? 10 : 6);
}

/** The device id of a phone field: its digits without the leading zeros that pad it. */
export function deviceIdOf(phone: Buffer): string {
  const digits = bcdDigits(phone).replace(/^0+/, '');
  if (digits === '') throw new FrameError('malformed', 'JT/T 808 terminal phone number is all zeros');
  return digits;
}

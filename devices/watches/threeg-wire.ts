/**
 * The 3G protocol on the wire: a frame's header and its end, the framer that cuts a watch's stream
 * into frames, the unescaping of binary content, and a frame read into its type and fields or
 * written from a command's content (the frame rules are at the top of threeg.ts).
 */
import type { Framer } from './types.ts';
import { FrameError } from './types.ts';

const OPEN = '['.charCodeAt(0);
const CLOSE = ']'.charCodeAt(0);
const STAR = '*'.charCodeAt(0);
const COMMA = ','.charCodeAt(0);
/** 0x7D. */
const ESCAPE = '}'.charCodeAt(0);
/** What 0x7D followed by 0x01…0x05 stands for. */
const UNESCAPED = [ESCAPE, OPEN, CLOSE, COMMA, STAR];
const MAX_ID = 20;
const MAX_TYPE = 32;
/** Types whose content after the first comma is binary: AMR voice, a JPEG, chunked voice. */
const BINARY_TYPES = new Set(['TK', 'TK2', 'JXTK', 'IMG']);
export const ID_PATTERN = /^[0-9A-Za-z]{1,20}$/;

/** A refusal, with how many bytes the framer drops to resynchronise. */
class Refusal extends FrameError {
  constructor(
    reason: FrameError['reason'],
    message: string,
    readonly drop?: number,
  ) {
    super(reason, message);
  }
}

export const malformed = (message: string) => new Refusal('malformed', message);

function isAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

interface Header {
  maker: string;
  deviceId: string;
  /** The ZJ-style index, repeated in answers. */
  index: string | undefined;
  length: number;
  /** Offset of the content's first byte. */
  start: number;
}

/** `'more'` while the bytes so far could still be the field; `'no'` when they cannot. */
function hexField(bytes: Buffer, at: number): number | 'more' | 'no' {
  for (let offset = 0; offset < 5; offset++) {
    const byte = bytes[at + offset];
    if (byte === undefined) return 'more';
    if (offset < 4 ? !isHex(byte) : byte !== STAR) return 'no';
  }
  return Number.parseInt(bytes.toString('latin1', at, at + 4), 16);
}

/** The header of the frame `bytes` starts with; `undefined` while more bytes are needed. */
function readHeader(bytes: Buffer): Header | undefined {
  for (let at = 1; at < 4; at++) {
    const byte = bytes[at];
    if (byte === undefined) return undefined;
    if (at < 3 ? !isAlphanumeric(byte) : byte !== STAR) {
      throw malformed('a frame starts with [, two letters or digits naming the maker, and *');
    }
  }
  let star = 4;
  for (; star < bytes.length && bytes[star] !== STAR; star++) {
    if (!isAlphanumeric(bytes[star]!) || star - 4 >= MAX_ID) {
      throw malformed(`the device id is not 1–${MAX_ID} letters or digits`);
    }
  }
  if (star >= bytes.length) return undefined;
  if (star === 4) throw malformed('the device id is empty');
  const first = hexField(bytes, star + 1);
  if (first === 'more') return undefined;
  if (first === 'no') throw malformed('LEN is not four hex digits followed by *');
  const second = hexField(bytes, star + 6);
  if (second === 'more') return undefined;
  const indexed = second !== 'no';
  return {
    maker: bytes.toString('latin1', 1, 3),
    deviceId: bytes.toString('latin1', 4, star),
    index: indexed ? bytes.toString('latin1', star + 1, star + 5) : undefined,
    length: indexed ? second : first,
    start: indexed ? star + 11 : star + 6,
  };
}

/** The message type at `start`, uppercased; `undefined` while more bytes are needed. */
function readType(bytes: Buffer, start: number): string | undefined {
  for (let at = start; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte === COMMA || byte === CLOSE) return bytes.toString('latin1', start, at).toUpperCase();
    if ((!isAlphanumeric(byte) && byte !== 0x5f) || at - start >= MAX_TYPE) {
      throw malformed(`the message type is not 1–${MAX_TYPE} letters, digits or _`);
    }
  }
  return undefined;
}

function isEscapeCode(byte: number | undefined): byte is number {
  return byte !== undefined && byte >= 1 && byte <= UNESCAPED.length;
}

/**
 * Where a frame ends by its LEN: the offset after its `]`, `undefined` while more bytes are needed,
 * `null` when no reading of LEN (bytes as sent, or unescaped) lands on a `]`.
 */
function lengthEnd(bytes: Buffer, { start, length }: Header): number | null | undefined {
  const sent = start + length;
  if (sent >= bytes.length) return undefined;
  if (bytes[sent] === CLOSE) return sent + 1;
  let at = start;
  for (let count = 0; count < length; count++) {
    if (bytes[at] === ESCAPE) {
      if (at + 1 >= bytes.length) return undefined;
      if (!isEscapeCode(bytes[at + 1])) return null;
      at += 2;
    } else {
      at += 1;
    }
    if (at >= bytes.length) return undefined;
  }
  return bytes[at] === CLOSE ? at + 1 : null;
}

/** The offset after the `]` that closes the frame's `[`, counting the brackets between. */
function balancedEnd(bytes: Buffer): number | undefined {
  let depth = 0;
  for (let at = 0; at < bytes.length; at++) {
    if (bytes[at] === OPEN) depth++;
    else if (bytes[at] === CLOSE && --depth === 0) return at + 1;
  }
  return undefined;
}

/** Where the frame at the start of `bytes` ends; `undefined` while more bytes are needed. */
function frameEnd(bytes: Buffer, maxFrameBytes: number): number | undefined {
  if (bytes[0] !== OPEN) {
    throw malformed(`a frame starts with [, not 0x${bytes[0]!.toString(16).padStart(2, '0')}`);
  }
  const header = readHeader(bytes);
  const type = header && readType(bytes, header.start);
  if (header && type !== undefined) {
    const claimed = header.start + header.length + 1;
    if (claimed > maxFrameBytes) {
      throw new Refusal('oversize', `LEN ${header.length} makes a ${claimed}-byte frame`, claimed);
    }
    const byLength = lengthEnd(bytes, header);
    if (BINARY_TYPES.has(type)) {
      if (byLength === null) throw malformed(`the ${type} frame does not end where its LEN says`);
      if (byLength !== undefined) return byLength;
    } else {
      const balanced = balancedEnd(bytes);
      if (balanced === undefined) {
        if (typeof byLength === 'number') return byLength;
      } else if (typeof byLength === 'number' && byLength > balanced) {
        // A `]` inside a Wi-Fi name, with LEN right: unless LEN reaches into the next frame.
        return bytes.subarray(balanced, byLength).includes(OPEN) ? balanced : byLength;
      } else {
        return balanced;
      }
    }
  }
  if (bytes.length >= maxFrameBytes)
    throw new Refusal('oversize', `no frame ends within ${maxFrameBytes} bytes`);
  return undefined;
}

/**
 * Cuts a connection's bytes into frames. After a `FrameError` it has dropped the bad bytes (up to
 * the next `[`, or the LEN an oversize frame claimed, as it arrives); the frames after them come
 * from the next `push`, `push(Buffer.alloc(0))` included. When frames precede the bad bytes in one
 * chunk, `push` returns those frames and the next call refuses the bad bytes.
 */
export class ThreeGFramer implements Framer {
  #pending = Buffer.alloc(0);
  #skip = 0;

  constructor(readonly maxFrameBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    const skipped = Math.min(this.#skip, chunk.length);
    this.#skip -= skipped;
    this.#pending = Buffer.concat([this.#pending, chunk.subarray(skipped)]);
    const frames: Buffer[] = [];
    while (this.#pending.length > 0) {
      let end: number | undefined;
      try {
        end = frameEnd(this.#pending, this.maxFrameBytes);
      } catch (error) {
        if (frames.length > 0) return frames;
        this.#drop(error);
        throw error;
      }
      if (end === undefined) break;
      frames.push(this.#pending.subarray(0, end));
      this.#pending = this.#pending.subarray(end);
    }
    return frames;
  }

  #drop(error: unknown): void {
    const claimed = error instanceof Refusal ? error.drop : undefined;
    if (claimed !== undefined) {
      this.#skip = Math.max(0, claimed - this.#pending.length);
      this.#pending = this.#pending.subarray(Math.min(claimed, this.#pending.length));
      return;
    }
    const next = this.#pending.indexOf(OPEN, 1);
    this.#pending = next < 0 ? Buffer.alloc(0) : this.#pending.subarray(next);
  }
}

export function unescaped(bytes: Buffer): Buffer {
  if (!bytes.includes(ESCAPE)) return bytes;
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  for (let at = 0; at < bytes.length; at++) {
    const code = bytes[at + 1];
    if (bytes[at] === ESCAPE && isEscapeCode(code)) {
      out[length++] = UNESCAPED[code - 1]!;
      at++;
    } else {
      out[length++] = bytes[at]!;
    }
  }
  return out.subarray(0, length);
}

/** The fields after the type, each unescaped: an escaped comma stays inside its field. */
function splitFields(body: Buffer | undefined): string[] {
  const fields: string[] = [];
  let from = 0;
  while (body !== undefined) {
    const comma = body.indexOf(COMMA, from);
    fields.push(unescaped(body.subarray(from, comma < 0 ? body.length : comma)).toString('utf8'));
    if (comma < 0) break;
    from = comma + 1;
  }
  return fields;
}

export const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');

export function frameOf(maker: string, deviceId: string, index: string | undefined, content: string): Buffer {
  const length = Buffer.byteLength(content);
  if (length > 0xffff) throw new FrameError('oversize', `${length} bytes do not fit in LEN`);
  const indexField = index === undefined ? '' : `${index}*`;
  return Buffer.from(`[${maker}*${deviceId}*${indexField}${hex4(length)}*${content}]`);
}

export interface Parsed {
  header: Header;
  type: string;
  fields: string[];
  /** The content after the first comma, as sent. */
  body: Buffer | undefined;
}

export function parseFrame(frame: Buffer): Parsed {
  if (frame.length < 2 || frame[0] !== OPEN || frame[frame.length - 1] !== CLOSE) {
    throw malformed('a frame starts with [ and ends with ]');
  }
  const header = readHeader(frame);
  if (!header || header.start > frame.length - 1) throw malformed('the frame ends inside its header');
  const content = frame.subarray(header.start, frame.length - 1);
  const comma = content.indexOf(COMMA);
  const type = content.toString('latin1', 0, comma < 0 ? content.length : comma);
  if (!/^[A-Za-z0-9_]{1,32}$/.test(type)) throw malformed('the frame has no message type');
  const binary = BINARY_TYPES.has(type.toUpperCase());
  if (binary && content.length !== header.length && unescaped(content).length !== header.length) {
    throw malformed(`LEN ${header.length} does not match the ${type} content`);
  }
  const body = comma < 0 ? undefined : content.subarray(comma + 1);
  return { header, type, fields: binary ? [] : splitFields(body), body };
}

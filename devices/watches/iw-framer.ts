/**
 * The IW stream: text frames from `IW` to the first `#`, except the voice upload `IWAP07`, whose
 * header `IWAP07,<time>,<packets>,<packet>,<length>,` announces `<length>` bytes of AMR audio before
 * its `#`. Audio holds `#` bytes, so that frame is cut by its length, never at a `#`.
 *
 * Carriage returns and line feeds between frames are skipped: some firmwares end each frame with
 * `#\r\n`. Any other byte where a frame should start is refused as `malformed`, up to the next `IW`.
 * After a `FrameError` the bytes that followed the refused ones are kept: the next `push`, even of an
 * empty chunk, returns the frames they complete.
 */
import { FrameError, type Framer } from './types.ts';

const START = Buffer.from('IW', 'latin1');
const END = 0x23; // '#'
const CARRIAGE_RETURN = 0x0d;
const LINE_FEED = 0x0a;
const VOICE = Buffer.from('IWAP07,', 'latin1');
/** `IWAP07,` then `yyyyMMddHHmmss,`, two counts and a length: a header never needs more. */
const VOICE_HEADER_MAX = 48;
const VOICE_HEADER = /^IWAP07,\d{14},\d{1,3},\d{1,3},(\d{1,6}),$/;

/** What a voice frame's header says: the frame's whole length, `#` included. */
function voiceFrameLength(input: Buffer, start: number): number | 'incomplete' {
  let commas = 0;
  const limit = Math.min(input.length, start + VOICE_HEADER_MAX);
  for (let index = start; index < limit; index += 1) {
    if (input[index] !== 0x2c) continue;
    commas += 1;
    if (commas < 5) continue;
    const header = input.toString('latin1', start, index + 1);
    const match = VOICE_HEADER.exec(header);
    if (!match)
      throw new FrameError('malformed', `IW voice header "${header}" is not time, packets, packet, length`);
    return header.length + Number(match[1]) + 1;
  }
  if (limit === start + VOICE_HEADER_MAX) {
    throw new FrameError('malformed', `IW voice header longer than ${VOICE_HEADER_MAX} bytes`);
  }
  return 'incomplete';
}

/** Whether `prefix` stands whole at `offset`; `false` when fewer bytes have come. */
function startsWithAt(input: Buffer, offset: number, prefix: Buffer): boolean {
  if (input.length - offset < prefix.length) return false;
  return input.compare(prefix, 0, prefix.length, offset, offset + prefix.length) === 0;
}

export function createIwFramer(maxFrameBytes: number): Framer {
  /** Bytes of an unfinished frame (or of refused ones still to skip), at most `maxFrameBytes`. */
  let leftover: Buffer = Buffer.alloc(0);
  /** Bytes still to drop of a voice frame refused as oversize. */
  let skipBytes = 0;
  /** After an oversize text frame, its rest is dropped up to and including its `#`. */
  let skipToEnd = false;
  /** Frames completed before a refusal, returned by the next `push`. */
  let ready: Buffer[] = [];

  return {
    push(chunk: Buffer): Buffer[] {
      const input = leftover.length > 0 ? Buffer.concat([leftover, chunk]) : chunk;
      leftover = Buffer.alloc(0);
      const frames = ready;
      ready = [];
      let offset = 0;
      /** Keeps what follows `from`, and the frames so far, for the next push; then refuses. */
      const refuse = (from: number, error: FrameError): never => {
        leftover = Buffer.from(input.subarray(from));
        ready = frames;
        throw error;
      };

      while (offset < input.length) {
        if (skipBytes > 0) {
          const skipped = Math.min(skipBytes, input.length - offset);
          skipBytes -= skipped;
          offset += skipped;
          continue;
        }
        if (skipToEnd) {
          const end = input.indexOf(END, offset);
          if (end === -1) return frames;
          skipToEnd = false;
          offset = end + 1;
          continue;
        }
        const byte = input[offset];
        if (byte === CARRIAGE_RETURN || byte === LINE_FEED) {
          offset += 1;
          continue;
        }
        if (input.length - offset < START.length) {
          if (byte === START[0]) break;
        } else if (startsWithAt(input, offset, START)) {
          const length = startsWithAt(input, offset, VOICE) ? voiceLength(offset) : textFrameLength(offset);
          if (length === 'incomplete') break;
          frames.push(Buffer.from(input.subarray(offset, offset + length)));
          offset += length;
          continue;
        }
        // Not a frame start: drop up to the next `IW`, or up to a last `I` that may begin one.
        let next = input.indexOf(START, offset + 1);
        if (next === -1) next = input[input.length - 1] === START[0] ? input.length - 1 : input.length;
        refuse(next, new FrameError('malformed', `${next - offset} bytes outside an IW frame`));
      }
      if (offset < input.length) leftover = Buffer.from(input.subarray(offset));
      return frames;

      function textFrameLength(start: number): number | 'incomplete' {
        const end = input.indexOf(END, start);
        if (end === -1) {
          // Without its `#` yet, the frame is at least one byte longer than what has come.
          if (input.length - start + 1 > maxFrameBytes) {
            skipToEnd = true;
            refuse(input.length, oversize());
          }
          return 'incomplete';
        }
        if (end - start + 1 > maxFrameBytes) refuse(end + 1, oversize());
        return end - start + 1;
      }

      function voiceLength(start: number): number | 'incomplete' {
        let length: number | 'incomplete';
        try {
          length = voiceFrameLength(input, start);
        } catch (error) {
          // An unreadable header: resynchronise at its `#`, as for a text frame.
          skipToEnd = true;
          return refuse(start + VOICE.length, error as FrameError);
        }
        if (length === 'incomplete') {
          if (input.length - start >= maxFrameBytes) {
            skipToEnd = true;
            refuse(input.length, oversize());
          }
          return 'incomplete';
        }
        if (length > maxFrameBytes) {
          skipBytes = length;
          refuse(start, oversize());
        }
        if (input.length - start < length) return 'incomplete';
        if (input[start + length - 1] !== END) {
          refuse(
            start + length,
            new FrameError('malformed', 'IW voice frame does not end with "#" where its length says'),
          );
        }
        return length;
      }

      function oversize(): FrameError {
        return new FrameError('oversize', `IW frame longer than ${maxFrameBytes} bytes`);
      }
    },
  };
}

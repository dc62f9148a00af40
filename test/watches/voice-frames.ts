/**
 * Voice notes as watches send them in several frames: IW `AP07` packets (the vendor's "Protocol for
 * GPS Watch": `IWAP07,<time>,<packets>,<packet>,<length>,<AMR>#`) and 3G `JXTK` parts (the layout
 * of the frame in traccar's WatchProtocolDecoderTest: `JXTK,<kind>,<file>,<part>,<parts>,<AMR>`,
 * escaped as `TK`'s audio is).
 */

/** An AMR note whose bytes hold what both protocols must carry through: `#`, `,`, `[`, `]`, `*`, 0x7D. */
export function amrNote(bytes: number, seed = 1): Buffer {
  const audio = Buffer.alloc(bytes);
  Buffer.from('#!AMR\n', 'latin1').copy(audio);
  const awkward = [0x23, 0x2c, 0x5b, 0x5d, 0x2a, 0x7d, 0x00, 0xff];
  for (let at = 6; at < bytes; at++) {
    audio[at] = at % 7 === 0 ? awkward[(at / 7) % awkward.length]! : (at * 31 + seed * 17) & 0xff;
  }
  return audio;
}

/** `audio` cut into `count` slices as even as can be, first to last. */
export function slices(audio: Buffer, count: number): Buffer[] {
  const size = Math.ceil(audio.length / count);
  return Array.from({ length: count }, (_, index) => audio.subarray(index * size, (index + 1) * size));
}

/** IW packet `packet` of `packets` of the note recorded at `time` (yyyyMMddHHmmss). */
export function iwVoicePacket(time: string, packets: number, packet: number, audio: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`IWAP07,${time},${packets},${packet},${audio.length},`, 'latin1'),
    audio,
    Buffer.from('#', 'latin1'),
  ]);
}

/** 0x7D, `[`, `]`, `,`, `*` as 0x7D 0x01…0x05. */
function escaped(audio: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of audio) {
    const code = [0x7d, 0x5b, 0x5d, 0x2c, 0x2a].indexOf(byte);
    if (code >= 0) out.push(0x7d, code + 1);
    else out.push(byte);
  }
  return Buffer.from(out);
}

/** 3G `JXTK` part `part` of `parts` of the note the watch recorded as `file`. */
export function jxtkPart(
  deviceId: string,
  file: string,
  part: number,
  parts: number,
  audio: Buffer,
  maker = '3G',
): Buffer {
  const content = Buffer.concat([Buffer.from(`JXTK,0,${file},${part},${parts},`, 'latin1'), escaped(audio)]);
  const length = content.length.toString(16).toUpperCase().padStart(4, '0');
  return Buffer.concat([
    Buffer.from(`[${maker}*${deviceId}*${length}*`, 'latin1'),
    content,
    Buffer.from(']', 'latin1'),
  ]);
}

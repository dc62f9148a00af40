/**
 * GBK, the character set of JT/T 808's STRING (clause 4.3, table 1). Decoding uses the runtime's
 * own WHATWG decoder (Node built with full ICU, the default). Encoding has no built-in API, so the
 * table is the decoder's run backwards: every two-byte GBK code (lead 0x81–0xFE, trail 0x40–0xFE
 * without 0x7F) is decoded once, on first use, and the characters are indexed by their bytes. The
 * table is therefore exactly the decoder's, with no second copy of GBK to keep in step.
 */
import { FrameError } from './types.ts';

let decoder: InstanceType<typeof TextDecoder> | undefined;
let encodeTable: Map<number, number> | undefined;

function gbkDecoder(): InstanceType<typeof TextDecoder> | undefined {
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder('gbk');
    } catch {
      return undefined;
    }
  }
  return decoder;
}

export function decodeGbk(bytes: Uint8Array): string {
  const gbk = gbkDecoder();
  return gbk ? gbk.decode(bytes) : Buffer.from(bytes).toString('latin1');
}

function table(): Map<number, number> {
  if (encodeTable) return encodeTable;
  const gbk = gbkDecoder();
  if (!gbk) throw new FrameError('unsupported', 'this Node has no GBK decoder (built without full ICU)');
  const codes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail !== 0x7f) codes.push((lead << 8) | trail);
    }
  }
  const bytes = Buffer.alloc(codes.length * 2);
  for (const [index, code] of codes.entries()) bytes.writeUInt16BE(code, index * 2);
  const text = gbk.decode(bytes);
  const built = new Map<number, number>();
  // Every two-byte code decodes to one BMP character, so the text lines up with the codes.
  if (text.length === codes.length) {
    codes.forEach((code, index) => {
      const character = text.charCodeAt(index);
      if (character !== 0xfffd && !built.has(character)) built.set(character, code);
    });
  }
  encodeTable = built;
  return built;
}

/** Text → GBK bytes; a character GBK lacks (an emoji) is refused rather than sent as `?`. */
export function encodeGbk(text: string): Buffer {
  const out: number[] = [];
  for (const character of text) {
    const point = character.codePointAt(0)!;
    if (point < 0x80) {
      out.push(point);
      continue;
    }
    const code = table().get(point);
    if (code === undefined) {
      throw new FrameError('unsupported', `"${character}" has no GBK code`);
    }
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}

/**
 * What the gateway relies on from every watch protocol's framer: `cut()` hands over the whole frames
 * of a chunk and one refusal per bad stretch, so garbage between two good frames loses neither of
 * them, and a frame split anywhere comes out whole once its last byte arrives.
 */
import { describe, expect, it } from 'vitest';
import { cut, FrameError, type WatchProtocolName, watchProtocols } from '../../devices/watches/index.ts';

/** A frame each protocol's makers publish (the protocols' own tests name their sources). */
const good: Record<WatchProtocolName, Buffer> = {
  '3g': Buffer.from('[3G*8800000015*0002*LK]'),
  iw: Buffer.from('IWAP03,06000908000102,5555,30#'),
  jt808: Buffer.from('7e000200000123456789017fff0a7e', 'hex'),
};

describe.each(Object.keys(good) as WatchProtocolName[])('the %s framer, through cut()', (name) => {
  const frame = good[name];
  const framer = () => watchProtocols[name].framer(4096);

  it('keeps the frames on both sides of a bad stretch and refuses the stretch', () => {
    const garbage = Buffer.from('\x00\x01hello\x02');
    const { frames, refused } = cut(framer(), Buffer.concat([frame, garbage, frame]));
    expect(frames.map((bytes) => bytes.toString('hex'))).toStrictEqual(
      [frame, frame].map((f) => f.toString('hex')),
    );
    // The JT/T 808 framer skips bytes between flags without refusing them; the text protocols refuse.
    if (name !== 'jt808') expect(refused.map((error) => error.reason)).toStrictEqual(['malformed']);
    for (const error of refused) expect(error).toBeInstanceOf(FrameError);
  });

  it('gives a frame split at every byte whole, once', () => {
    for (let at = 1; at < frame.length; at += 1) {
      const splitter = framer();
      expect(cut(splitter, frame.subarray(0, at))).toStrictEqual({ frames: [], refused: [] });
      expect(cut(splitter, frame.subarray(at)).frames).toStrictEqual([frame]);
    }
  });

  it('refuses a frame over the limit as oversize', () => {
    const small = watchProtocols[name].framer(frame.length - 1);
    const { refused } = cut(small, frame);
    expect(refused.map((error) => error.reason)).toContain('oversize');
  });
});

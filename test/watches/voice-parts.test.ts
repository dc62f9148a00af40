/**
 * Voice notes sent in several frames, without sockets: the IW `AP07` and 3G `JXTK` decoders read
 * each part (cut from the stream by the protocols' framers), and the gateway's assembler puts the
 * parts of each note together, within its bounds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { iw } from '../../devices/watches/iw.ts';
import { threeG } from '../../devices/watches/threeg.ts';
import { cut, type DecodeContext, FrameError, type VoicePart } from '../../devices/watches/types.ts';
import { VoiceNoteAssembler } from '../../gateway/watches/voice-parts.ts';
import { amrNote, iwVoicePacket, jxtkPart, slices } from './voice-frames.ts';

const IMEI = '355932600077007';
const WATCH = '8800000015';
const RECEIVED = Date.UTC(2026, 11, 5, 2, 21, 5);
const TIME = '20140818064408';

function context(deviceId?: string): DecodeContext {
  return {
    receivedAt: RECEIVED,
    utcOffsetMinutes: 480,
    session: { ...(deviceId ? { deviceId } : {}), nextSerial: () => 1 },
  };
}

/** The FrameError a call throws, as `reason: message`. */
function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof FrameError) return `${error.reason}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a FrameError');
}

describe('IW AP07 voice packets', () => {
  const note = amrNote(2500);
  const packets = slices(note, 3).map((slice, index) => iwVoicePacket(TIME, 3, index + 1, slice));

  it('cuts the packets from one stream and reads each as a part of the note its time names', () => {
    const { frames, refused } = cut(iw.framer(4096), Buffer.concat(packets));
    expect(refused).toEqual([]);
    expect(frames).toHaveLength(3);
    const parts = frames.map((frame) => iw.decode(frame, context(IMEI)));
    expect(parts.map((message) => message.voicePart && { ...message.voicePart, audio: undefined })).toEqual(
      [1, 2, 3].map((part) => ({ note: TIME, part, parts: 3, audio: undefined })),
    );
    expect(Buffer.concat(parts.map((message) => message.voicePart!.audio))).toEqual(note);
    expect(parts[1]!.voice).toBeUndefined();
    expect(parts[1]!.answer).toEqual({
      bytes: Buffer.from(`IWBP07,${TIME},3,2,1#`, 'latin1'),
      when: 'afterCommit',
    });
  });

  it('refuses a packet outside its note, a length the audio does not fill, and no audio', () => {
    const audio = Buffer.from('#!AMR\n', 'latin1');
    expect(refusal(() => iw.decode(iwVoicePacket(TIME, 3, 4, audio), context(IMEI)))).toMatch(
      /^malformed: IW AP07 packet 4 of 3/,
    );
    expect(refusal(() => iw.decode(iwVoicePacket(TIME, 3, 0, audio), context(IMEI)))).toMatch(
      /^malformed: IW AP07 packet 0 of 3/,
    );
    const short = Buffer.from(`IWAP07,${TIME},1,1,9,#!AMR\n#`, 'latin1');
    expect(refusal(() => iw.decode(short, context(IMEI)))).toMatch(/^malformed: IW AP07 carries 6 bytes/);
    const empty = Buffer.from(`IWAP07,${TIME},1,1,0,#`, 'latin1');
    expect(refusal(() => iw.decode(empty, context(IMEI)))).toMatch(/^malformed: IW AP07 carries 0 bytes/);
    expect(refusal(() => iw.decode(packets[0]!, context()))).toMatch(/before the AP00 login/);
  });
});

describe('3G JXTK voice parts', () => {
  const note = amrNote(1800);
  const parts = slices(note, 3).map((slice, index) =>
    jxtkPart(WATCH, 'watch_7_20220526093954', index + 1, 3, slice),
  );

  it('cuts the parts by LEN and reads each unescaped, answered JXTKR,1', () => {
    const { frames, refused } = cut(threeG.framer(4096), Buffer.concat(parts));
    expect(refused).toEqual([]);
    expect(frames).toHaveLength(3);
    const messages = frames.map((frame) => threeG.decode(frame, context()));
    expect(messages.map(({ voicePart }) => [voicePart?.note, voicePart?.part, voicePart?.parts])).toEqual([
      ['watch_7_20220526093954', 1, 3],
      ['watch_7_20220526093954', 2, 3],
      ['watch_7_20220526093954', 3, 3],
    ]);
    expect(Buffer.concat(messages.map(({ voicePart }) => voicePart!.audio))).toEqual(note);
    expect(messages[0]!.answer).toEqual({
      bytes: Buffer.from(`[3G*${WATCH}*0007*JXTKR,1]`, 'latin1'),
      when: 'afterCommit',
    });
  });

  it('answers a ZJ watch with its index', () => {
    const part = jxtkPart(WATCH, 'watch_1', 1, 1, Buffer.from('#!AMR\n', 'latin1'), 'ZJ');
    // `[ZJ*ID*LEN*…]` into `[ZJ*ID*IDX*LEN*…]`.
    const indexed = Buffer.concat([part.subarray(0, 15), Buffer.from('0034*', 'latin1'), part.subarray(15)]);
    expect(threeG.decode(indexed, context()).answer?.bytes.toString('latin1')).toBe(
      `[ZJ*${WATCH}*0034*0007*JXTKR,1]`,
    );
  });

  it('refuses a part outside its note, a header that is not one, and no audio', () => {
    const audio = Buffer.from('#!AMR\n', 'latin1');
    expect(refusal(() => threeG.decode(jxtkPart(WATCH, 'f', 4, 3, audio), context()))).toMatch(
      /^malformed: JXTK part 4 of 3/,
    );
    expect(refusal(() => threeG.decode(Buffer.from('[3G*3920181121*000C*JXTK,0,0,0,0]'), context()))).toMatch(
      /^malformed: the JXTK frame is not kind, file, part, parts, audio/,
    );
    expect(
      refusal(() => threeG.decode(Buffer.from('[3G*3920181121*000D*JXTK,0,0,1,1,]'), context())),
    ).toMatch(/^malformed: JXTK part 1 carries no voice/);
    expect(
      refusal(() => threeG.decode(Buffer.from('[3G*3920181121*000E*JXTK,0,0,x,1,a]'), context())),
    ).toMatch(/^malformed: the JXTK header/);
  });
});

describe('voice note assembler', () => {
  const LIMITS = { maxParts: 8, maxBytes: 1000, maxNotesPerDevice: 2, timeoutMs: 60_000 };
  const part = (note: string, number: number, parts: number, audio: string): VoicePart => ({
    note,
    part: number,
    parts,
    audio: Buffer.from(audio, 'latin1'),
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('places parts by number, ignores a repeated one, and gives the whole note once complete', () => {
    const voice = new VoiceNoteAssembler(LIMITS, () => {});
    expect(voice.add('3g', WATCH, part('a', 3, 3, 'CC'), 1)).toEqual({ kind: 'pending' });
    expect(voice.add('3g', WATCH, part('a', 1, 3, 'AA'), 2)).toEqual({ kind: 'pending' });
    expect(voice.add('3g', WATCH, part('a', 1, 3, 'XX'), 3)).toEqual({ kind: 'pending' });
    // Another device's note of the same name is its own.
    expect(voice.add('3g', '8800000016', part('a', 2, 3, 'ZZ'), 3)).toEqual({ kind: 'pending' });
    expect(voice.add('3g', WATCH, part('a', 2, 3, 'BB'), 4)).toEqual({
      kind: 'complete',
      audio: Buffer.from('AABBCC', 'latin1'),
      ts: 1,
    });
    // A repeat of a part of the whole note (its answer went missing) hands the note on again.
    expect(voice.add('3g', WATCH, part('a', 2, 3, 'BB'), 5)).toMatchObject({ kind: 'complete' });
    voice.clear();
    expect(voice.size).toBe(0);
  });

  it('refuses a note over its parts or bytes, a part that disagrees, and more notes than a device may have', () => {
    const voice = new VoiceNoteAssembler(LIMITS, () => {});
    expect(voice.add('iw', IMEI, part('long', 1, 9, 'A'), 1)).toMatchObject({
      kind: 'refused',
      reason: 'voice_oversize',
    });
    // The rest of a refused note is refused too, without being held.
    expect(voice.add('iw', IMEI, part('long', 2, 9, 'A'), 1)).toMatchObject({ reason: 'voice_oversize' });
    expect(voice.add('iw', IMEI, part('big', 1, 2, 'A'.repeat(600)), 1)).toEqual({ kind: 'pending' });
    expect(voice.add('iw', IMEI, part('big', 2, 2, 'B'.repeat(600)), 1)).toMatchObject({
      kind: 'refused',
      reason: 'voice_oversize',
    });
    // Both places hold a refused note, which gives way to a new one.
    expect(voice.add('iw', IMEI, part('n1', 1, 2, 'A'), 1)).toEqual({ kind: 'pending' });
    expect(voice.add('iw', IMEI, part('n1', 2, 3, 'B'), 1)).toMatchObject({
      kind: 'refused',
      reason: 'voice_inconsistent',
    });
    expect(voice.add('iw', IMEI, part('n2', 1, 2, 'A'), 1)).toEqual({ kind: 'pending' });
    expect(voice.add('iw', IMEI, part('n3', 1, 2, 'A'), 1)).toMatchObject({
      kind: 'refused',
      reason: 'voice_busy',
    });
    expect(voice.size).toBe(2);
    voice.clear();
  });

  it('drops an incomplete note whose next part does not come in time, and tells it', () => {
    vi.useFakeTimers();
    const dropped: string[] = [];
    const voice = new VoiceNoteAssembler(LIMITS, (protocol, deviceId, note) =>
      dropped.push(`${protocol}:${deviceId}:${note}`),
    );
    voice.add('iw', IMEI, part('late', 1, 2, 'A'), 1);
    voice.add('iw', IMEI, part('whole', 1, 1, 'A'), 1);
    vi.advanceTimersByTime(59_000);
    // Each part restarts the wait.
    voice.add('iw', IMEI, part('late', 1, 2, 'A'), 1);
    vi.advanceTimersByTime(59_000);
    expect(dropped).toEqual([]);
    expect(voice.size).toBe(1);
    vi.advanceTimersByTime(1000);
    // A whole note is forgotten without being counted.
    expect(dropped).toEqual([`iw:${IMEI}:late`]);
    expect(voice.size).toBe(0);
    // Its late part starts the note afresh.
    expect(voice.add('iw', IMEI, part('late', 2, 2, 'B'), 1)).toEqual({ kind: 'pending' });
    voice.clear();
  });
});

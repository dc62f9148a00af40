/**
 * The IW adapter over real frames. Unless a case says otherwise they come from Traccar's test of the
 * same protocol (traccar/traccar, src/test/java/org/traccar/protocol/TrvProtocolDecoderTest.java at
 * 9e5c458ad0bf44ceaddf72534bf6874787f41b6c), with the `#` its pipeline strips put back. Commands are
 * checked against the vendor document's examples (IMEI 353456789012345, serial 080835).
 */
import { describe, expect, it } from 'vitest';
import { iw } from '../../devices/watches/iw.ts';
import { type DecodeContext, FrameError, type WatchCommand } from '../../devices/watches/types.ts';

const IMEI = '355932600077007';
/** 2026-12-05 02:21:05 UTC, 10:21:05 at the centre (UTC+8). */
const RECEIVED = Date.UTC(2026, 11, 5, 2, 21, 5);

const LOGIN = 'IWAP00355932600077007,8901240204123656505f,310240202365650#';
const POSITION =
  'IWAP01080524A2232.9806N11404.9355E000.1061830323.8706000908000102,460,0,9520,3671,Home|74-DE-2B-44-88-8C|97& Home1|74-DE-2B-44-88-8C|97&Home2|74-DE-2B-44-88-8C|97& Home3|74-DE-2B-44-88-8C|97#';
const SOS =
  'IWAP10080524A2232.9806N11404.9355E000.1061830323.8706000908000502,460,0,9520,3671,01,zhcn,00,HOME|74-DE-2B-44-88-8C|97&HOME1|74-DE-2B-44-88-8C|97&HOME2|74-DE-2B-44-88-8C|97&HOME3|74-DE-2B-44-88-8C|97#';
const NO_ALARM =
  'IWAP10080524A2232.9806N11404.9355E000.1061830323.8706000908000502,460,0,9520,3671,00,zh-cn,00,HOME|74-DE-2B-44-88-8C|97&HOME1|74-DE-2B-44-88-8C|97&HOME2|74-DE-2B-44-88-8C|97&HOME3|74-DE-2B-44-88-8C|97#';
const TOWERS =
  'IWAP02,zh_cn,0,7,460,0,9520|3671|13,9520|3672|12,9520|3673|11,9520|3674|10,9520|3675|9,9520|3676|8,9520|3677|7,4,1|D8-24-BD-79-FA-1F|59&2|3C-46-D8-6D-CE-01|81&3|0C-4C-39-1A-7C-65|69&4|70-A8-E3-5D-D7-C0|65#';
/** 2008-05-24 06:18:30 UTC, the GPS time of the frames above. */
const FIX_TIME = Date.UTC(2008, 4, 24, 6, 18, 30);

/** The SOS frame with another alarm code, as the watch sends its other alarms. */
function alarm(code: string): string {
  return SOS.replace(',01,zhcn,', `,${code},zhcn,`);
}

/** The decoding context of a connection; `null` before the watch has logged in. */
function context(deviceId: string | null = IMEI, serials: number[] = []): DecodeContext {
  return {
    receivedAt: RECEIVED,
    utcOffsetMinutes: 480,
    session: {
      ...(deviceId !== null ? { deviceId } : {}),
      nextSerial: () => serials.shift() ?? 80835,
    },
  };
}

function decode(frame: string | Buffer, deviceId: string | null = IMEI) {
  return iw.decode(typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame, context(deviceId));
}

function answerOf(frame: string) {
  const { answer } = decode(frame);
  return answer && { text: answer.bytes.toString('latin1'), when: answer.when };
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

function texts(frames: Buffer[]): string[] {
  return frames.map((frame) => frame.toString('latin1'));
}

/** A voice packet whose AMR audio holds `#` bytes (the header is the vendor document's). */
function voicePacket(audioBytes: number): Buffer {
  const audio = Buffer.alloc(audioBytes, 0x23);
  Buffer.from('#!AMR\n').copy(audio);
  return Buffer.concat([Buffer.from(`IWAP07,20140818064408,6,1,${audioBytes},`), audio, Buffer.from('#')]);
}

describe('IW framer', () => {
  it('cuts frames from one chunk and joins a frame split across chunks', () => {
    const framer = iw.framer(1024);
    expect(texts(framer.push(Buffer.from(`${LOGIN}IWAP49,68#IWAPHT,6`)))).toEqual([LOGIN, 'IWAP49,68#']);
    expect(texts(framer.push(Buffer.from('0,130,85#')))).toEqual(['IWAPHT,60,130,85#']);
  });

  it('delivers a frame fed one byte at a time once, when its # comes', () => {
    const framer = iw.framer(1024);
    const frames = [...Buffer.from(SOS)].flatMap((byte) => texts(framer.push(Buffer.from([byte]))));
    expect(frames).toEqual([SOS]);
  });

  it('skips the line ends some firmwares put after #', () => {
    const framer = iw.framer(1024);
    expect(texts(framer.push(Buffer.from('IWAP49,68#\r\nIWAP49,70#\r\n')))).toEqual([
      'IWAP49,68#',
      'IWAP49,70#',
    ]);
  });

  it('refuses bytes before IW as malformed and gives the frames around them on the next push', () => {
    const framer = iw.framer(1024);
    expect(refusal(() => framer.push(Buffer.from('GET / HTTP/1.1\r\nIWAP49,68#')))).toBe(
      'malformed: 16 bytes outside an IW frame',
    );
    expect(texts(framer.push(Buffer.alloc(0)))).toEqual(['IWAP49,68#']);

    expect(refusal(() => framer.push(Buffer.from('IWAP49,70#junkIWAP49,72#')))).toMatch(/^malformed/);
    expect(texts(framer.push(Buffer.alloc(0)))).toEqual(['IWAP49,70#', 'IWAP49,72#']);
  });

  it('refuses a frame growing past the limit at once and drops its rest up to its #', () => {
    const framer = iw.framer(32);
    expect(refusal(() => framer.push(Buffer.from(`IWAP01${'9'.repeat(26)}`)))).toBe(
      'oversize: IW frame longer than 32 bytes',
    );
    expect(texts(framer.push(Buffer.from(`${'9'.repeat(5000)}#IWAP49,68#`)))).toEqual(['IWAP49,68#']);
  });

  it('refuses a whole frame over the limit and keeps the next', () => {
    const framer = iw.framer(32);
    expect(refusal(() => framer.push(Buffer.from(`${POSITION}IWAP49,68#`)))).toMatch(/^oversize/);
    expect(texts(framer.push(Buffer.alloc(0)))).toEqual(['IWAP49,68#']);
  });

  it('cuts a voice packet by its length, not at the # bytes in its audio', () => {
    const framer = iw.framer(2048);
    const packet = voicePacket(1024);
    const stream = Buffer.concat([packet, Buffer.from('IWAP49,68#')]);
    expect(framer.push(stream.subarray(0, 500))).toEqual([]);
    const frames = framer.push(stream.subarray(500));
    expect(frames).toHaveLength(2);
    expect(frames[0]!.equals(packet)).toBe(true);
    expect(frames[1]!.toString()).toBe('IWAP49,68#');
  });

  it('refuses a voice packet announcing more than the limit, and skips its audio', () => {
    const framer = iw.framer(512);
    const stream = Buffer.concat([voicePacket(1024), Buffer.from('IWAP49,68#')]);
    expect(refusal(() => framer.push(stream.subarray(0, 100)))).toBe(
      'oversize: IW frame longer than 512 bytes',
    );
    expect(texts(framer.push(stream.subarray(100)))).toEqual(['IWAP49,68#']);
  });
});

describe('IW decoding', () => {
  it('reads the login and answers it at once with UTC time and the zone in hours', () => {
    const message = decode(LOGIN, null);
    expect(message).toMatchObject({
      deviceId: IMEI,
      type: 'AP00',
      login: { imei: IMEI, iccid: '8901240204123656505f', imsi: '310240202365650' },
    });
    expect(answerOf(LOGIN)).toEqual({ text: 'IWBP00,20261205022105,8#', when: 'now' });
    expect(decode('IWAP00353456789012345#', null).deviceId).toBe('353456789012345');
  });

  it('reads a position with its fix, tower and access points', () => {
    const message = decode(POSITION);
    expect(message.ts).toBe(FIX_TIME);
    expect(message.readings).toEqual({ battery: 80 });
    expect(message.events).toEqual([]);
    const { lat, lon, ...rest } = message.position!;
    expect(lat).toBeCloseTo(22.54968, 5);
    expect(lon).toBeCloseTo(114.08226, 5);
    expect(rest).toEqual({
      ts: FIX_TIME,
      valid: true,
      source: 'gps',
      speedKmh: 0.1,
      course: 323.87,
      satellites: 9,
      cells: [{ mcc: 460, mnc: 0, lac: 9520, cid: 3671 }],
      wifi: ['Home', 'Home1', 'Home2', 'Home3'].map((name) => ({ mac: '74:DE:2B:44:88:8C', name, rssi: 97 })),
    });
    expect(answerOf(POSITION)).toEqual({ text: 'IWBP01#', when: 'now' });
  });

  it('raises an SOS named by the watch and its own time, answered only once stored', () => {
    const message = decode(SOS);
    expect(message.events).toEqual([{ id: `${IMEI}:01:080524061830`, type: 'sos', ts: FIX_TIME }]);
    expect(message.position).toMatchObject({ valid: true, ts: FIX_TIME });
    expect(answerOf(SOS)).toEqual({ text: 'IWBP10#', when: 'afterCommit' });
  });

  it('names a repeated alarm alike, and a later one differently', () => {
    const first = decode(SOS).events[0]!.id;
    expect(decode(SOS).events[0]!.id).toBe(first);
    expect(decode(SOS.replace('061830', '061912')).events[0]!.id).not.toBe(first);
  });

  it('maps the alarm codes to hub events and readings', () => {
    expect(decode(alarm('06')).events).toEqual([
      { id: `${IMEI}:06:080524061830`, type: 'fall', certainty: 'confirmed', ts: FIX_TIME },
    ]);
    expect(decode(alarm('05')).events[0]).toMatchObject({ type: 'fall', certainty: 'confirmed' });
    const removed = decode(alarm('04'));
    expect(removed.events).toEqual([
      { id: `${IMEI}:04:080524061830`, type: 'wearable_removed', ts: FIX_TIME },
    ]);
    expect(removed.readings).toEqual({ battery: 80, worn: false });

    const lowBattery = decode(alarm('02'));
    expect(lowBattery.events).toEqual([]);
    expect(lowBattery.readings).toEqual({ battery: 80, battery_low: true });
    expect(answerOf(alarm('02'))).toEqual({ text: 'IWBP10#', when: 'now' });
  });

  it('answers an alarm frame without an alarm at once', () => {
    expect(decode(NO_ALARM).events).toEqual([]);
    expect(answerOf(NO_ALARM)).toEqual({ text: 'IWBP10#', when: 'now' });
  });

  it('names an alarm from a watch whose clock was never set by the time of receipt', () => {
    // A watch without a fix or a clock, as it sends zeros.
    const unset =
      'IWAP10000000V0000.0000N00000.0000E000.0000000000.0006000908000102,460,0,9520,3671,01,zh-cn,00#';
    const message = decode(unset);
    expect(message.events).toEqual([{ id: `${IMEI}:01:r${RECEIVED}`, type: 'sos', ts: RECEIVED }]);
    expect(message.position).toBeUndefined();
  });

  it('answers the multi-tower report and passes its towers on as a position without a fix', () => {
    expect(answerOf(TOWERS)).toEqual({ text: 'IWBP02#', when: 'now' });
    const position = decode(TOWERS).position;
    expect(position).toMatchObject({ lat: 0, lon: 0, valid: false, source: 'cell' });
    expect(position?.cells).toHaveLength(7);
    expect(position?.cells?.[0]).toEqual({ mcc: 460, mnc: 0, lac: 9520, cid: 3671, rssi: 13 });
    expect(position?.wifi?.map((point) => point.mac)).toEqual([
      'D8:24:BD:79:FA:1F',
      '3C:46:D8:6D:CE:01',
      '0C:4C:39:1A:7C:65',
      '70:A8:E3:5D:D7:C0',
    ]);
    expect(refusal(() => decode('IWAP02,zh_cn,0,7,460,0,9520|3671|13#'))).toBe(
      'malformed: IW AP02 does not list the 7 towers it counts',
    );
  });

  it('reads the heartbeat: battery and steps', () => {
    const message = decode('IWAP03,06000908000102,5555,30#');
    expect(message).toMatchObject({ type: 'AP03', ts: RECEIVED, readings: { battery: 80, steps: 5555 } });
    expect(answerOf('IWAP03,06000908000102,5555,30#')).toEqual({ text: 'IWBP03#', when: 'now' });
  });

  it('reads heart rate, blood pressure, SpO2 and temperature', () => {
    expect(decode('IWAP49,68#').readings).toEqual({ hr: 68 });
    expect(answerOf('IWAP49,68#')).toEqual({ text: 'IWBP49#', when: 'now' });

    const pressure = decode('IWAPHT,60,130,85#');
    expect(pressure.readings).toEqual({ hr: 60 });
    expect(pressure.bloodPressure).toEqual({ systolic: 130, diastolic: 85 });
    expect(answerOf('IWAPHT,60,130,85#')).toEqual({ text: 'IWBPHT#', when: 'now' });

    const all = decode('IWAPHP,60,130,85,95,90,36.5,,,,,,,#');
    expect(all.readings).toEqual({ hr: 60, spo2: 95, temperature: 36.5 });
    expect(all.bloodPressure).toEqual({ systolic: 130, diastolic: 85 });
    expect(answerOf('IWAPHP,60,130,85,95,90,36.5,,,,,,,#')).toEqual({ text: 'IWBPHP#', when: 'now' });

    expect(decode('IWAP50,36.7,90#').readings).toEqual({ temperature: 36.7, battery: 90 });
    expect(answerOf('IWAP50,36.7,90#')).toEqual({ text: 'IWBP50#', when: 'now' });
  });

  it('drops the zeros a watch off the wrist sends and keeps blank fields blank', () => {
    // Frames of a watch off the wrist, from a public Netty gateway's test (com.xzkj.hv2.watch WatchPipelineTest).
    expect(decode('IWAP49,0#').readings).toEqual({});
    const unworn = decode('IWAPHT,0,0,0#');
    expect(unworn.readings).toEqual({});
    expect(unworn.bloodPressure).toBeUndefined();
    expect(decode('IWAPHP,0,0,0,95,0.0,0.0#').readings).toEqual({ spo2: 95 });
    expect(decode('IWAPHP,,,,97,,,,,,,,,#').readings).toEqual({ spo2: 97 });
    expect(decode('IWAP50,0.0,80#').readings).toEqual({ battery: 80 });
  });

  it('reads single measurements of APJK with their own UTC time', () => {
    // The first in the shape a beehome-firmware watch's own records show, the others from a public test
    // script for these watches (`IWAPJK,20240406143052,2,75#`…).
    const pressure = decode('IWAPJK,2026-08-25 17:33:03,1,80|121#');
    expect(pressure.ts).toBe(Date.UTC(2026, 7, 25, 17, 33, 3));
    expect(pressure.bloodPressure).toEqual({ systolic: 121, diastolic: 80 });
    expect(decode('IWAPJK,20240406143052,2,75#').readings).toEqual({ hr: 75 });
    expect(decode('IWAPJK,20240406143110,3,36.6#').readings).toEqual({ temperature: 36.6 });
    expect(decode('IWAPJK,20240406143120,4,98#').readings).toEqual({ spo2: 98 });
    expect(answerOf('IWAPJK,20240406143120,4,98#')).toEqual({ text: 'IWBPJK,4#', when: 'now' });
  });

  it('answers a voice packet so that the watch sends the next', () => {
    const message = decode(voicePacket(64));
    expect(message.type).toBe('AP07');
    expect(message.answer?.bytes.toString()).toBe('IWBP07,20140818064408,6,1,1#');
  });

  it('reads confirmations of commands by kind and serial, and answers none', () => {
    const located = decode('IWAP16,080835#');
    expect(located.commandAnswer).toEqual({ command: 'locate', ok: true, detail: '080835', key: '080835' });
    expect(located.answer).toBeUndefined();
    expect(decode('IWAP12,080835,+491773329827,+491773329826,+49306618438#').commandAnswer).toEqual({
      command: 'sos_numbers',
      ok: true,
      detail: '080835',
      key: '080835',
    });
    expect(
      decode(
        'IWAP14,080835,004e0069006b00750054005200410058|+4952032960728,004600720061006e006b|+4952034488,00480061006e00640079|+491725244115,,,,,,,#',
      ).commandAnswer,
    ).toEqual({ command: 'BP14', ok: true, detail: '080835', key: '080835' });
    expect(decode('IWAP16#').commandAnswer).toEqual({ command: 'locate', ok: true, key: 'BP16' });
  });

  it('matches a command to its confirmation by the serial it carried', () => {
    const deviceId = '353456789012345';
    const session = { deviceId, nextSerial: () => 4711 };
    const sent = iw.encode({ kind: 'locate' }, { deviceId, now: RECEIVED, utcOffsetMinutes: 480, session });
    expect(iw.answerKey(sent)).toBe('004711');
    expect(decode('IWAP16,004711#').commandAnswer?.key).toBe(iw.answerKey(sent));
    expect(decode('IWAP16,004712#').commandAnswer?.key).not.toBe(iw.answerKey(sent));
  });

  it('refuses what it cannot read with a reason', () => {
    expect(refusal(() => decode('IWAP49,68#', null))).toBe(
      'malformed: IW AP49 before the AP00 login: no IMEI to attribute it to',
    );
    expect(refusal(() => decode('IWAP0012345#', null))).toBe(
      'malformed: IW login "12345" does not start with a 15-digit IMEI',
    );
    expect(refusal(() => decode('IWAPWT,zh_cn#'))).toBe('unsupported: IW APWT is not read');
    expect(refusal(() => decode('IWAP01080524A2232.9806N#'))).toMatch(/^malformed: IW GPS block/);
    expect(refusal(() => decode(SOS.replace(',01,zhcn,', ',SOS,zhcn,')))).toBe(
      'malformed: IW AP10 alarm code "SOS" is not two digits',
    );
    expect(refusal(() => decode('IWAP03,abc,1,2#'))).toBe(
      'malformed: IW AP03 ",abc,1,2" is not status, steps, turns',
    );
    expect(refusal(() => decode('XXAP49,68#'))).toBe('malformed: "XXAP49,…" is not an IW frame (IWAPxx … #)');
    expect(refusal(() => decode('IWAP49,68'))).toMatch(/^malformed/);
  });
});

describe('IW commands', () => {
  const IMEI_DOC = '353456789012345';

  function encode(command: WatchCommand, serials: number[] = [80835]): string {
    const { session } = context(IMEI_DOC, serials);
    return iw
      .encode(command, { deviceId: IMEI_DOC, now: RECEIVED, utcOffsetMinutes: 480, session })
      .toString();
  }

  it('encodes each command as the vendor document shows it', () => {
    expect(encode({ kind: 'locate' })).toBe('IWBP16,353456789012345,080835#');
    expect(encode({ kind: 'text', text: 'are you ok?' })).toBe(
      'IWBP40,353456789012345,080835,00610072006500200079006f00750020006f006b003f#',
    );
    expect(encode({ kind: 'heart_rate_interval', minutes: 720 })).toBe(
      'IWBP86,353456789012345,080835,1,720#',
    );
    expect(encode({ kind: 'fall_alarm', on: true })).toBe('IWBP76,353456789012345,080835,1#');
    expect(encode({ kind: 'fall_alarm', on: false })).toBe('IWBP76,353456789012345,080835,0#');
    expect(encode({ kind: 'sos_numbers', numbers: ['13512345678', '13591011121', '13531415161'] })).toBe(
      'IWBP12,353456789012345,080835,13512345678,13591011121,13531415161#',
    );
  });

  it('sends Chinese text as UTF-16 and pads the SOS numbers to three', () => {
    expect(encode({ kind: 'text', text: '已收到，工作人员正在赶来' })).toBe(
      'IWBP40,353456789012345,080835,5df265365230ff0c5de54f5c4eba54586b6357288d766765#',
    );
    expect(encode({ kind: 'sos_numbers', numbers: ['+8613512345678'] })).toBe(
      'IWBP12,353456789012345,080835,+8613512345678,,#',
    );
  });

  it('takes the serial from the session, six digits', () => {
    expect(encode({ kind: 'locate' }, [7])).toBe('IWBP16,353456789012345,000007#');
    expect(encode({ kind: 'locate' }, [1_234_567])).toBe('IWBP16,353456789012345,234567#');
  });

  it('refuses what the protocol lacks or cannot carry, without spending a serial', () => {
    const serials = [1];
    const { session } = context(IMEI_DOC, serials);
    const send = (command: WatchCommand, deviceId = IMEI_DOC) =>
      refusal(() => iw.encode(command, { deviceId, now: RECEIVED, utcOffsetMinutes: 480, session }));
    expect(send({ kind: 'removal_alarm', on: true })).toBe(
      'unsupported: the IW protocol has no command to switch the removal alarm',
    );
    expect(send({ kind: 'heart_rate_interval', minutes: 0 })).toMatch(/^malformed/);
    expect(send({ kind: 'heart_rate_interval', minutes: 2.5 })).toMatch(/^malformed/);
    expect(send({ kind: 'sos_numbers', numbers: ['1', '2', '3', '4'] })).toMatch(/^malformed/);
    expect(send({ kind: 'sos_numbers', numbers: ['135#1'] })).toMatch(/^malformed/);
    expect(send({ kind: 'text', text: '' })).toBe('malformed: IW text message is empty');
    expect(send({ kind: 'locate' }, '8800000015')).toMatch(/^malformed: IW commands go to a 15-digit IMEI/);
    expect(serials).toEqual([1]);
  });
});

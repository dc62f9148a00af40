/**
 * The 3G watch protocol over real frames. Unless a comment says otherwise, a frame is copied from
 * traccar's src/test/java/org/traccar/protocol/WatchProtocolDecoderTest.java (traccar/traccar at
 * 9e5c458ad0bf44ceaddf72534bf6874787f41b6c), which collects frames watches sent to its users.
 */
import { describe, expect, it } from 'vitest';
import { threeG } from '../../devices/watches/threeg.ts';
import {
  type DecodeContext,
  type EncodeContext,
  FrameError,
  type Framer,
  type WatchCommand,
  type WatchMessage,
  type WatchSession,
} from '../../devices/watches/types.ts';

const RECEIVED_AT = Date.UTC(2026, 11, 5, 2, 0, 0);

function session(extra: Partial<WatchSession> = {}): WatchSession {
  let serial = 0;
  return { nextSerial: () => ++serial, ...extra };
}

function decode(frame: string | Buffer): WatchMessage {
  const context: DecodeContext = { receivedAt: RECEIVED_AT, utcOffsetMinutes: 480, session: session() };
  return threeG.decode(typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame, context);
}

function encode(command: WatchCommand, deviceId = '8800000015', extra: Partial<WatchSession> = {}): string {
  const context: EncodeContext = {
    deviceId,
    now: RECEIVED_AT,
    utcOffsetMinutes: 480,
    session: session(extra),
  };
  return threeG.encode(command, context).toString('latin1');
}

/** The `FrameError` a call throws, for its reason. */
function refusal(call: () => unknown): FrameError {
  try {
    call();
  } catch (error) {
    if (error instanceof FrameError) return error;
    throw error;
  }
  throw new Error('expected a FrameError');
}

const text = (frames: Buffer[]) => frames.map((frame) => frame.toString('latin1'));

/** What a gateway does after a refusal: push nothing until the framer refuses no more. */
function drain(framer: Framer): { frames: string[]; refused: string[] } {
  const refused: string[] = [];
  for (;;) {
    try {
      return { frames: text(framer.push(Buffer.alloc(0))), refused };
    } catch (error) {
      if (!(error instanceof FrameError) || refused.length > 10) throw error;
      refused.push(error.reason);
    }
  }
}

// traccar's testDecodeVoiceMessage and WatchFrameDecoderTest: "#!AMR" then 7D 5B 5D 2C 2A FF, escaped,
// with LEN (0x0e = 14) counting the content once unescaped.
const ESCAPED_VOICE = Buffer.concat([
  Buffer.from('[CS*1234567890*000e*TK,#!AMR'),
  Buffer.from('7d017d027d037d047d05ff', 'hex'),
  Buffer.from(']'),
]);

// Built here: a firmware that sends the AMR bytes raw, LEN counting them as sent, with `]`, `[` and a
// 0x7D that escapes nothing inside ("#!AMR\n" is the AMR file magic, RFC 4867 §5).
const RAW_VOICE_BYTES = Buffer.concat([
  Buffer.from('#!AMR\n'),
  Buffer.from([0x5d, 0x00, 0x5b, 0x7d, 0x99, 0x5d, 0x3c]),
]);
const RAW_VOICE = Buffer.concat([
  Buffer.from(`[3G*8800000015*${(3 + RAW_VOICE_BYTES.length).toString(16).padStart(4, '0')}*TK,`),
  RAW_VOICE_BYTES,
  Buffer.from(']'),
]);

const LK = '[3G*4700186508*000B*LK,0,10,100]';
const AL_SOS = '[3G*6907919734*003e*AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0]';

describe('3G framer', () => {
  it('holds a frame split across chunks until its last byte comes', () => {
    const framer = threeG.framer(4096);
    const bytes = Buffer.from(LK);
    for (let at = 0; at < bytes.length - 1; at++) {
      expect(framer.push(bytes.subarray(at, at + 1))).toEqual([]);
    }
    expect(text(framer.push(bytes.subarray(bytes.length - 1)))).toEqual([LK]);
  });

  it('cuts several frames out of one chunk, and keeps the start of the next', () => {
    const framer = threeG.framer(4096);
    const chunk = `[SG*8800000015*0002*LK][3G*8800000015*0003*TKQ]${AL_SOS.slice(0, 20)}`;
    expect(text(framer.push(Buffer.from(chunk)))).toEqual([
      '[SG*8800000015*0002*LK]',
      '[3G*8800000015*0003*TKQ]',
    ]);
    expect(text(framer.push(Buffer.from(AL_SOS.slice(20))))).toEqual([AL_SOS]);
  });

  it('cuts a voice note by LEN, over raw ] and [ bytes inside it', () => {
    const framer = threeG.framer(4096);
    const chunk = Buffer.concat([RAW_VOICE, Buffer.from(LK)]);
    const frames = [...framer.push(chunk.subarray(0, 30)), ...framer.push(chunk.subarray(30))];
    expect(frames).toEqual([RAW_VOICE, Buffer.from(LK)]);
  });

  it('cuts an escaped voice note whose LEN counts the bytes unescaped, split inside an escape', () => {
    const framer = threeG.framer(4096);
    const split = ESCAPED_VOICE.indexOf(0x7d) + 1;
    expect(framer.push(ESCAPED_VOICE.subarray(0, split))).toEqual([]);
    const rest = Buffer.concat([ESCAPED_VOICE.subarray(split), Buffer.from(LK)]);
    expect(framer.push(rest)).toEqual([ESCAPED_VOICE, Buffer.from(LK)]);
  });

  it('refuses a voice note that does not end where its LEN says, and finds the next frame', () => {
    const framer = threeG.framer(4096);
    const wrong = Buffer.concat([Buffer.from('[3G*8800000015*000A*TK,'), RAW_VOICE_BYTES, Buffer.from(']')]);
    expect(refusal(() => framer.push(Buffer.concat([wrong, Buffer.from(LK)]))).reason).toBe('malformed');
    // The `[` inside the voice is taken for a frame and refused in turn; then the LK comes out.
    expect(drain(framer)).toEqual({ frames: [LK], refused: ['malformed'] });
  });

  it('cuts text frames whose LEN the firmware miscounted, without waiting for bytes that never come', () => {
    const framer = threeG.framer(4096);
    // LEN 9 for an 8-byte content: the watch sends nothing more until it is answered.
    expect(text(framer.push(Buffer.from('[SG*9081000548*0009*LK,0,100]')))).toEqual([
      '[SG*9081000548*0009*LK,0,100]',
    ]);
    // LEN 0x6C = 108 for 111 bytes (SG firmware).
    const shortLength =
      '[SG*9051007430*006C*UD,150817,132115,V,28.435142,N,81.354333,W,2.2038,000,99,00,70,100,0,50,00000000,1,1,310,260,1091,30082,139,,00]';
    expect(text(framer.push(Buffer.from(shortLength + LK)))).toEqual([shortLength, LK]);
  });

  it('keeps a Wi-Fi name with brackets inside its frame', () => {
    // WatchFrameDecoderTest in the same traccar commit; its LEN (0x13D) is 9 over the content.
    const frame =
      '[3G*880900242*013D*UD,120623,140020,A,48.949273,N, 4.3783060,E,18.56,43.8,0.0,12,100,76,226120,0,00000000,2,255,204,8,3110,55025,146,3130,49297,124,5,BangingWifi,34:a1:ed:e1:91:4f,-71,BAR WiFi,36:a2:e1:ed:a1:de,-72,NetworkWifi,26:de:a1:ed:e1:a0,-73,Fiber,36:a1:ed:e1:91:4f,-75,[LG_Wall-Mount A/C]e725,66:a1:ed:e1:e7:25,-82,15.0]';
    const framer = threeG.framer(4096);
    expect(text(framer.push(Buffer.from(frame + LK)))).toEqual([frame, LK]);
    expect(decode(frame).position?.wifi?.[4]).toEqual({
      mac: '66:a1:ed:e1:e7:25',
      name: '[LG_Wall-Mount A/C]e725',
      rssi: -82,
    });
  });

  it('refuses a LEN over the limit before its content arrives, then skips that content', () => {
    const framer = threeG.framer(256);
    const error = refusal(() => framer.push(Buffer.from('[3G*8800000015*FFFF*TK,')));
    expect(error.reason).toBe('oversize');
    // The 0xFFFF - 3 voice bytes and the `]` still to come are dropped as they arrive, unbuffered.
    const voice = Buffer.alloc(0xffff - 3 + 1, 0x5b);
    expect(framer.push(voice.subarray(0, 40_000))).toEqual([]);
    expect(text(framer.push(Buffer.concat([voice.subarray(40_000), Buffer.from(LK)])))).toEqual([LK]);
  });

  it('refuses a text frame with no end within the limit', () => {
    const framer = threeG.framer(64);
    const error = refusal(() => framer.push(Buffer.from(`[3G*8800000015*0002*LK,${'1'.repeat(60)}`)));
    expect(error.reason).toBe('oversize');
  });

  it('refuses garbage before [, and hands over the frame behind it on the next push', () => {
    const framer = threeG.framer(4096);
    const error = refusal(() => framer.push(Buffer.from(`GET / HTTP/1.1\r\n${LK}`)));
    expect(error.reason).toBe('malformed');
    expect(drain(framer)).toEqual({ frames: [LK], refused: [] });
  });

  it('hands over the frames before garbage first, and refuses the garbage on the next push', () => {
    const framer = threeG.framer(4096);
    expect(text(framer.push(Buffer.from(`${LK}\r\n`)))).toEqual([LK]);
    expect(refusal(() => framer.push(Buffer.from(LK))).reason).toBe('malformed');
    expect(text(framer.push(Buffer.alloc(0)))).toEqual([LK]);
  });

  it.each([
    ['a LEN that is not hex', '[3G*8800000015*00G2*LK]'],
    ['a LEN of three digits', '[3G*8800000015*002*LK]'],
    ['a maker code of one letter', '[G*8800000015*0002*LK]'],
    ['an id with a space', '[3G*8800 0015*0002*LK]'],
    ['a type with a space', '[3G*8800000015*0003*L K]'],
  ])('refuses %s as malformed', (_name, frame) => {
    expect(refusal(() => threeG.framer(4096).push(Buffer.from(frame))).reason).toBe('malformed');
  });
});

describe('3G decoding', () => {
  it('answers LK at once and reads steps and battery from it', () => {
    const message = decode(LK);
    expect(message).toMatchObject({ deviceId: '4700186508', type: 'LK', ts: RECEIVED_AT, events: [] });
    expect(message.readings).toEqual({ steps: 0, battery: 100 });
    expect(message.answer?.bytes.toString()).toBe('[3G*4700186508*0002*LK]');
    expect(message.answer?.when).toBe('now');
    // The 4p-touch "Beesure GPS SeTracker Server Protocol" page's example.
    expect(decode('[3G*8800000015*000D*LK,50,100,100]').readings).toEqual({ steps: 50, battery: 100 });
    const bare = decode('[SG*8800000015*0002*LK]');
    expect(bare.readings).toEqual({});
    expect(bare.answer?.bytes.toString()).toBe('[SG*8800000015*0002*LK]');
  });

  it('reads a UD2 report: fix, towers, Wi-Fi, battery, steps; no answer', () => {
    const message = decode(
      '[3G*4700222306*011F*UD2,120316,140444,A,48.779045,N, 9.1574736,E,0.57,12.8,0.0,7,28,77,0,0,00000000,2,2,262,1,21041,9067,121,21041,5981,116,5,WG-Superlativ,34:31:c4:c8:a9:22,-67,EasyBox-28E858,18:83:bf:28:e8:f4,-70,MoMaXXg,be:05:43:b7:19:15,-72,MoMaXX2,bc:05:43:b7:19:15,-72,Gastzugang,18:83:bf:28:e8:f5,-72]',
    );
    const ts = Date.UTC(2016, 2, 12, 14, 4, 44);
    expect(message.ts).toBe(ts);
    expect(message.readings).toEqual({ battery: 77, steps: 0, battery_low: false });
    expect(message.events).toEqual([]);
    expect(message.answer).toBeUndefined();
    expect(message.position).toEqual({
      ts,
      lat: 48.779045,
      lon: 9.1574736,
      valid: true,
      source: 'gps',
      speedKmh: 0.57,
      course: 12.8,
      altitude: 0,
      satellites: 7,
      cells: [
        { mcc: 262, mnc: 1, lac: 21041, cid: 9067, rssi: 121 },
        { mcc: 262, mnc: 1, lac: 21041, cid: 5981, rssi: 116 },
      ],
      wifi: [
        { mac: '34:31:c4:c8:a9:22', name: 'WG-Superlativ', rssi: -67 },
        { mac: '18:83:bf:28:e8:f4', name: 'EasyBox-28E858', rssi: -70 },
        { mac: 'be:05:43:b7:19:15', name: 'MoMaXXg', rssi: -72 },
        { mac: 'bc:05:43:b7:19:15', name: 'MoMaXX2', rssi: -72 },
        { mac: '18:83:bf:28:e8:f5', name: 'Gastzugang', rssi: -72 },
      ],
    });
  });

  it('reads an escaped comma inside a Wi-Fi name', () => {
    // The UD2 above with one access point renamed here to "Easy,Box", its comma sent as 0x7D 0x04.
    const frame = Buffer.concat([
      Buffer.from(
        '[3G*4700222306*0072*UD2,120316,140444,A,48.779045,N, 9.1574736,E,0.57,12.8,0.0,7,28,77,0,0,00000000,0,1,Easy',
      ),
      Buffer.from([0x7d, 0x04]),
      Buffer.from('Box,18:83:bf:28:e8:f4,-70]'),
    ]);
    expect(text(threeG.framer(4096).push(frame))).toEqual([frame.toString('latin1')]);
    expect(decode(frame).position?.wifi).toEqual([{ mac: '18:83:bf:28:e8:f4', name: 'Easy,Box', rssi: -70 }]);
  });

  it('reads signed coordinates, hex cell ids and the other UD variants', () => {
    // traccar expects 2016-07-21 23:16:01 UTC and -33.48037, -70.76307 for this one.
    const south = decode(
      '[3G*6105117105*008D*UD2,210716,231601,V,-33.480366,N,-70.7630692,E,0.00,0.0,0.0,0,100,34,0,0,00000000,3,255,730,2,29731,54315,167,29731,54316,162,29731,54317,145]',
    );
    expect(south.position).toMatchObject({ lat: -33.480366, lon: -70.7630692, valid: false, source: 'cell' });
    expect(south.ts).toBe(Date.UTC(2016, 6, 21, 23, 16, 1));
    const west = decode(
      '[SG*9059011020*006b*UD2,240123,162011,A,54.427621,N,6.409190,W,0.00,0,0,8,19,88,0,0,00000000,1,1,FFFF,FFFF,FFFE,3B882A2,132,,00]',
    );
    // Its tower names MCC and MNC "FFFF": the tower is dropped, the fix kept.
    expect(west.position).toMatchObject({ lat: 54.427621, lon: -6.40919, valid: true, source: 'gps' });
    expect(west.position?.cells).toBeUndefined();
    const lte = decode(
      '[3G*9705141740*00C2*UD_LTE,260723,185105,V,00.000000,,00.0000000,,0.00,0.0,0.0,0,100,67,0,0,00000000,2,0,605,1,10006,65799,14,10020,4104,4,3,,34:60:f9:ec:19:f8,-82,,98:48:27:55:18:20,-96,,34:e8:94:e4:06:18,-104,0.0]',
    );
    expect(lte.position).toMatchObject({ lat: 0, lon: 0, valid: false, source: 'wifi' });
    expect(lte.position?.wifi).toHaveLength(3);
    expect(lte.position?.cells).toHaveLength(2);
    const wcdma = decode(
      '[3G*2104134718*00A1*UD_WCDMA,161019,134938,A,43.373367,N,71.157615,W,22.0,350.206,279.717,17,28,79,0,0,00000000,1,1,310,410,23999,132013696,28,1,Home2,60:45:cb:cb:34:68,-93,8.263865]',
    );
    expect(wcdma.position).toMatchObject({ lon: -71.157615, altitude: 279.717, satellites: 17 });
    expect(wcdma.readings).toEqual({ battery: 79, steps: 0, battery_low: false });
  });

  it('reads ZJ frames with an index field', () => {
    const message = decode(
      '[ZJ*014111001350304*0033*0064*UD,070318,020827,V,00.000000,N,000.000000,E,0,0,0,0,100,19,1000,50,00000000,1,255,460,0,9346,5223,42]',
    );
    expect(message).toMatchObject({ deviceId: '014111001350304', type: 'UD' });
    expect(message.readings).toEqual({ battery: 19, steps: 1000, battery_low: false });
    expect(message.position?.cells).toEqual([{ mcc: 460, mnc: 0, lac: 9346, cid: 5223, rssi: 42 }]);
  });

  it('raises an SOS from AL_LTE, answered AL only after commit', () => {
    const message = decode(AL_SOS);
    const ts = Date.UTC(2025, 4, 17, 21, 41, 18);
    expect(message.ts).toBe(ts);
    expect(message.events).toEqual([
      { id: '3g:6907919734:250517214118:sos', type: 'sos', ts, detail: { status: '00010000' } },
    ]);
    expect(message.answer?.bytes.toString()).toBe('[3G*6907919734*0002*AL]');
    expect(message.answer?.when).toBe('afterCommit');
  });

  it('raises a removal and a fall, and repeats the index in the answer', () => {
    const removed = decode(
      '[ZJ*689466020014198*0003*0113*AL,221121,085515,V,00.000000,N,000.000000,E,0,0,0,0,0,44,0,0,00100000,1,255,460,0,16399,234887445,0,6,WIFI00,68:77:24:1b:e7:a7,-59,WIFI01,68:77:24:1b:e3:30,-75,WIFI02,68:77:24:1b:e3:27,-75,WIFI03,00:41:d2:c0:f2:f1,-76,WIFI04,00:41:d2:c0:f2:f0,-77,WIFI05,68:77:24:1b:e3:d8,-82]',
    );
    expect(removed.events.map(({ id, type }) => ({ id, type }))).toEqual([
      { id: '3g:689466020014198:211122085515:wearable_removed', type: 'wearable_removed' },
    ]);
    expect(removed.answer?.bytes.toString()).toBe('[ZJ*689466020014198*0003*0002*AL]');
    const fall = decode(
      '[3G*8308373902*0080*AL,230817,095346,A,47.083950,N,15.4821850,E,7.60,273.8,0.0,4,15,44,0,0,00200010,2,255,232,1,7605,42530,118,7605,58036,119,0,65.8]',
    );
    expect(fall.events).toHaveLength(1);
    expect(fall.events[0]).toMatchObject({ id: '3g:8308373902:170823095346:fall', certainty: 'confirmed' });
    expect(fall.events[0]?.ts).toBe(Date.UTC(2017, 7, 23, 9, 53, 46));
    // An AL variant whose LEN the firmware miscounted.
    const custom = decode(
      '[3G*358839237678820*0122*ALCUSTOMER1,251120,081821,V,0.0,N,0.0,E,2.58,317.462,35.147,14,100,2,11089,0,00100008,1,1,460,01,42308,101992452,100,5,shizhou1,44:56:e2:03:ea:2a,-69,FART3,30:0d:9e:bb:fa:4d,-70,ZKY-A209,88:c3:97:c1:f4:7f,-73,ChinaNet-HNeD,e8:84:c6:21:7c:dc,-77,,30:45:96:10:14:5d,-79,1.2035439]',
    );
    expect(custom.events.map((event) => event.type)).toEqual(['wearable_removed']);
  });

  it('reads a low battery from the status, and takes an AL that names nothing for an SOS', () => {
    // The protocol's own example AL (its LEN is miscounted): status 0001, the low-battery state.
    const low = decode(
      '[SG*8800000015*0087*AL,220414,134652,A,22.571707,N,113.8613968,E,0.1,0.0,100,7,60,90,1000,50,0001,4,1,460,0,9360,4082,131,9360,4092,148,9360,4091,143,9360,4153,141]',
    );
    expect(low.readings).toEqual({ battery: 90, steps: 1000, battery_low: true });
    expect(low.events).toEqual([]);
    expect(low.answer?.bytes.toString()).toBe('[SG*8800000015*0002*AL]');
    const unnamed = decode(
      '[SG*9059011020*0067*AL,240123,181628,V,54.427538,N,6.409275,W,0.00,0,0,0,19,90,0,0,00000000,1,1,234,10,55C0,3B882A2,132,,10]',
    );
    expect(unnamed.events).toEqual([
      {
        id: '3g:9059011020:230124181628:sos',
        type: 'sos',
        ts: Date.UTC(2023, 0, 24, 18, 16, 28),
        detail: { status: '00000000', unflagged: true },
      },
    ]);
    expect(unnamed.position?.cells).toEqual([{ mcc: 234, mnc: 10, lac: 0x55c0, cid: 0x3b882a2, rssi: 132 }]);
  });

  it('names a repeated alarm with the same event id, and another alarm time with another', () => {
    const first = decode(AL_SOS).events[0]?.id;
    expect(decode(AL_SOS).events[0]?.id).toBe(first);
    expect(decode(AL_SOS.replace('214118', '214119')).events[0]?.id).toBe('3g:6907919734:250517214119:sos');
  });

  it('uses the receipt time for a watch clock that never synchronised', () => {
    const message = decode(AL_SOS.replace('170525,214118', '000000,000000'));
    expect(message.ts).toBe(RECEIVED_AT);
    expect(message.events[0]?.id).toBe(`3g:6907919734:t${RECEIVED_AT}:sos`);
  });

  it('reads blood pressure, heart rate, temperature and SpO2', () => {
    const bphrt = decode('[3G*4700609403*0013*bphrt,120,79,73,,,,]');
    expect(bphrt.bloodPressure).toEqual({ systolic: 120, diastolic: 79 });
    expect(bphrt.readings).toEqual({ hr: 73 });
    const blood = decode('[ZJ*357653059860416*0007*000c*BLOOD,109,68]');
    expect(blood.bloodPressure).toEqual({ systolic: 109, diastolic: 68 });
    expect(blood.readings).toEqual({});
    expect(decode('[3G*6005412902*0008*heart,71]').readings).toEqual({ hr: 71 });
    expect(decode('[3G*6005412902*0007*heart,0]').readings).toEqual({});
    expect(decode('[CS*8800000015*0008*PULSE,72]').readings).toEqual({ hr: 72 });
    expect(decode('[3G*2104326058*000E*btemp2,1,35.29]').readings).toEqual({ temperature: 35.29 });
    expect(decode('[ZJ*5678901234*0001*0009*TEMP,36.5]').readings).toEqual({ temperature: 36.5 });
    const oxygen = decode('[3G*9705141740*000B*oxygen,0,98]');
    expect(oxygen.readings).toEqual({ spo2: 98 });
    expect(oxygen.answer).toBeUndefined();
    expect(oxygen.ts).toBe(RECEIVED_AT);
  });

  it('answers TKQ with TKQ at once', () => {
    const message = decode('[3G*8800000015*0003*TKQ]');
    expect(message.answer?.bytes.toString()).toBe('[3G*8800000015*0003*TKQ]');
    expect(message.answer?.when).toBe('now');
  });

  it('keeps a voice note unescaped and answers TK,1 once it is stored', () => {
    const message = decode(ESCAPED_VOICE);
    expect(message.voice).toEqual(Buffer.concat([Buffer.from('#!AMR'), Buffer.from('7d5b5d2c2aff', 'hex')]));
    expect(message.answer?.bytes.toString()).toBe('[CS*1234567890*0004*TK,1]');
    expect(message.answer?.when).toBe('afterCommit');
    expect(decode(RAW_VOICE).voice).toEqual(RAW_VOICE_BYTES);
  });

  it('reads TK,1 as the watch playing the note the hub sent, and echoes as command answers', () => {
    const played = decode('[CS*1234567890*0004*TK,1]');
    expect(played.commandAnswer).toEqual({ command: 'TK', ok: true, key: 'TK' });
    expect(played.answer).toBeUndefined();
    expect(decode('[3G*8800000015*0002*CR]').commandAnswer).toEqual({ command: 'CR', ok: true, key: 'CR' });
  });

  it('matches each command to the echo that confirms it', () => {
    const echoes: [WatchCommand, string][] = [
      [{ kind: 'locate' }, '[3G*8800000015*0002*CR]'],
      [{ kind: 'text', text: '已收到' }, '[3G*8800000015*0007*MESSAGE]'],
      [{ kind: 'heart_rate_interval', minutes: 10 }, '[3G*8800000015*0008*hrtstart]'],
      [{ kind: 'sos_numbers', numbers: ['13512345678'] }, '[3G*8800000015*0003*SOS]'],
      [{ kind: 'fall_alarm', on: true }, '[3G*8800000015*0008*FALLDOWN]'],
      [{ kind: 'removal_alarm', on: false }, '[3G*8800000015*0006*REMOVE]'],
    ];
    for (const [command, echo] of echoes) {
      const sent = Buffer.from(encode(command), 'latin1');
      expect(decode(echo).commandAnswer?.key).toBe(threeG.answerKey(sent));
    }
    expect(threeG.answerKey(Buffer.from(encode({ kind: 'locate' }), 'latin1'))).not.toBe(
      decode('[3G*8800000015*0003*SOS]').commandAnswer?.key,
    );
  });

  it('passes an unknown type through with nothing read', () => {
    // WatchFrameDecoderTest in the same traccar commit.
    expect(decode('[3G*8308406279*0008*rcapture]')).toEqual({
      deviceId: '8308406279',
      type: 'rcapture',
      ts: RECEIVED_AT,
      readings: {},
      events: [],
      dialect: { maker: '3G', indexed: false },
    });
  });

  it.each([
    ['no closing bracket', '[3G*8800000015*0002*LK'],
    ['no message type', '[3G*8800000015*0000*]'],
    ['a report without its date', '[3G*6907919734*0009*AL_LTE,xx]'],
    ['a status that is not hex', AL_SOS.replace('00010000', '0001000Z')],
    ['a latitude that is not a number', AL_SOS.replace('V,0,N', 'V,x,N')],
    ['a voice note whose LEN does not fit', '[CS*1234567890*0009*TK,#!AMR]'],
    ['a voice note with no voice', '[CS*1234567890*0003*TK,]'],
  ])('refuses %s as malformed', (_name, frame) => {
    const error = refusal(() => decode(frame));
    expect(error.reason).toBe('malformed');
  });
});

describe('3G commands', () => {
  it.each<[WatchCommand, string]>([
    [{ kind: 'text', text: 'text' }, '[3G*8800000015*0018*MESSAGE,0074006500780074]'],
    [{ kind: 'text', text: '已收到' }, '[3G*8800000015*0014*MESSAGE,5df265365230]'],
    [{ kind: 'locate' }, '[3G*8800000015*0002*CR]'],
    [{ kind: 'heart_rate_interval', minutes: 5 }, '[3G*8800000015*000C*hrtstart,300]'],
    [{ kind: 'heart_rate_interval', minutes: 0 }, '[3G*8800000015*000A*hrtstart,0]'],
    [{ kind: 'fall_alarm', on: true }, '[3G*8800000015*000C*FALLDOWN,1,1]'],
    [{ kind: 'fall_alarm', on: false }, '[3G*8800000015*000C*FALLDOWN,0,0]'],
    [{ kind: 'removal_alarm', on: true }, '[3G*8800000015*0008*REMOVE,1]'],
    [{ kind: 'removal_alarm', on: false }, '[3G*8800000015*0008*REMOVE,0]'],
    [
      { kind: 'sos_numbers', numbers: ['13800000000', '+8613900000000'] },
      '[3G*8800000015*001F*SOS,13800000000,+8613900000000,]',
    ],
  ])('encodes %j byte for byte', (command, frame) => {
    expect(encode(command)).toBe(frame);
  });

  it('frames commands in the maker code and index style the watch uses', () => {
    const dialect = decode('[ZJ*014111001350304*0034*0009*LK,0,0,19]').dialect;
    expect(dialect).toEqual({ maker: 'ZJ', indexed: true });
    expect(encode({ kind: 'locate' }, '014111001350304', { dialect })).toBe(
      '[ZJ*014111001350304*0001*0002*CR]',
    );
    expect(decode(LK).dialect).toEqual({ maker: '3G', indexed: false });
    expect(encode({ kind: 'locate' }, '4700186508', { dialect: { maker: 'SG' } })).toBe(
      '[SG*4700186508*0002*CR]',
    );
  });

  it.each<[string, WatchCommand]>([
    ['an empty text', { kind: 'text', text: '' }],
    ['a heart-rate interval the watch cannot keep', { kind: 'heart_rate_interval', minutes: 3 }],
    ['four SOS numbers', { kind: 'sos_numbers', numbers: ['110', '120', '119', '122'] }],
    ['an SOS number with letters', { kind: 'sos_numbers', numbers: ['call me'] }],
    ['a command it has not', { kind: 'reboot' } as unknown as WatchCommand],
  ])('refuses %s as unsupported', (_name, command) => {
    expect(refusal(() => encode(command)).reason).toBe('unsupported');
  });
});

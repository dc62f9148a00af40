import { describe, expect, it } from 'vitest';
import { jt808 } from '../../devices/watches/jt808.ts';
import { encodeGbk } from '../../devices/watches/jt808-gbk.ts';
import { escapeBytes, unescapeBytes } from '../../devices/watches/jt808-wire.ts';
import {
  type DecodeContext,
  FrameError,
  type WatchCommand,
  type WatchMessage,
  type WatchSession,
} from '../../devices/watches/types.ts';
import { jt808Location } from '../../simulators/watches/frames.ts';

/*
 * Frames and the answers they expect come from published tests of other JT/T 808 implementations:
 *   [go]      cuteLittleDevil/go-jt808, protocol/model reply test: terminal frames of 2011, 2013 and
 *             2019 with the platform answers byte for byte (platform serial 0)
 *   [traccar] traccar/traccar, src/test/java/org/traccar/protocol/HuabaoProtocolDecoderTest.java
 *   [xtream]  makeclan/xtream-codec, debug/jt/jt-808-server-spring-boot-starter-debug-ui/src/utils/codec-utils.ts
 *             (2019 frames with their decoded fields)
 *   [go-0001] a Go JT/T 808 parser's test of a terminal general answer, 7E0001…767E
 *   [kt20]    a KT20 lock simulator (Java, com.demo.netty.fakedevice.kt20.handler.DeviceHandler), its
 *             answer to a position query
 * Frames marked "derived" are one of these with a field changed and the check code recomputed.
 */
const frames = {
  /** [go] heartbeat 2013, phone 012345678901, serial 0x7FFF, and the hub's answer. */
  heartbeat2013: '7e000200000123456789017fff0a7e',
  heartbeat2013Answer: '7e8001000501234567890100007fff0002008e7e',
  /** [go] heartbeat 2019, phone 00000000017299841738, serial 0xFFFF. */
  heartbeat2019: '7e000240000100000000017299841738ffff027e',
  heartbeat2019Answer: '7e8001400501000000000172998417380000ffff000200867e',
  /** [go] registrations in the 2011, 2013 and 2019 layouts, with their 0x8100 answers. */
  register2011:
    '7e010000200123456789010000001f007363640000007777772e3830382e3736353433323101b2e24131323334a17e',
  register2013:
    '7e0100002c0123456789010000001f007363640000007777772e3830382e636f6d0000000000000000003736353433323101b2e24131323334cc7e',
  register2013Answer: '7e8100000e01234567890100000000003132333435363738393031377e',
  register2019:
    '7e0100405301000000000172998417380000001f007363640000000000000000007777772e3830382e636f6d0000000000000000000000000000000000000037363534333231000000000000000000000000000000000000000000000001b2e241313233343b7e',
  register2019Answer: '7e8100400e010000000001729984173800000000003137323939383431373338ba7e',
  /** [traccar] a 2013 registration with a GBK plate, 苏BA6860. */
  registerPlate:
    '7E0100002D013511221122000500000000373031303748422D52303347424400000000000000000000003233363631303402CBD5424136383630387E',
  /** [go] authentication 2013 and 2019 (code 17299841738; 2019 adds IMEI and software 3.7.15). */
  authenticate2013: '7e0102000b01234567890100003137323939383431373338b57e',
  authenticate2013Refused: '7e80010005012345678901000000000102010e7e',
  authenticate2019:
    '7e0102402f010000000001729984173800000b3137323939383431373338313233343536373839303132333435332e372e31350000000000000000000000000000227e',
  authenticate2019Answer: '7e80014005010000000001729984173800000000010200877e',
  /** [traccar] 2013 location without a fix: 6.152695 N, 106.720495 E, 2017-01-17 10:04:42 GMT+8, 3 satellites. */
  location2013:
    '7e0200002c00160128561400020000000000040001005de1f7065c6cef00000000000017011710044201040000a9002a02000030011b3101030c7e',
  /** [traccar] 2013 location whose 0xFE item says battery 69 %. */
  locationBattery:
    '7e02000033202011200010001300020000000400020158b30006c93ee5002000000000201127162937010400000000fe0145ff0c01cc00000000263300000f3e627e',
  /** [traccar] 2013 location with alarm bit 7 (main power under-voltage). */
  locationUnderVoltage:
    '7E020000480123456789010013000000800000000301597BC506CBFF6600EB00000155210726203531010400000000EB24000C00B28986047701207027150200060089FFFFEFFF0004002D0E10000600C5FFFFFFEF697E',
  /** [traccar] 2013 emergency report (alarm bit 0), west longitude, serial 0x000A, 2013-04-12 16:49:52. */
  emergency2013:
    '7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb0c20085c107e',
  /** Derived from emergency2013: the same report resent under serial 0x000B. */
  emergency2013Resent:
    '7e0200002e094027587492000b000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb0c20085c117e',
  /** [xtream] 2019 location: alarm 0x6F (bit 0 set), south, 31.234567 S 121.987654 E, 2025-01-29 22:33:44. */
  location2019:
    '7e02004026010000000001391234432900000000006f0000001601dc9a0707456246007b004200032501292233440202006401040000000c417e',
  /** [traccar] 2013 batch of 8 blind-area reports, the newest 2016-05-27 09:10:02. */
  batch2013:
    '7E0704014301356777777707F5000801002600000000000000030159741206CBFD5001720000000116052709062401040000001D03020000002600000000000000030159746606CBFD50016B0000000116052709065301040000001D0302000000260000000000000003015975E406CBFE58013F0000000116052709072701040000001D0302000000260000000000000003015976DE06CBFF10012E0000000116052709075601040000001D0302000000260000000000000003015976BC06CBFED0012D0000000116052709083001040000001D0302000000260000000000000003015976FE06CBFEC001080000000116052709090001040000001D0302000000260000000000000003015976FE06CBFE7800FC0000000116052709093301040000001D0302000000260000000000000003015977A606CBFF3001080000000116052709100201040000001D030200001F7E',
  /** [xtream] 2019 batch of two reports, both with alarm bit 0 and the same time 2024-10-29 21:39:03. */
  batch2019:
    '7e0704403f01000000000139123443290000000200001c000000010000000101d907f2073d336c029a00210059241029213903001c000000010000000101d907f3073d336d03090043005a241029213903f87e',
  /** [go] terminal general answer: serial 123, message 0x01C8, result 3 (not supported). */
  terminalAnswerRefused: '7e000100050123456789017fff007b01c803bd7e',
  /** [go-0001] terminal general answer: serial 0x97A3, message 0x8801, result 0. */
  terminalAnswerOk: '7E0001000506495944723706DE97A3880100767E',
  /** [kt20] 0x0201 answering query serial 0x7256: 29.67566 N, 106.445056 E, 2019-08-26 18:27:15, no fix. */
  locationAnswer:
    '7E0201002401453322435200487256000000000000000101C4D08C06583900000000000000190826182715010400000000E87E',
  /** [xtream] 2019 0x0005 (request to resend subpackages), which the hub does not handle. */
  unhandled2019: '7e0005400a01000000000139123443290000006f0003000200030004537e',
  /** [xtream] 2019 position query 0x8201 to 13912344329, platform serial 0. */
  locate2019: '7e8201400001000000000139123443290000b67e',
};

function bytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

function hexOf(buffer: Buffer | undefined): string | undefined {
  return buffer?.toString('hex');
}

/** A session as the gateway keeps one per connection: serials counting from `first`, fixed codes. */
function session(first = 0, codes: Record<string, string> = {}): WatchSession {
  let serial = first;
  return {
    nextSerial: () => serial++,
    authCode: (deviceId) => codes[deviceId] ?? 'no-code',
  };
}

function context(watchSession: WatchSession = session()): DecodeContext {
  return { receivedAt: 1_764_900_000_000, utcOffsetMinutes: 480, session: watchSession };
}

function decode(hex: string, decodeContext: DecodeContext = context()): WatchMessage {
  return jt808.decode(bytes(hex), decodeContext);
}

function refusal(action: () => unknown): FrameError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FrameError);
    return error as FrameError;
  }
  throw new Error('expected a FrameError');
}

/** GMT+8 wall-clock time → epoch ms. */
function beijing(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  return Date.UTC(year, month - 1, day, hour, minute, second) - 8 * 3_600_000;
}

describe('JT/T 808 framing', () => {
  it('escapes 0x7E and 0x7D and undoes it', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const escaped = escapeBytes(all);
    expect(escaped.includes(0x7e)).toBe(false);
    expect(hexOf(escaped.subarray(0x7d, 0x83))).toBe('7d017d027f80');
    expect(unescapeBytes(escaped).equals(all)).toBe(true);
    expect(refusal(() => unescapeBytes(Buffer.of(0x7d, 0x03))).reason).toBe('malformed');
  });

  it('reads an escaped serial and escapes it again in the answer', () => {
    // Derived from the [go] 2013 heartbeat: serial 0x7E7D, sent as 7D 02 7D 01.
    const message = decode('7e000200000123456789017d027d01897e');
    expect(hexOf(message.answer?.bytes)).toBe('7e8001000501234567890100007d027d010002000d7e');
  });

  it('refuses a frame whose check code does not match', () => {
    const broken = frames.heartbeat2013.replace(/0a7e$/, '0b7e');
    expect(refusal(() => decode(broken)).reason).toBe('checksum');
  });

  it('refuses frames without flags, with a bad length, encrypted or cut short', () => {
    expect(refusal(() => decode(frames.heartbeat2013.slice(2))).reason).toBe('malformed');
    // Derived: the 2013 heartbeat with body length 1 and no body.
    expect(refusal(() => decode('7e000200010123456789017fff0b7e')).reason).toBe('malformed');
    // Derived: the 2013 heartbeat with encryption bit 10 set.
    expect(refusal(() => decode('7e000204000123456789017fff0e7e')).reason).toBe('unsupported');
    // Derived: a location body of 4 bytes.
    expect(refusal(() => decode('7e020000040123456789010001000000018e7e')).reason).toBe('malformed');
  });

  it('joins a frame split across chunks, byte by byte', () => {
    const framer = jt808.framer(1024);
    const wire = bytes(frames.location2013);
    const out: Buffer[] = [];
    for (const byte of wire) out.push(...framer.push(Buffer.of(byte)));
    expect(out.map((frame) => frame.toString('hex'))).toEqual([frames.location2013.toLowerCase()]);
  });

  it('cuts several frames out of one chunk and skips bytes outside frames', () => {
    const framer = jt808.framer(1024);
    const chunk = Buffer.concat([
      Buffer.from('AT+OK\r\n'),
      bytes(frames.heartbeat2013),
      bytes(frames.heartbeat2019),
      Buffer.from('noise'),
      bytes(frames.location2019),
    ]);
    expect(framer.push(chunk).map((frame) => frame.toString('hex'))).toEqual([
      frames.heartbeat2013,
      frames.heartbeat2019,
      frames.location2019,
    ]);
  });

  it('recovers when it joins a stream in the middle of a frame', () => {
    const framer = jt808.framer(1024);
    const tail = bytes(frames.heartbeat2013).subarray(5);
    const got = framer.push(Buffer.concat([tail, bytes(frames.heartbeat2019)]));
    expect(got.map((frame) => frame.toString('hex'))).toEqual([frames.heartbeat2019]);
  });

  it('refuses a frame growing past the limit without buffering it, then carries on', () => {
    const framer = jt808.framer(64);
    expect(framer.push(bytes(frames.heartbeat2013))).toHaveLength(1);
    const huge = Buffer.concat([Buffer.of(0x7e), Buffer.alloc(10_000, 0x11)]);
    expect(refusal(() => framer.push(huge)).reason).toBe('oversize');
    // The rest of the refused frame, up to its end flag, is dropped; the next frame is read.
    expect(framer.push(Buffer.alloc(10_000, 0x22))).toEqual([]);
    const after = framer.push(
      Buffer.concat([Buffer.of(0x33, 0x7e), Buffer.from('noise'), bytes(frames.heartbeat2019)]),
    );
    expect(after.map((frame) => frame.toString('hex'))).toEqual([frames.heartbeat2019]);
  });

  it('keeps the frames a chunk completed before an oversize one', () => {
    const framer = jt808.framer(64);
    const chunk = Buffer.concat([bytes(frames.heartbeat2013), Buffer.of(0x7e), Buffer.alloc(100, 0x11)]);
    expect(refusal(() => framer.push(chunk)).reason).toBe('oversize');
    const next = framer.push(Buffer.concat([Buffer.of(0x7e), bytes(frames.heartbeat2019)]));
    expect(next.map((frame) => frame.toString('hex'))).toEqual([frames.heartbeat2013, frames.heartbeat2019]);
  });

  it('takes a frame of exactly the limit', () => {
    const wire = bytes(frames.heartbeat2019);
    expect(jt808.framer(wire.length).push(wire)).toHaveLength(1);
    expect(refusal(() => jt808.framer(wire.length - 1).push(wire)).reason).toBe('oversize');
  });
});

describe('JT/T 808 terminal messages', () => {
  it('answers heartbeats in the edition the terminal spoke', () => {
    const old = decode(frames.heartbeat2013);
    expect(old).toMatchObject({ deviceId: '12345678901', type: '0002', events: [], readings: {} });
    expect(old.answer).toEqual({ bytes: bytes(frames.heartbeat2013Answer), when: 'now' });
    const recent = decode(frames.heartbeat2019);
    expect(recent.deviceId).toBe('17299841738');
    expect(recent.answer).toEqual({ bytes: bytes(frames.heartbeat2019Answer), when: 'now' });
  });

  it('registers a terminal and gives it the code the gateway keeps', () => {
    const message = decode(frames.register2013, context(session(0, { '12345678901': '12345678901' })));
    expect(message.login).toEqual({
      province: '31',
      city: '115',
      manufacturer: 'cd',
      model: 'www.808.com',
      terminalId: '7654321',
      plateColour: '1',
      plate: '测A1234',
    });
    expect(message.answer).toEqual({ bytes: bytes(frames.register2013Answer), when: 'now' });
    // The 2011 layout (8-byte model) is answered alike.
    const older = decode(frames.register2011, context(session(0, { '12345678901': '12345678901' })));
    expect(older.login).toMatchObject({ model: 'www.808.', terminalId: '7654321', plate: '测A1234' });
    expect(hexOf(older.answer?.bytes)).toBe(frames.register2013Answer);
  });

  it('registers a 2019 terminal', () => {
    const message = decode(frames.register2019, context(session(0, { '17299841738': '17299841738' })));
    expect(message.deviceId).toBe('17299841738');
    expect(message.login).toMatchObject({ manufacturer: 'cd', model: 'www.808.com', terminalId: '7654321' });
    expect(message.answer).toEqual({ bytes: bytes(frames.register2019Answer), when: 'now' });
  });

  it('reads a GBK plate', () => {
    expect(decode(frames.registerPlate).login).toMatchObject({
      model: 'HB-R03GBD',
      terminalId: '2366104',
      plateColour: '2',
      plate: '苏BA6860',
    });
  });

  it('accepts the right authentication code and refuses another', () => {
    const ok = decode(frames.authenticate2013, context(session(0, { '12345678901': '17299841738' })));
    expect(hexOf(ok.answer?.bytes)).toBe('7e80010005012345678901000000000102000f7e');
    expect(ok.login).toEqual({});
    const refused = decode(frames.authenticate2013, context(session(0, { '12345678901': 'other' })));
    expect(hexOf(refused.answer?.bytes)).toBe(frames.authenticate2013Refused);
    expect(refused.login).toBeUndefined();
  });

  it('reads the IMEI and software version of a 2019 authentication', () => {
    const message = decode(frames.authenticate2019, context(session(0, { '17299841738': '17299841738' })));
    expect(message.login).toEqual({ imei: '123456789012345', softwareVersion: '3.7.15' });
    expect(message.answer).toEqual({ bytes: bytes(frames.authenticate2019Answer), when: 'now' });
  });

  it('reads a 2013 location and answers it at once', () => {
    const message = decode(frames.location2013, context(session(5)));
    expect(message.deviceId).toBe('1601285614');
    expect(message.position).toEqual({
      ts: beijing(2017, 1, 17, 10, 4, 42),
      lat: 6.152695,
      lon: 106.720495,
      valid: false,
      source: 'gps',
      speedKmh: 0,
      course: 0,
      altitude: 0,
      satellites: 3,
    });
    expect(message.ts).toBe(beijing(2017, 1, 17, 10, 4, 42));
    expect(message.readings).toEqual({ battery_low: false });
    expect(message.events).toEqual([]);
    expect(message.answer).toEqual({ bytes: bytes('7e8001000500160128561400050002020000fc7e'), when: 'now' });
  });

  it('reads the battery a pendant puts in item 0xFE and the under-voltage alarm', () => {
    expect(decode(frames.locationBattery).readings).toEqual({ battery: 69, battery_low: false });
    expect(decode(frames.locationUnderVoltage).readings).toEqual({ battery_low: true });
  });

  it('turns the emergency bit into one sos event, answered once it is stored', () => {
    const message = decode(frames.emergency2013, context(session(9)));
    const ts = beijing(2013, 4, 12, 16, 49, 52);
    expect(message.events).toEqual([{ id: '94027587492:sos:130412164952', type: 'sos', ts }]);
    expect(message.position).toMatchObject({ lat: 50.871735, lon: -1.255923, valid: true, speedKmh: 2 });
    expect(message.answer).toEqual({
      bytes: bytes('7e800100050940275874920009000a020000557e'),
      when: 'afterCommit',
    });
  });

  it('names a resent emergency report the same event', () => {
    const first = decode(frames.emergency2013).events;
    const resent = decode(frames.emergency2013Resent).events;
    expect(resent).toHaveLength(1);
    expect(resent).toEqual(first);
  });

  it('names the reports that keep the emergency bit set after a press one event, until it clears', () => {
    // A terminal keeps bit 0 in every report until the platform's answer clears it.
    const pendant = '13800138000';
    const connection = context(session());
    const pressed = beijing(2026, 12, 5, 3, 10, 0);
    const report = (secondsLater: number, alarm: number) =>
      jt808.decode(
        jt808Location(
          pendant,
          secondsLater,
          { ts: pressed + secondsLater * 1000, lat: 30.6, lon: 104, battery: 80 },
          alarm,
        ),
        connection,
      ).events;
    const first = report(0, 1);
    expect(first).toEqual([{ id: `${pendant}:sos:261205031000`, type: 'sos', ts: pressed }]);
    expect(report(10, 1)).toEqual(first);
    expect(report(20, 1 | (1 << 7))).toEqual(first);
    // Cleared by the answer; a press after that is a press of its own.
    expect(report(30, 0)).toEqual([]);
    expect(report(40, 1)).toEqual([{ id: `${pendant}:sos:261205031040`, type: 'sos', ts: pressed + 40_000 }]);
    // A new connection (the hub restarted before answering) names the resent first report as before.
    const resent = jt808.decode(
      jt808Location(pendant, 0, { ts: pressed, lat: 30.6, lon: 104, battery: 80 }, 1),
      context(session()),
    ).events;
    expect(resent).toEqual(first);
  });

  it('reads a 2019 location, south latitude and emergency', () => {
    const message = decode(frames.location2019);
    expect(message.deviceId).toBe('13912344329');
    expect(message.position).toMatchObject({
      lat: -31.234567,
      lon: 121.987654,
      valid: true,
      altitude: 123,
      speedKmh: 6.6,
      course: 3,
      ts: beijing(2025, 1, 29, 22, 33, 44),
    });
    expect(message.events.map((event) => event.id)).toEqual(['13912344329:sos:250129223344']);
    expect(message.answer).toEqual({
      bytes: bytes('7e80014005010000000001391234432900000000020000b37e'),
      when: 'afterCommit',
    });
  });

  it('takes the newest position of a batch', () => {
    const message = decode(frames.batch2013, context(session(3)));
    expect(message.type).toBe('0704');
    expect(message.position).toMatchObject({
      ts: beijing(2016, 5, 27, 9, 10, 2),
      lat: 22.64055,
      lon: 114.032432,
    });
    expect(message.events).toEqual([]);
    expect(message.answer?.when).toBe('now');
  });

  it('gathers the events of a 2019 batch, one per alarm and time', () => {
    const message = decode(frames.batch2019);
    expect(message.events).toEqual([
      { id: '13912344329:sos:241029213903', type: 'sos', ts: beijing(2024, 10, 29, 21, 39, 3) },
    ]);
    expect(message.answer?.when).toBe('afterCommit');
  });

  it('reports the terminal answers to commands', () => {
    const refused = decode(frames.terminalAnswerRefused);
    expect(refused.commandAnswer).toEqual({
      command: '123',
      ok: false,
      detail: '0x01c8: not supported',
      key: '123',
    });
    expect(refused.answer).toBeUndefined();
    const ok = decode(frames.terminalAnswerOk);
    expect(ok.deviceId).toBe('64959447237');
    expect(ok.commandAnswer).toEqual({
      command: String(0x97a3),
      ok: true,
      detail: '0x8801: success',
      key: String(0x97a3),
    });
  });

  it('reads the answer to a position query as a position and a command answer', () => {
    const message = decode(frames.locationAnswer);
    expect(message.deviceId).toBe('14533224352');
    expect(message.position).toMatchObject({ lat: 29.67566, lon: 106.445056, valid: false });
    expect(message.ts).toBe(beijing(2019, 8, 26, 18, 27, 15));
    expect(message.commandAnswer).toEqual({
      command: String(0x7256),
      ok: true,
      detail: '0x8201: position',
      key: String(0x7256),
    });
    expect(message.answer).toBeUndefined();
  });

  it('keeps the alarm of a report whose coordinates are out of range, without its position', () => {
    // Derived from emergency2013: latitude 0x0FFFFFFF (268.435455°).
    const message = decode(
      '7e0200002e094027587492000a000000010000000a0fffffff001329f3000000140000130412164952010400000012360a0002341502cb0c20085c617e',
    );
    expect(message.position).toBeUndefined();
    expect(message.events).toHaveLength(1);
    expect(message.ts).toBe(beijing(2013, 4, 12, 16, 49, 52));
  });

  it('answers a message it does not handle with result 3', () => {
    const message = decode(frames.unhandled2019);
    expect(message).toMatchObject({ type: '0005', events: [], readings: {} });
    expect(hexOf(message.answer?.bytes)).toBe('7e80014005010000000001391234432900000000000503b77e');
  });
});

describe('JT/T 808 commands', () => {
  const encode = (command: WatchCommand, watchSession: WatchSession, deviceId = '13912344323') =>
    jt808.encode(command, { deviceId, now: 0, utcOffsetMinutes: 480, session: watchSession });

  it('encodes GBK as the published 0x8300 frame does', () => {
    // [xtream] 0x8300 of "HelloWorld 汉字 GBK 编码".
    expect(encodeGbk('HelloWorld 汉字 GBK 编码').toString('hex')).toBe(
      '48656c6c6f576f726c6420babad7d62047424b20b1e0c2eb',
    );
    expect(refusal(() => encodeGbk('🆘')).reason).toBe('unsupported');
  });

  it('sends text and position queries in 2013 to a terminal that spoke 2013', () => {
    const watchSession = session(1);
    const text = encode({ kind: 'text', text: '已收到，工作人员正在赶来' }, watchSession);
    expect(text.toString('hex')).toBe(
      '7e8300001901391234432300010dd2d1cad5b5bda3acb9a4d7f7c8cbd4b1d5fdd4dab8cfc0b48d7e',
    );
    expect(hexOf(encode({ kind: 'locate' }, watchSession))).toBe('7e820100000139123443230002ff7e');
  });

  it('names the serial the terminal answers a command with', () => {
    const sent = encode({ kind: 'locate' }, session(0x97a3));
    expect(jt808.answerKey(sent)).toBe(String(0x97a3));
    expect(decode(frames.terminalAnswerOk).commandAnswer?.key).toBe(jt808.answerKey(sent));
    expect(jt808.answerKey(encode({ kind: 'locate' }, session(0x97a4)))).not.toBe(
      decode(frames.terminalAnswerOk).commandAnswer?.key,
    );
  });

  it('sends in 2019 to a terminal that spoke 2019', () => {
    // The location's answer takes serial 0xFFFF; the commands' serials wrap to 0 and 1 (a WORD).
    const watchSession = session(0xffff);
    // The gateway keeps the dialect a frame shows in the connection's session.
    watchSession.dialect = decode(frames.location2019, context(watchSession)).dialect;
    const deviceId = '13912344329';
    expect(hexOf(encode({ kind: 'locate' }, watchSession, deviceId))).toBe(frames.locate2019);
    expect(hexOf(encode({ kind: 'text', text: '已收到，工作人员正在赶来' }, watchSession, deviceId))).toBe(
      '7e8300401a010000000001391234432900010e01d2d1cad5b5bda3acb9a4d7f7c8cbd4b1d5fdd4dab8cfc0b4c77e',
    );
  });

  it('refuses commands the standard has no message for', () => {
    const commands: WatchCommand[] = [
      { kind: 'heart_rate_interval', minutes: 10 },
      { kind: 'fall_alarm', on: true },
      { kind: 'removal_alarm', on: false },
      { kind: 'sos_numbers', numbers: ['13800000000'] },
    ];
    for (const command of commands) {
      expect(refusal(() => encode(command, session())).reason).toBe('unsupported');
    }
  });
});

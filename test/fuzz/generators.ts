/**
 * Generators of bad input, shared by the property tests (test/fuzz/*.test.ts: fixed seed, few runs)
 * and the long fuzz run (test/fuzz/run.ts: random seed, minutes). Each one mixes well-formed input
 * with the ways it goes wrong in the field: wrong types, huge and NaN-like numbers, deep nesting,
 * long strings, random bytes, truncation and corruption.
 */

import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { remainingLength } from '../gateway/mqtt-frames.ts';

/** The seed of the property tests: a failure prints it with its path, and the same run replays it. */
export const SUITE_SEED = 20_261_129;

/** Settings of a property test in `npm test`: fixed seed, a modest number of runs. */
export function suiteRuns(numRuns: number): fc.Parameters<unknown> {
  return { seed: SUITE_SEED, numRuns, endOnFailure: true };
}

/** Numbers as devices get them wrong: out of range, huge, negative zero, fractions of integers. */
export const wildNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 1e12, 1e13, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, 0.1),
);

/** Strings that look like numbers, booleans or nothing to a lenient parser. */
export const numberLikeString: fc.Arbitrary<string> = fc.constantFrom(
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  '',
  ' ',
  '72',
  '98.5',
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '\u0000',
  '１２３',
);

export const longString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 65, maxLength: 300 }),
  fc.nat({ max: 20_000 }).map((length) => 'x'.repeat(length)),
  fc.constantFrom('值'.repeat(6000), '😀'.repeat(5000)),
);

/** Any value of the wrong kind for a field. */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  wildNumber,
  numberLikeString,
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  longString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(wildNumber, { maxLength: 5 }),
);

/** Nesting as deep as a hostile sender likes, within the payload limit. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** JSON text that parses to numbers JavaScript cannot hold as they are written. */
export const hostileJsonText: fc.Arbitrary<string> = fc.constantFrom(
  '{"hr":1e999}',
  '{"hr":-1e999,"ts":1e999}',
  '{"ts":17000000000000.5,"battery":50}',
  '{"hr":72,"ts":"1700000000000"}',
  '{"__proto__":{"hr":1},"constructor":{"prototype":{}}}',
  '{"id":"a","type":"sos","__proto__":{"type":"fall"}}',
  '{"online":true,"battery":NaN}',
  '{"hr":72}garbage',
  '\uFEFF{"hr":72}',
  '{"hr":72,"hr":"x"}',
  '[{"hr":72}]',
  '"sos"',
  '0',
  'null',
  'true',
);

/** An object built from the keys a schema declares, each given a wild or a plausible value. */
export function objectOfKeys(
  keys: readonly string[],
  extraKeys = true,
): fc.Arbitrary<Record<string, unknown>> {
  const key = keys.length ? fc.constantFrom(...keys) : fc.string({ maxLength: 12 });
  const anyKey = extraKeys ? fc.oneof(key, key, fc.string({ maxLength: 20 })) : key;
  return fc
    .array(fc.tuple(anyKey, wildValue), { maxLength: keys.length + 3 })
    .map((entries) => Object.fromEntries(entries));
}

/** The property names of an object schema, or of every member of a union of object schemas. */
export function schemaKeys(schema: TSchema): string[] {
  const members: TSchema[] = Array.isArray(schema.anyOf) ? (schema.anyOf as TSchema[]) : [schema];
  return [...new Set(members.flatMap((member) => Object.keys(member.properties ?? {})))];
}

/** The payload of a device message as it reaches the decoder: text or bytes. */
export function devicePayload(keys: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: objectOfKeys(keys).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: hostileJsonText },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: longString.map((text) => JSON.stringify({ [keys[0] ?? 'x']: text })) },
    {
      weight: 1,
      arbitrary: objectOfKeys(keys).map((value) => {
        // Cut a valid-looking JSON text anywhere.
        const text = JSON.stringify(value);
        return text.slice(0, Math.max(0, text.length - 1 - (text.length % 7)));
      }),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** A body for a JSON route: its own schema's keys with wild values, or something else entirely. */
export function httpBody(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: objectOfKeys(keys) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: hostileJsonText },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  );
}

/** A query string: the route's own parameters and others, with wild values, sometimes repeated. */
export function queryString(keys: readonly string[]): fc.Arbitrary<string> {
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 10 })) : fc.string();
  const value = fc.oneof(
    numberLikeString,
    fc.string({ maxLength: 30 }),
    wildNumber.map(String),
    fc.constantFrom('2026-02-30', '1900-01-01', '9999-12-31T99:99', '-1', '1e9', 'a,b,c', '%', '%zz', '[]'),
    longString.map((text) => text.slice(0, 3000)),
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((pairs) => pairs.map(([name, text]) => `${encodeComponent(name)}=${encodeRaw(text)}`).join('&'));
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD. */
export function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

/** Mostly encoded, sometimes sent as it is (a raw `%` or `#` is part of the game). */
function encodeRaw(text: string): string {
  if (text === '%' || text === '%zz') return text;
  return encodeComponent(text);
}

/** A value for a path parameter: ids that are not ids. */
export const pathValue: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.constantFrom('0', '-1', 'null', '00000000-0000-0000-0000-000000000000', '..', '%2e%2e', 'a'.repeat(300)),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeComponent),
);

// ---------------------------------------------------------------------------------------------
// Files

/** Random bytes, sometimes behind the magic number of a real format so that sniffing passes. */
export const fileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(
      fc.constantFrom(
        [0xff, 0xd8, 0xff],
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        [0x25, 0x50, 0x44, 0x46, 0x2d],
        [0x49, 0x44, 0x33],
        [0x4f, 0x67, 0x67, 0x53],
        [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45],
        [0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20],
        [0x50, 0x4b, 0x03, 0x04],
      ),
      fc.uint8Array({ maxLength: 2048 }),
    )
    .map(([magic, rest]) => Buffer.concat([Buffer.from(magic), Buffer.from(rest)])),
);

/** A damaged copy of a real file: cut short, bytes flipped, or a slice moved. */
export function corrupted(original: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.nat({ max: original.length }).map((length) => original.subarray(0, length)),
    fc
      .array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 40,
      })
      .map((flips) => {
        const copy = Buffer.from(original);
        for (const [at, byte] of flips) copy[at] = byte;
        return copy;
      }),
    fc
      .tuple(fc.nat({ max: original.length - 1 }), fc.nat({ max: original.length - 1 }), fc.nat({ max: 512 }))
      .map(([from, to, length]) => {
        const copy = Buffer.from(original);
        original.copy(copy, to, from, Math.min(original.length, from + length));
        return copy;
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// MQTT frames

function mqttString(value: Buffer | string, declared?: number): Buffer {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(declared ?? bytes.length);
  return Buffer.concat([length, bytes]);
}

function frame(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

/** A CONNECT with each part possibly wrong: protocol name, level, flags, lengths of its strings. */
export const badConnect: fc.Arbitrary<Buffer> = fc
  .record({
    name: fc.oneof(
      fc.constantFrom('MQTT', 'MQIsdp', 'mqtt', 'MQTT\u0000', 'HTTP', ''),
      fc.string({ maxLength: 8 }),
    ),
    level: fc.oneof(fc.constantFrom(3, 4, 5), fc.integer({ min: 0, max: 255 })),
    flags: fc.integer({ min: 0, max: 255 }),
    keepalive: fc.integer({ min: 0, max: 65_535 }),
    clientId: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(300))),
    // A string whose declared length is not its length (longer than the packet, or shorter).
    lie: fc.option(fc.integer({ min: 0, max: 65_535 }), { nil: undefined }),
    tail: fc.uint8Array({ maxLength: 64 }),
    firstByte: fc.oneof(fc.constant(0x10), fc.integer({ min: 0x10, max: 0x1f })),
  })
  .filter(
    // A CONNECT that is entirely right is not bad input.
    (fields) =>
      fields.name !== 'MQTT' ||
      fields.level !== 4 ||
      (fields.flags & 0x01) !== 0 ||
      fields.lie !== undefined ||
      fields.firstByte !== 0x10,
  )
  .map((fields) =>
    frame(
      fields.firstByte,
      Buffer.concat([
        mqttString(fields.name),
        Buffer.from([fields.level, fields.flags, fields.keepalive >> 8, fields.keepalive & 0xff]),
        mqttString(fields.clientId, fields.lie),
        Buffer.from(fields.tail),
      ]),
    ),
  );

/** Any packet type but CONNECT, with a plausible body, sent where a CONNECT must come first. */
export const packetBeforeConnect: fc.Arbitrary<Buffer> = fc
  .tuple(fc.integer({ min: 2, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.uint8Array({ maxLength: 64 }))
  .map(([type, flags, body]) => frame((type << 4) | flags, Buffer.from(body)));

/** A remaining length of five bytes, or four that never end, or that claim more than will come. */
export const badRemainingLength: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 4, maxLength: 4 }))
    .map(([first, bytes]) => Buffer.from([first, ...bytes.map((byte) => byte | 0x80), 0x01])),
  fc.integer({ min: 0, max: 255 }).map((first) => Buffer.from([first, 0x80, 0x80, 0x80, 0x80])),
);

/** The start of a valid CONNECT, cut anywhere inside its fixed header or variable header. */
export function truncatedConnect(whole: Buffer): fc.Arbitrary<Buffer> {
  return fc
    .integer({ min: 1, max: Math.min(whole.length - 1, 14) })
    .map((length) => whole.subarray(0, length));
}

/** Random bytes, often behind a plausible first byte so they get past the type check. */
export const randomFrameBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(
      fc.constantFrom(0x10, 0x30, 0x32, 0x82, 0xc0, 0xe0),
      fc.uint8Array({ minLength: 1, maxLength: 256 }),
    )
    .map(([first, rest]) => Buffer.concat([Buffer.from([first]), Buffer.from(rest)])),
);

/** An oversize string inside a packet that is itself small enough to pass the size guard. */
export const oversizeStringConnect: fc.Arbitrary<Buffer> = fc
  .integer({ min: 65, max: 60_000 })
  .map((length) =>
    frame(
      0x10,
      Buffer.concat([
        mqttString('MQTT'),
        Buffer.from([4, 0xc2, 0, 60]),
        mqttString('c'.repeat(length)),
        mqttString('u'.repeat(Math.min(length, 1000))),
        mqttString('p'),
      ]),
    ),
  );

/** Every kind of bad frame, for the long run. */
export const anyBadFrame: fc.Arbitrary<Buffer> = fc.oneof(
  randomFrameBytes,
  badConnect,
  packetBeforeConnect,
  badRemainingLength,
  oversizeStringConnect,
);

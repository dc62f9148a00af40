import { describe, expect, it } from 'vitest';
import { wearableWatch } from '../../devices/definitions/wearable-watch.ts';
import {
  type DecodedChannel,
  decodeDeviceMessage,
  definitions,
  MAX_PAYLOAD_BYTES,
  rejectReasonCode,
  rejectReasons,
} from '../../devices/index.ts';
import { createRandom } from '../../simulators/vitals.ts';

const receivedAt = 1_750_000_000_000;
const channels: DecodedChannel[] = ['telemetry', 'event', 'status'];

function reasonOf(payload: Uint8Array | string, channel: DecodedChannel = 'telemetry'): string {
  const result = decodeDeviceMessage(wearableWatch, channel, payload, receivedAt);
  return result.ok ? 'accepted' : result.reason;
}

describe('decodeDeviceMessage', () => {
  it('accepts bytes as well as strings', () => {
    const bytes = new TextEncoder().encode('{"hr":80}');
    expect(decodeDeviceMessage(wearableWatch, 'telemetry', bytes, receivedAt)).toStrictEqual({
      ok: true,
      value: { channel: 'telemetry', ts: receivedAt, readings: { hr: 80 } },
    });
    expect(reasonOf(Buffer.from('{"hr":80}'))).toBe('accepted');
  });

  it('refuses payloads over 16 KiB before parsing them', () => {
    const big = JSON.stringify({ hr: 80, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    expect(reasonOf(big)).toBe(`too_large: ${big.length} bytes > ${MAX_PAYLOAD_BYTES}`);
    expect(reasonOf(new Uint8Array(MAX_PAYLOAD_BYTES + 1))).toBe(
      `too_large: ${MAX_PAYLOAD_BYTES + 1} bytes > ${MAX_PAYLOAD_BYTES}`,
    );
    // Multi-byte characters count as the bytes they take on the wire.
    const wide = `"${'心'.repeat(6000)}"`;
    expect(reasonOf(wide)).toBe(`too_large: ${6000 * 3 + 2} bytes > ${MAX_PAYLOAD_BYTES}`);
  });

  it('names bad encoding and bad JSON', () => {
    expect(reasonOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toBe('invalid_encoding: payload is not UTF-8');
    expect(reasonOf('')).toBe('invalid_json: empty payload');
    expect(reasonOf(new Uint8Array())).toBe('invalid_json: empty payload');
    expect(reasonOf('{"hr":')).toMatch(/^invalid_json: /);
    expect(reasonOf("{'hr': 80}")).toMatch(/^invalid_json: /);
    expect(reasonOf(null as unknown as string)).toBe('invalid_encoding: payload must be bytes or a string');
  });

  it('refuses a channel that devices do not publish on', () => {
    const result = decodeDeviceMessage(wearableWatch, 'cmd' as DecodedChannel, '{}', receivedAt);
    expect(result).toStrictEqual({ ok: false, reason: 'unsupported_channel: cmd' });
  });

  it('refuses numbers beyond what JSON can carry as a finite value', () => {
    expect(reasonOf('{"temperature":1e400}')).toBe('schema: /temperature must be a finite number');
    expect(reasonOf('{"steps":1e400}')).toBe('schema: /steps must be an integer');
  });

  it('refuses __proto__ and constructor keys without touching prototypes', () => {
    expect(reasonOf('{"__proto__":{"hr":80},"hr":70}')).toBe('schema: /__proto__ is not a known key');
    expect(reasonOf('{"constructor":{"prototype":{}},"hr":70}')).toBe(
      'schema: /constructor is not a known key',
    );
    expect(reasonOf('{"id":"1","type":"sos","__proto__":{"polluted":true}}', 'event')).toBe(
      'schema: /__proto__ is not a known key',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(reasonOf('{"id":"1","type":"__proto__"}', 'event')).toBe(
      'unsupported_event: "__proto__" is not an event of wearable.watch',
    );
  });

  it('survives deep nesting', () => {
    const depth = 5000;
    expect(reasonOf(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBe('schema: / must be a JSON object');
    const nested = `{"hr":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`;
    expect(reasonOf(nested)).toBe('schema: /hr must be an integer');
  });

  it('cuts long keys short in the reason', () => {
    const reason = reasonOf(JSON.stringify({ ['k'.repeat(5000)]: 1 }));
    expect(reason.startsWith('schema: /kkk')).toBe(true);
    expect(reason.length).toBeLessThan(200);
  });

  it('never throws, and every rejection has a known code', () => {
    // A fixed seed, so that a failing fuzz case can be replayed.
    const next = createRandom(2839);
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      'hr',
      'id',
      'type',
      'sos',
      'true',
      'null',
      '1e309',
      '-0',
      '__proto__',
      '\\u0000',
      ' ',
    ];
    const samples: (string | Uint8Array)[] = [];
    for (let index = 0; index < 400; index += 1) {
      const bytes = new Uint8Array(Math.floor(next() * 64));
      for (let offset = 0; offset < bytes.length; offset += 1) bytes[offset] = Math.floor(next() * 256);
      samples.push(bytes);
      let text = '';
      const count = Math.floor(next() * 20);
      for (let part = 0; part < count; part += 1) text += pieces[Math.floor(next() * pieces.length)];
      samples.push(text);
    }
    samples.push(
      '{"hr":72,"spo2":98,"steps":1,"battery":1,"worn":false,"temperature":-0,"ts":1700000000000}',
      '{"id":"x","type":"fall","certainty":null}',
      '{"online":true,"battery":-1}',
      '1',
      'null',
      '"text"',
      '[]',
      `{"hr":${Number.MAX_SAFE_INTEGER * 10}}`,
    );
    for (const definition of definitions) {
      for (const channel of channels) {
        for (const sample of samples) {
          const result = decodeDeviceMessage(definition, channel, sample, receivedAt);
          if (!result.ok) {
            expect(rejectReasons).toContain(rejectReasonCode(result.reason));
            expect(result.reason.split(':', 1)[0]).not.toBe('internal_error');
          }
        }
      }
    }
  });
});

describe('rejectReasonCode', () => {
  it('takes the code before the first colon', () => {
    expect(rejectReasonCode('schema: /hr must be <= 250')).toBe('schema');
    expect(rejectReasonCode('too_large: 20000 bytes > 16384')).toBe('too_large');
    expect(rejectReasonCode('something else')).toBe('internal_error');
  });
});

import { describe, expect, it } from 'vitest';
import { type DecodedChannel, decodeDeviceMessage, definitions, getDefinition } from '../../devices/index.ts';
import type { DeviceDefinition } from '../../devices/types.ts';

const receivedAt = 1_750_000_000_000;
const ts = 1_749_999_999_000;

function definition(type: string): DeviceDefinition {
  const found = getDefinition(type);
  if (!found) throw new Error(`no definition ${type}`);
  return found;
}

function decode(type: string, channel: DecodedChannel, payload: unknown) {
  return decodeDeviceMessage(definition(type), channel, JSON.stringify(payload), receivedAt);
}

function reasonOf(type: string, channel: DecodedChannel, payload: unknown): string {
  const result = decode(type, channel, payload);
  return result.ok ? 'accepted' : result.reason;
}

describe('wearable.watch', () => {
  it('accepts full and partial telemetry', () => {
    expect(
      decode('wearable.watch', 'telemetry', { hr: 72, spo2: 97.5, steps: 0, battery: 55, worn: true, ts }),
    ).toStrictEqual({
      ok: true,
      value: {
        channel: 'telemetry',
        ts,
        readings: { hr: 72, spo2: 97.5, steps: 0, battery: 55, worn: true },
      },
    });
    expect(decode('wearable.watch', 'telemetry', { temperature: 36.6 })).toStrictEqual({
      ok: true,
      value: { channel: 'telemetry', ts: receivedAt, readings: { temperature: 36.6 } },
    });
  });

  it('rejects telemetry out of range, of the wrong type, with typos, or empty', () => {
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 251 })).toBe('schema: /hr must be <= 250');
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 19 })).toBe('schema: /hr must be >= 20');
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 72.5 })).toBe('schema: /hr must be an integer');
    expect(reasonOf('wearable.watch', 'telemetry', { spo2: 49 })).toBe('schema: /spo2 must be >= 50');
    expect(reasonOf('wearable.watch', 'telemetry', { steps: -1 })).toBe('schema: /steps must be >= 0');
    expect(reasonOf('wearable.watch', 'telemetry', { battery: 101 })).toBe('schema: /battery must be <= 100');
    expect(reasonOf('wearable.watch', 'telemetry', { worn: 1 })).toBe('schema: /worn must be a boolean');
    expect(reasonOf('wearable.watch', 'telemetry', { heartrate: 72 })).toBe(
      'schema: /heartrate is not a known key',
    );
    expect(reasonOf('wearable.watch', 'telemetry', { ts })).toBe(
      'schema: / must have at least one reading besides ts',
    );
    expect(reasonOf('wearable.watch', 'telemetry', {})).toBe(
      'schema: / must have at least one reading besides ts',
    );
    expect(reasonOf('wearable.watch', 'telemetry', [72])).toBe('schema: / must be a JSON object');
  });

  it('rejects a ts that is not plausible epoch milliseconds', () => {
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 72, ts: 1_750_000_000 })).toBe(
      'schema: /ts must be > 1000000000000',
    );
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 72, ts: 1e13 })).toBe(
      'schema: /ts must be < 10000000000000',
    );
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 72, ts: ts + 0.5 })).toBe(
      'schema: /ts must be an integer',
    );
    expect(reasonOf('wearable.watch', 'telemetry', { hr: 72, ts: '2025-06-15' })).toBe(
      'schema: /ts must be an integer',
    );
  });

  it('accepts each of its events', () => {
    for (const type of ['sos', 'wearable_removed', 'button_test', 'cancel']) {
      expect(decode('wearable.watch', 'event', { id: `e-${type}`, type, ts })).toStrictEqual({
        ok: true,
        value: { channel: 'event', event: { id: `e-${type}`, type, ts } },
      });
    }
  });

  it('decodes falls with certainty, confirmed by default', () => {
    expect(decode('wearable.watch', 'event', { id: 'f1', type: 'fall' })).toStrictEqual({
      ok: true,
      value: { channel: 'event', event: { id: 'f1', type: 'fall', ts: receivedAt, certainty: 'confirmed' } },
    });
    expect(
      decode('wearable.watch', 'event', { id: 'f2', type: 'fall', certainty: 'suspected', ts }),
    ).toStrictEqual({
      ok: true,
      value: { channel: 'event', event: { id: 'f2', type: 'fall', ts, certainty: 'suspected' } },
    });
    expect(reasonOf('wearable.watch', 'event', { id: 'f3', type: 'fall', certainty: 'maybe' })).toBe(
      'schema: /certainty must be one of "confirmed", "suspected"',
    );
  });

  it('rejects bad events', () => {
    expect(reasonOf('wearable.watch', 'event', { type: 'sos' })).toBe('schema: /id is required');
    expect(reasonOf('wearable.watch', 'event', { id: '', type: 'sos' })).toBe(
      'schema: /id must have at least 1 characters',
    );
    expect(reasonOf('wearable.watch', 'event', { id: 'x'.repeat(65), type: 'sos' })).toBe(
      'schema: /id must have at most 64 characters',
    );
    expect(reasonOf('wearable.watch', 'event', { id: 7, type: 'sos' })).toBe('schema: /id must be a string');
    expect(reasonOf('wearable.watch', 'event', { id: 'a', type: 'service_request' })).toBe(
      'unsupported_event: "service_request" is not an event of wearable.watch',
    );
    expect(reasonOf('wearable.watch', 'event', { id: 'a', type: 'sos', certainty: 'confirmed' })).toBe(
      'schema: /certainty is not a known key',
    );
    expect(reasonOf('wearable.watch', 'event', { id: 'a', type: 'sos', ts: 5 })).toBe(
      'schema: /ts must be > 1000000000000',
    );
  });
});

describe('pendant.sos', () => {
  it('accepts battery telemetry and its four events', () => {
    expect(decode('pendant.sos', 'telemetry', { battery: 90 })).toStrictEqual({
      ok: true,
      value: { channel: 'telemetry', ts: receivedAt, readings: { battery: 90 } },
    });
    for (const type of ['sos', 'service_request', 'button_test', 'cancel']) {
      expect(reasonOf('pendant.sos', 'event', { id: '1', type })).toBe('accepted');
    }
    expect(decode('pendant.sos', 'event', { id: '2', type: 'cancel', cancels: '1', ts })).toStrictEqual({
      ok: true,
      value: { channel: 'event', event: { id: '2', type: 'cancel', ts, detail: { cancels: '1' } } },
    });
  });

  it('rejects what a pendant cannot report', () => {
    expect(reasonOf('pendant.sos', 'telemetry', { hr: 70 })).toBe('schema: /hr is not a known key');
    expect(reasonOf('pendant.sos', 'event', { id: '1', type: 'fall' })).toBe(
      'unsupported_event: "fall" is not an event of pendant.sos',
    );
  });
});

const sensors = [
  { type: 'sensor.door', key: 'open', reading: 'door_open', alarm: undefined, battery: true },
  { type: 'sensor.motion', key: 'motion', reading: 'motion', alarm: undefined, battery: true },
  { type: 'sensor.bed', key: 'occupied', reading: 'bed_occupied', alarm: undefined, battery: true },
  { type: 'sensor.smoke', key: 'smoke', reading: 'smoke', alarm: 'smoke', battery: true },
  { type: 'sensor.water_leak', key: 'water_leak', reading: 'water_leak', alarm: 'water_leak', battery: true },
  { type: 'sensor.gas', key: 'gas', reading: 'gas', alarm: 'gas', battery: false },
] as const;

describe.each(sensors)('$type', ({ type, key, reading, alarm, battery }) => {
  it('reports its state as a reading', () => {
    expect(decode(type, 'telemetry', { [key]: true, ts })).toStrictEqual({
      ok: true,
      value: { channel: 'telemetry', ts, readings: { [reading]: true } },
    });
    expect(decode(type, 'telemetry', { [key]: false })).toStrictEqual({
      ok: true,
      value: { channel: 'telemetry', ts: receivedAt, readings: { [reading]: false } },
    });
  });

  it('rejects a state that is not a boolean, and unknown keys', () => {
    expect(reasonOf(type, 'telemetry', { [key]: 'on' })).toBe(`schema: /${key} must be a boolean`);
    expect(reasonOf(type, 'telemetry', { [key]: true, state: 'on' })).toBe(
      'schema: /state is not a known key',
    );
  });

  it(battery ? 'reports its battery' : 'is mains powered and has no battery', () => {
    expect(reasonOf(type, 'telemetry', { battery: 40 })).toBe(
      battery ? 'accepted' : 'schema: /battery is not a known key',
    );
    expect(definition(type).power).toBe(battery ? 'battery' : 'mains');
  });

  it(alarm ? 'raises its alarm as an event with an id' : 'raises no events', () => {
    if (alarm) {
      expect(decode(type, 'event', { id: 'a1', type: alarm, ts })).toStrictEqual({
        ok: true,
        value: { channel: 'event', event: { id: 'a1', type: alarm, ts } },
      });
      expect(definition(type).events).toContain(alarm);
    } else {
      expect(reasonOf(type, 'event', { id: 'a1', type: 'smoke' })).toBe(
        `unsupported_event: "smoke" is not an event of ${type}`,
      );
      expect(definition(type).events).toStrictEqual([]);
    }
  });
});

describe('every definition', () => {
  it.each(definitions.map((item) => [item.type, item] as const))(
    '%s accepts status messages',
    (_type, item) => {
      expect(
        decodeDeviceMessage(item, 'status', '{"online":true,"battery":77,"fw":"1.2.0"}', receivedAt),
      ).toStrictEqual({
        ok: true,
        value: { channel: 'status', status: { online: true, battery: 77, fw: '1.2.0' } },
      });
      expect(decodeDeviceMessage(item, 'status', '{"online":false}', receivedAt)).toStrictEqual({
        ok: true,
        value: { channel: 'status', status: { online: false } },
      });
      const bad = decodeDeviceMessage(item, 'status', '{"online":"yes"}', receivedAt);
      expect(bad).toStrictEqual({ ok: false, reason: 'schema: /online must be a boolean' });
    },
  );

  it.each(definitions.map((item) => [item.type, item] as const))(
    '%s reads every declared key',
    (_type, item) => {
      // Every reading the definition declares is reachable from some telemetry payload key.
      const properties: Record<string, unknown> = item.telemetrySchema.properties;
      const keys = Object.keys(properties).filter((key) => key !== 'ts');
      expect(keys.length).toBe(item.readings.length);
    },
  );
});

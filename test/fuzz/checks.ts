/** What a decoded device message must satisfy, whatever the payload was. */
import { expect } from 'vitest';
import {
  type DecodedChannel,
  type DeviceDefinition,
  decodeDeviceMessage,
  rejectReasonCode,
} from '../../devices/index.ts';

export const RECEIVED_AT = Date.UTC(2026, 10, 29, 2, 0, 0);
export const STATUS_KEYS = ['online', 'battery', 'fw'];

export function isReadingValue(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** What a decoded message must satisfy, whatever came in; throws with the payload otherwise. */
export function checkDecoded(
  definition: DeviceDefinition,
  channel: DecodedChannel,
  payload: string | Uint8Array,
): 'accepted' | string {
  const decoded = decodeDeviceMessage(definition, channel, payload, RECEIVED_AT);
  if (!decoded.ok) {
    expect(typeof decoded.reason).toBe('string');
    expect(rejectReasonCode(decoded.reason)).not.toBe('internal_error');
    expect(decoded.reason.length).toBeLessThan(400);
    return rejectReasonCode(decoded.reason);
  }
  const message = decoded.value;
  expect(message.channel).toBe(channel);
  if (message.channel === 'telemetry') {
    const keys = Object.keys(message.readings);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(definition.readings).toContain(key);
      expect(isReadingValue(message.readings[key as keyof typeof message.readings])).toBe(true);
    }
    expect(Number.isSafeInteger(message.ts)).toBe(true);
    expect(message.ts === RECEIVED_AT || (message.ts > 1e12 && message.ts < 1e13)).toBe(true);
  } else if (message.channel === 'event') {
    expect(definition.events).toContain(message.event.type);
    expect(typeof message.event.id).toBe('string');
    expect(message.event.id.length).toBeGreaterThan(0);
    expect(message.event.id.length).toBeLessThanOrEqual(64);
    expect(Number.isFinite(message.event.ts)).toBe(true);
  } else {
    expect(typeof message.status.online).toBe('boolean');
    if (message.status.battery !== undefined) {
      expect(message.status.battery).toBeGreaterThanOrEqual(0);
      expect(message.status.battery).toBeLessThanOrEqual(100);
    }
  }
  return 'accepted';
}

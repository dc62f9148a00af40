/**
 * One MQTT payload of protocol v1 → a normalized message, or a rejection with a stable reason.
 * The gateway counts rejections by their code (the part before the first `:`), logs the whole
 * reason, and carries on: a bad message never stops the broker nor loses the messages beside it.
 * Nothing here throws, whatever the payload.
 */
import { Type } from '@sinclair/typebox';
import type { DeviceStatusPayload } from './contract.ts';
import { DeviceStatusSchema, EpochMilliseconds, EventId } from './converters/schemas.ts';
import type { Decoded, DeviceDefinition, DeviceEvent, EventType, Readings } from './types.ts';
import { firstError, truncate } from './validate.ts';

/** Reason codes, in the order a payload meets them. */
export const rejectReasons = [
  'too_large',
  'invalid_encoding',
  'invalid_json',
  'schema',
  'unsupported_event',
  'unsupported_channel',
  'internal_error',
] as const;
export type RejectReason = (typeof rejectReasons)[number];

/** Payloads above this are refused before parsing; no device of protocol v1 needs more. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

export type DecodedChannel = 'telemetry' | 'event' | 'status';

export type DecodedMessage =
  | { channel: 'telemetry'; ts: number; readings: Readings }
  | { channel: 'event'; event: DeviceEvent }
  | { channel: 'status'; status: DeviceStatusPayload };

/** The code of a reason produced here; `internal_error` for anything else. */
export function rejectReasonCode(reason: string): RejectReason {
  const code = reason.split(':', 1)[0] ?? '';
  return (rejectReasons as readonly string[]).includes(code) ? (code as RejectReason) : 'internal_error';
}

function reject(code: RejectReason, detail?: string): { ok: false; reason: string } {
  return { ok: false, reason: detail === undefined ? code : `${code}: ${detail}` };
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function byteLength(text: string): number {
  // A UTF-16 code unit takes one to three bytes in UTF-8, so only the middle range needs counting.
  if (text.length > MAX_PAYLOAD_BYTES) return text.length;
  if (text.length * 3 <= MAX_PAYLOAD_BYTES) return text.length;
  return encoder.encode(text).byteLength;
}

function parse(payload: unknown): Parsed {
  let text: string;
  if (typeof payload === 'string') {
    const size = byteLength(payload);
    if (size > MAX_PAYLOAD_BYTES) return reject('too_large', `${size} bytes > ${MAX_PAYLOAD_BYTES}`);
    text = payload;
  } else if (payload instanceof Uint8Array) {
    if (payload.byteLength > MAX_PAYLOAD_BYTES) {
      return reject('too_large', `${payload.byteLength} bytes > ${MAX_PAYLOAD_BYTES}`);
    }
    try {
      text = utf8.decode(payload);
    } catch {
      return reject('invalid_encoding', 'payload is not UTF-8');
    }
  } else {
    return reject('invalid_encoding', 'payload must be bytes or a string');
  }
  // An empty payload is how MQTT clears a retained message; it is not a message of ours.
  if (text.trim() === '') return reject('invalid_json', 'empty payload');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reject('invalid_json', truncate(message));
  }
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

function decodeTelemetry(
  definition: DeviceDefinition,
  value: unknown,
  receivedAt: number,
): Decoded<DecodedMessage> {
  const error = firstError(definition.telemetrySchema, value);
  if (error) return reject('schema', error);
  const readings = definition.toReadings(value);
  // The schema makes every key optional; a payload of only `ts` says nothing and is refused.
  if (isEmpty(readings)) return reject('schema', '/ must have at least one reading besides ts');
  const ts = (value as { ts?: unknown }).ts;
  return {
    ok: true,
    value: { channel: 'telemetry', ts: typeof ts === 'number' ? ts : receivedAt, readings },
  };
}

/** What every event has, checked first so that an unknown type gets its own reason. */
const EventEnvelope = Type.Object({
  id: EventId,
  type: Type.String({ minLength: 1, maxLength: 64 }),
  ts: Type.Optional(EpochMilliseconds),
});

/**
 * The member of a definition's event union that describes one event type, so that errors name
 * the field at fault rather than "matches none of the allowed shapes". Falls back to the whole
 * schema for a definition whose event schema is shaped otherwise.
 */
function eventSchemaFor(definition: DeviceDefinition, type: string) {
  const schema = definition.eventSchema;
  const members: unknown = schema.anyOf;
  const candidates = Array.isArray(members) ? (members as (typeof schema)[]) : [schema];
  return candidates.find((member) => member.properties?.type?.const === type) ?? schema;
}

function decodeEvent(
  definition: DeviceDefinition,
  value: unknown,
  receivedAt: number,
): Decoded<DecodedMessage> {
  const envelopeError = firstError(EventEnvelope, value);
  if (envelopeError) return reject('schema', envelopeError);
  const type = (value as { type: string }).type;
  if (!definition.events.includes(type as EventType)) {
    return reject('unsupported_event', `${JSON.stringify(type)} is not an event of ${definition.type}`);
  }
  const error = firstError(eventSchemaFor(definition, type), value);
  if (error) return reject('schema', error);
  return { ok: true, value: { channel: 'event', event: definition.toEvent(value, receivedAt) } };
}

function decodeStatus(value: unknown): Decoded<DecodedMessage> {
  const error = firstError(DeviceStatusSchema, value);
  if (error) return reject('schema', error);
  const payload = value as DeviceStatusPayload;
  // A fresh object: the parsed one may carry keys we do not want to pass along by reference.
  const status: DeviceStatusPayload = { online: payload.online };
  if (payload.battery !== undefined) status.battery = payload.battery;
  if (payload.fw !== undefined) status.fw = payload.fw;
  return { ok: true, value: { channel: 'status', status } };
}

/**
 * Decodes one payload published by a device of `definition` on `channel`. `receivedAt` (epoch ms,
 * from the caller's clock) stands in for a `ts` the device did not send.
 */
export function decodeDeviceMessage(
  definition: DeviceDefinition,
  channel: DecodedChannel,
  payload: Uint8Array | string,
  receivedAt: number,
): Decoded<DecodedMessage> {
  try {
    if (channel !== 'telemetry' && channel !== 'event' && channel !== 'status') {
      return reject('unsupported_channel', truncate(String(channel), 32));
    }
    const parsed = parse(payload);
    if (!parsed.ok) return parsed;
    if (channel === 'telemetry') return decodeTelemetry(definition, parsed.value, receivedAt);
    if (channel === 'event') return decodeEvent(definition, parsed.value, receivedAt);
    return decodeStatus(parsed.value);
  } catch (error) {
    // Unreachable by design; kept so that a bug here costs one message, not the broker.
    const message = error instanceof Error ? error.message : String(error);
    return reject('internal_error', truncate(message));
  }
}

/**
 * Readings a device sent, handed on the same way whatever carried them (MQTT, a Zigbee2MQTT
 * bridge, a watch's TCP protocol): to the telemetry writer for the store, and on the bus
 * (`device.telemetry`) for detection, device state and the live wall. A watch's fix goes the same
 * two ways (`handOffPosition`).
 */
import type { EventBus } from '../devices/bus.ts';
import type { DevicePosition } from '../devices/contract.ts';
import type { Readings } from '../devices/types.ts';
import type { TelemetryWriter } from './ingest/writer.ts';

export interface ReadingSource {
  deviceId: string;
  deviceType: string;
  retireeId?: string | null;
}

export function handOffReadings(
  writer: TelemetryWriter,
  bus: EventBus,
  source: ReadingSource,
  ts: number,
  readings: Readings,
): void {
  bus.emit('device.telemetry', store(writer, source, ts, readings));
}

/**
 * As `handOffReadings`; resolves once the bus's listeners (detection's judging) are done with them,
 * undefined when none started any work.
 */
export function handOffReadingsJudged(
  writer: TelemetryWriter,
  bus: EventBus,
  source: ReadingSource,
  ts: number,
  readings: Readings,
): Promise<void> | undefined {
  return bus.emitSettled('device.telemetry', store(writer, source, ts, readings));
}

/** Adds the readings to the telemetry writer; returns what the bus is told. */
function store(
  writer: TelemetryWriter,
  { deviceId, deviceType, retireeId }: ReadingSource,
  ts: number,
  readings: Readings,
) {
  writer.add({
    deviceId,
    deviceType,
    ...(retireeId ? { retireeId } : {}),
    ts,
    fields: readings as Record<string, number | boolean>,
  });
  return { deviceId, deviceType, ts, readings };
}

/** How a fix's source is stored in the telemetry store, whose fields are numbers or booleans. */
export const POSITION_SOURCE_CODES = { gps: 1, wifi: 2, cell: 3 } as const;

/**
 * A device's fix (WGS-84), handed on like readings: a point of its own in the telemetry store
 * (`lat`, `lon`, `valid`, `source` as its code above, `speed_kmh` and `course` when known), and
 * `device.position` on the bus for the latest place and the safe-zone rule (server/location/).
 * 0° 0° is no place: a watch without a fix sends zeros, with the towers and access points it heard.
 * Such a report is not stored as a point; it goes on the bus only when it lists towers or access
 * points, for the server to place near them.
 */
export function handOffPosition(
  writer: TelemetryWriter,
  bus: EventBus,
  { deviceId, deviceType, retireeId }: ReadingSource,
  position: DevicePosition,
): void {
  // No fix: only the towers or access points heard, which the server may place (server/location/).
  if (position.lat === 0 && position.lon === 0) {
    const heard = Boolean(position.cells?.length || position.wifi?.length);
    if (heard) bus.emit('device.position', { deviceId, deviceType, position });
    return;
  }
  writer.add({
    deviceId,
    deviceType,
    ...(retireeId ? { retireeId } : {}),
    ts: position.ts,
    fields: {
      lat: position.lat,
      lon: position.lon,
      valid: position.valid,
      source: POSITION_SOURCE_CODES[position.source],
      ...(position.speedKmh === undefined ? {} : { speed_kmh: position.speedKmh }),
      ...(position.course === undefined ? {} : { course: position.course }),
    },
  });
  bus.emit('device.position', { deviceId, deviceType, position });
}

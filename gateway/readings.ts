/**
 * Readings a device sent, handed on the same way whatever carried them (MQTT, a Zigbee2MQTT
 * bridge, a watch's TCP protocol): to the telemetry writer for the store, and on the bus
 * (`device.telemetry`) for detection, device state and the live wall.
 */
import type { EventBus } from '../devices/bus.ts';
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
  { deviceId, deviceType, retireeId }: ReadingSource,
  ts: number,
  readings: Readings,
): void {
  writer.add({
    deviceId,
    deviceType,
    ...(retireeId ? { retireeId } : {}),
    ts,
    fields: readings as Record<string, number | boolean>,
  });
  bus.emit('device.telemetry', { deviceId, deviceType, ts, readings });
}

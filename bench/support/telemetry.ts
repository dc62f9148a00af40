/**
 * What the simulated devices send: protocol v1 telemetry of a `wearable.watch` (devices/definitions),
 * about 130 bytes of JSON each (a PUBLISH of about 180 bytes with its topic), with readings that stay inside the centre's default thresholds so that
 * the background load raises no alerts of its own.
 */
import { deviceTopic } from '../../devices/contract.ts';

export const WATCH_TYPE = 'wearable.watch';
export const PENDANT_TYPE = 'pendant.sos';

export function telemetryTopic(deviceId: string): string {
  return deviceTopic(deviceId, 'telemetry');
}

/** One watch reading set, laid out one field a line as a watch's firmware prints it. */
export function watchTelemetry(sequence: number, ts = Date.now()): Buffer {
  const readings = {
    hr: 60 + (sequence % 37),
    spo2: 95 + (sequence % 5),
    steps: 1000 + (sequence % 9000),
    battery: 40 + (sequence % 60),
    worn: true,
    temperature: 36 + (sequence % 10) / 10,
    ts,
  };
  return Buffer.from(JSON.stringify(readings, null, 2).replaceAll('\n', '\r\n'));
}

/** The gateway's public face: what the composition root and the server may use. */
export { type DeviceDirectory, type DeviceIdentity, MqttGateway } from './broker/gateway.ts';
export { Detector } from './detect/detector.ts';
export type { HeartRateLimits } from './detect/rules.ts';
export {
  createTelemetryStore,
  type Point,
  type SeriesPoint,
  type SeriesQuery,
  type TelemetryStore,
  type TelemetryStoreSettings,
  TelemetryWriter,
} from './ingest/index.ts';
